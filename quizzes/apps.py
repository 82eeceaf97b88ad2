from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Bone-metastasis quiz"

    def ready(self) -> None:
        from quizzes import signals  # noqa: F401  (connects the receivers)
