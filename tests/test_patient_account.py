"""A patient account: chosen at sign-up and changeable in settings; its home is its checks, in plain words,
with no scores, percentages or exam settings."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Profile
from tests.factories import PassageFactory, QuestionFactory, TopicFactory, answer_form

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def topics():
    living = TopicFactory(name="Living with bone metastasis")
    passage = PassageFactory(heading="Managing bone pain")
    QuestionFactory.create_batch(6, topic=living, audience="patient", cite=passage)
    signs = TopicFactory(name="Signs to report")
    QuestionFactory.create_batch(4, topic=signs, audience="patient")
    return living, signs, passage


def sign_up(client: Client, role: str):
    return client.post(
        reverse("signup"), {"username": "carer", "password1": PASSWORD, "password2": PASSWORD, "role": role}
    )


def do_a_check(client: Client, topic, right: bool) -> Attempt:
    client.post(reverse("start_check", args=[topic.slug]))
    attempt = Attempt.objects.filter(mode="patient").latest("pk")
    for n in range(1, attempt.total + 1):
        options = attempt.question_at(n).options
        choice = options.get(is_correct=True) if right else options.filter(is_correct=False).first()
        client.post(reverse("answer", args=[attempt.pk, n]), answer_form(attempt, n, {"option": choice.pk}))
    return attempt


def test_the_sign_up_form_asks_whom_the_account_is_for(client):
    page = client.get(reverse("signup")).content.decode()
    group = re.search(r"<fieldset class=\"choice-group\".*?</fieldset>", page, re.S).group(0)
    assert "<legend>This account is for</legend>" in group
    assert "A patient, or someone who looks after one" in group and "A nursing student" in group
    assert "You can change this in your settings." in group


def test_a_patient_account_lands_on_its_checks_without_scores(client, topics):
    response = sign_up(client, "patient")
    assert response.status_code == 302
    assert Profile.objects.get(user__username="carer").role == "patient"
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("check")
    html = page.content.decode()
    assert "<h1>Check what I understood</h1>" in html
    assert ">My progress<" not in html  # the student dashboard is not this account's home
    assert "%" not in re.sub(r"<(style|script|head)\b.*?</\1>", "", html, flags=re.S)
    assert "Average score" not in html and "weakest" not in html


def test_the_student_dashboard_leads_a_patient_account_to_its_checks(client, topics):
    sign_up(client, "patient")
    response = client.get(reverse("progress"))
    assert response.status_code == 302 and response["Location"] == reverse("check")


def test_after_a_check_the_home_shows_what_was_checked_and_what_to_read_again(client, topics):
    living, signs, passage = topics
    sign_up(client, "patient")
    attempt = do_a_check(client, living, right=False)
    html = client.get(reverse("check")).content.decode()
    assert "<h2>What you have checked</h2>" in html
    assert re.search(
        rf'<a href="{reverse("results", args=[attempt.pk])}">Living with bone metastasis</a>, .*: you looked at 5 of 5',
        html,
    )
    assert "<h2>Worth reading again</h2>" in html
    assert "?cite=" in html and "“Osteoblasts are cells that build new bone.”</a>" in html
    assert ", Managing bone pain)" in html
    assert "<h2>Not checked yet</h2>" in html and "Signs to report" in html.split("<h2>Not checked yet</h2>")[1]
    assert "%" not in html.split("<main")[1] and "wrong" not in html.lower().split("<main")[1]


def test_a_check_that_was_all_right_suggests_no_rereading(client, topics):
    living, _, _ = topics
    sign_up(client, "patient")
    do_a_check(client, living, right=True)
    html = client.get(reverse("check")).content.decode()
    assert "<h2>What you have checked</h2>" in html and "Worth reading again" not in html


def test_patient_results_have_no_score_column(client, topics):
    living, _, _ = topics
    attempt = do_a_check(client, living, right=False)
    html = client.get(reverse("results", args=[attempt.pk])).content.decode()
    assert "<title>What you looked at · Bone metastasis quiz</title>" in html
    table = re.search(r'<table class="results">.*?</table>', html, re.S).group(0)
    assert ">Score<" not in table and "Not right" not in table and "%" not in table
    assert "<caption>The questions you looked at</caption>" in table and "<td>Yes</td>" in table
    assert "Go over the explanations again" in html and "rationale" not in html.split("<main")[1]


def test_a_patient_question_speaks_plainly_and_has_no_flag(client, topics):
    living, _, _ = topics
    client.post(reverse("start_check", args=[living.slug]))
    attempt = Attempt.objects.get()
    html = client.get(reverse("question", args=[attempt.pk, 1])).content.decode()
    assert '<p class="kind-hint">Choose one answer.</p>' in html
    assert "Single best answer" not in html and "Flag for later" not in html


def test_settings_change_the_account_and_what_it_shows(client, topics):
    sign_up(client, "patient")
    page = client.get(reverse("profile")).content.decode()
    assert "Time allowance" not in page  # no exam settings on a patient account
    response = client.post(reverse("profile"), {"role": "student"})
    assert response.status_code == 302
    assert Profile.objects.get(user__username="carer").role == "student"
    home = client.get(reverse("home")).content.decode()
    assert ">My progress<" in home
    assert client.get(reverse("progress")).status_code == 200
    assert "Time allowance for the practice exams I build" in client.get(reverse("profile")).content.decode()


def test_a_student_account_keeps_the_dashboard(client, topics):
    response = sign_up(client, "student")
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == reverse("progress")


def test_logging_in_again_remembers_a_patient_account(topics):
    Client().post(
        reverse("signup"), {"username": "carer", "password1": PASSWORD, "password2": PASSWORD, "role": "patient"}
    )
    client = Client()
    response = client.post(reverse("login"), {"username": "carer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("check")
    assert ">My progress<" not in response.content.decode()
