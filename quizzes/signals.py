"""Signal receivers, connected when the app is ready (quizzes.apps).

A module-level function is held by its module, so the signal's weak
reference to it stays alive for the life of the process; a function defined
inside ready() would be collected once ready() returned, and would silently
stop being called.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from quizzes.models import Attempt, Flag, Profile, Question


@receiver(user_logged_in, dispatch_uid="quizzes-claim-session-attempts")
def claim_session_attempts(sender, request, user, **kwargs) -> None:
    """What a visitor did before logging in or signing up becomes theirs."""
    if request is None or not hasattr(request, "session"):
        return
    ids = request.session.get("attempt_ids", [])
    if ids:
        Attempt.objects.filter(pk__in=ids, user__isnull=True).update(user=user)
    flagged = Question.objects.filter(pk__in=request.session.get("flagged_ids", []))
    Flag.objects.bulk_create([Flag(user=user, question=q) for q in flagged], ignore_conflicts=True)


@receiver(user_logged_in, dispatch_uid="quizzes-remember-patient-account")
def remember_patient_account(sender, request, user, **kwargs) -> None:
    """The header and the landing page follow whom the account is for without a query on every page."""
    if request is not None and hasattr(request, "session"):
        request.session[Profile.PATIENT_KEY] = Profile.is_patient(user)
