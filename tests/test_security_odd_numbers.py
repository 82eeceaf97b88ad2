"""Security review, finding 9: numbers in odd forms get a clear answer, never a 500, and never stand for an id.

str.isdigit() is true of "²" (int() then raises) and of Arabic-Indic digits
(int("٣") is 3, so "٣" quietly meant the object with id 3); a 25-digit number
is beyond any database integer (SQLite overflows, PostgreSQL raises).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Cohort, Report
from tests.factories import AttemptFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db
ODD_NUMBERS = ["²", "٣", "9" * 25, "-1", "1e5", "", "0", " 1", "1.0"]


def arabic(number: int) -> str:
    """The same number in Arabic-Indic digits: int() reads it, a person typing an id in a URL does not mean it."""
    return str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.fixture
def instructor(client) -> User:
    call_command("seed_demo", "--groups-only")
    user = UserFactory(username="teacher")
    call_command("make_instructor", "teacher")
    client.force_login(user)
    return user


# -- the source reader ---------------------------------------------------------------


def test_an_odd_cite_shows_the_source_unmarked(client):
    citation = QuestionFactory().citations.get()
    url = reverse("source", args=[citation.passage.source.slug])
    assert "<mark>" in client.get(url, {"cite": citation.pk}).content.decode()
    for value in [*ODD_NUMBERS, arabic(citation.pk), f"{citation.pk}²"]:
        response = client.get(url, {"cite": value})
        assert response.status_code == 200, value
        page = response.content.decode()
        assert "<mark>" not in page and citation.passage.text in page, value


# -- the dashboard -------------------------------------------------------------------


def test_an_odd_page_number_shows_the_first_page(client, learner):
    ids = [QuestionFactory().pk]
    AttemptFactory.create_batch(25, user=learner, question_ids=ids)
    second = client.get(reverse("progress"), {"page": "2"}).content.decode()
    assert "Newer practices" in second
    for value in [*ODD_NUMBERS, arabic(2), "2²"]:
        response = client.get(reverse("progress"), {"page": value})
        assert response.status_code == 200, value
        page = response.content.decode()
        assert 'href="?page=2">Older practices' in page and "Newer practices" not in page, value


# -- the quiz builder ----------------------------------------------------------------


def test_odd_bank_ids_in_the_builder_get_a_clear_message(client, learner):
    topic = QuestionFactory().topic
    choices = {"count": 5, "mode": "tutor", "audience": "any", "pool": "all", "minutes": 20, "allowance": "1"}
    assert "1 question match." in client.get(reverse("build"), {**choices, "topics": topic.pk}).content.decode()
    for value in [*ODD_NUMBERS, arabic(topic.pk)]:
        if value == "":
            continue  # no bank ticked is every bank
        response = client.get(reverse("build"), {**choices, "topics": value})
        assert response.status_code == 200, value
        page = response.content.decode()
        assert "Choose banks from the list." in page and "question match." not in page, value
        response = client.post(reverse("build"), {**choices, "topics": [topic.pk, value]})
        assert response.status_code == 400, value
        assert "Choose banks from the list." in response.content.decode(), value
    assert not Attempt.objects.exists()


# -- the instructor's pages ----------------------------------------------------------


def test_an_odd_cohort_in_item_analysis_means_everyone(client, instructor):
    QuestionFactory()
    cohort = Cohort.objects.create(name="Nursing 2027", owner=instructor)
    selected = f'<option value="{cohort.pk}" selected>'
    assert selected in client.get(reverse("item_analysis"), {"cohort": cohort.pk}).content.decode()
    for value in [*ODD_NUMBERS, arabic(cohort.pk)]:
        response = client.get(reverse("item_analysis"), {"cohort": value})
        assert response.status_code == 200, value
        assert selected not in response.content.decode(), value


def test_an_odd_gradebook_column_sorts_by_name(client, instructor):
    cohort = Cohort.objects.create(name="Nursing 2027", owner=instructor)
    now = timezone.now()
    assignment = Assignment.objects.create(cohort=cohort, title="Week 1", opens=now, due=now + timedelta(days=1))
    for name in ("zoe", "amy"):
        cohort.memberships.create(user=UserFactory(username=name))
    for value in [*ODD_NUMBERS, arabic(assignment.pk)]:
        response = client.get(reverse("gradebook", args=[cohort.pk]), {"sort": f"a{value}"})
        assert response.status_code == 200, value
        page = response.content.decode()
        assert page.index("amy") < page.index("zoe"), value
        csv = client.get(reverse("gradebook_csv", args=[cohort.pk]), {"sort": f"a{value}"})
        assert csv.status_code == 200, value


def test_an_odd_report_id_is_not_found_and_resolves_nothing(client, instructor):
    report = Report.objects.create(question=QuestionFactory(), comment="The source says otherwise.")
    for value in [*ODD_NUMBERS, arabic(report.pk), f"{report.pk}²"]:
        response = client.post(reverse("teach_reports"), {"report": value})
        assert response.status_code == 404, value
    report.refresh_from_db()
    assert not report.resolved
    assert client.post(reverse("teach_reports"), {"report": report.pk}).status_code == 302
    report.refresh_from_db()
    assert report.resolved


# -- ids in the path -----------------------------------------------------------------


def test_ids_beyond_any_database_column_are_not_found(client, instructor):
    huge = "9" * 25
    cohort = Cohort.objects.create(name="Nursing 2027", owner=instructor)
    for url in (f"/attempts/{huge}/questions/1/", f"/attempts/{huge}/results/", f"/teach/cohorts/{huge}/",
                f"/teach/cohorts/{cohort.pk}/learners/{huge}/", f"/teach/cohorts/{cohort.pk}/learners/{2**31}/",
                f"/teach/questions/{huge}/preview/", f"/teach/passages/{huge}.json",
                f"/admin/quizzes/attempt/{huge}/change/"):  # fmt: skip
        assert client.get(url).status_code in (302, 404), url
    assert client.post(f"/questions/{huge}/flag/").status_code == 404
    assert Client().post(f"/questions/{huge}/report/", {"comment": "Wrong"}).status_code == 404


# -- answers of every kind --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["matrix", "ordering", "cloze", "highlight", "multiple", "single", "true_false"])
def test_odd_numbers_in_an_answer_of_any_kind_are_refused_and_save_nothing(client, learner, kind):
    question = QuestionFactory(kind=kind)
    attempt = Attempt.objects.create(user=learner, question_ids=[question.pk], seed=1)
    keys = attempt.keys_for(question)
    url = reverse("answer", args=[attempt.pk, 1])
    names = [f"row-{keys(o.pk)}" for o in question.options.all()] + [
        f"place-{keys(o.pk)}" for o in question.options.all()
    ]
    for value in ODD_NUMBERS + [arabic(question.options.first().pk), "1" * 400]:
        data = {name: value for name in names} | {
            "option": value,
            f"blank-{value}": value,
            "blank-1": value,
            f"row-{value}": value,
            f"place-{value}": "1",
        }
        for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.post(url, data, **extra)
            assert response.status_code == 422, (kind, value, response.status_code)
            assert 'role="alert"' in response.content.decode(), (kind, value)
    assert not attempt.responses.exists()
