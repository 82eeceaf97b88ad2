"""An LMS course's roster read into its cohort (LTI Names and Role Provisioning Services), by a background task.

The instructor asks from the course's gradebook; the task pages through the LMS's membership list (pylti1p3
follows its `Link: rel="next"` pages), makes a local account for each learner who has not launched yet, and
puts every active learner in the cohort, so the gradebook lists them ("Not started") before their first launch.
A learner the LMS marks inactive leaves the cohort; their attempts stay. Instructors are left to their own
launches, which give them the course's gradebook.
"""

from __future__ import annotations

import requests
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from lti_tool.services.nrps import fetch_member_data
from pylti1p3.exception import LtiException

from quizzes.lti import local_user
from quizzes.models import Cohort, Membership


def can_sync(cohort: Cohort) -> bool:
    return bool(cohort.lti_context_id and cohort.lti_context.memberships_url)


@task
def sync_roster(cohort_id: int) -> str:
    """Read the roster into the cohort; returns (and keeps on the cohort) a sentence saying what it did."""
    cohort = Cohort.objects.select_related("lti_context__deployment__registration").filter(pk=cohort_id).first()
    if cohort is None or not can_sync(cohort):
        return "nothing to sync"
    context = cohort.lti_context
    try:
        members = fetch_member_data(context)
    except (LtiException, requests.RequestException, ValueError) as exc:
        note = f"The LMS roster could not be read: {exc}"[:300]
        Cohort.objects.filter(pk=cohort.pk).update(roster_note=note)
        return note
    for member in members:  # django-lti reads these keys without defaults; NRPS may leave them out
        member.setdefault("status", "Active")
        member.setdefault("roles", [])
    with transaction.atomic():
        context.update_memberships(members)
        added = left = 0
        for membership in context.memberships.select_related("user__registration", "user__auth_user"):
            if not membership.is_learner:
                continue
            names = {"given_name": membership.user.given_name, "family_name": membership.user.family_name,
                     "email": membership.user.email}  # fmt: skip
            user = local_user(membership.user, names)
            if membership.is_active:
                added += Membership.objects.get_or_create(cohort=cohort, user=user)[1]
            else:
                left += Membership.objects.filter(cohort=cohort, user=user).delete()[0]
        note = f"{len(members)} people in the LMS course; {added} learner(s) added, {left} inactive one(s) removed."
        Cohort.objects.filter(pk=cohort.pk).update(roster_synced=timezone.now(), roster_note=note)
    return note
