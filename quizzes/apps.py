from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Bone-metastasis quiz"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from quizzes.models import Attempt, Flag, Question

        def claim_session_attempts(sender, request, user, **kwargs) -> None:
            # What a visitor did before logging in or signing up becomes theirs.
            ids = request.session.get("attempt_ids", [])
            if ids:
                Attempt.objects.filter(pk__in=ids, user__isnull=True).update(user=user)
            flagged = Question.objects.filter(pk__in=request.session.get("flagged_ids", []))
            Flag.objects.bulk_create([Flag(user=user, question=q) for q in flagged], ignore_conflicts=True)

        user_logged_in.connect(claim_session_attempts, dispatch_uid="quizzes-claim-session-attempts")
