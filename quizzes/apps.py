from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Bone-metastasis quiz"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from quizzes.models import Attempt

        def claim_session_attempts(sender, request, user, **kwargs) -> None:
            # What a visitor did before logging in or signing up becomes theirs.
            ids = request.session.get("attempt_ids", [])
            if ids:
                Attempt.objects.filter(pk__in=ids, user__isnull=True).update(user=user)

        user_logged_in.connect(claim_session_attempts, dispatch_uid="quizzes-claim-session-attempts")
