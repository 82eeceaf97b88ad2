"""Taking a quiz through the client: start, question, answer, feedback, results."""

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Response
from tests.factories import AttemptFactory, QuestionFactory, TopicFactory, answer_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def attempt(learner):
    return AttemptFactory(user=learner)


def q_url(attempt, n=1):
    return reverse("question", args=[attempt.pk, n])


def a_url(attempt, n=1):
    return reverse("answer", args=[attempt.pk, n])


def right_option(attempt, n=1):
    return attempt.question_at(n).options.get(is_correct=True)


def test_home_lists_banks_with_their_published_counts(client):
    topic = TopicFactory(name="Bone basics", description="How bone is built.")
    QuestionFactory.create_batch(3, topic=topic)
    QuestionFactory(topic=topic, status="draft")
    TopicFactory(name="Empty bank")
    page = client.get("/").content.decode()
    assert "Bone basics" in page and "How bone is built." in page and "3 questions" in page
    assert "Empty bank" not in page


def test_starting_a_practice_as_a_visitor_keeps_it_in_the_session(client):
    topic = TopicFactory()
    QuestionFactory.create_batch(6, topic=topic)
    response = client.post(reverse("start", args=[topic.slug]), {"count": 5})
    attempt = Attempt.objects.get()
    assert response.status_code == 302 and response["Location"] == q_url(attempt)
    assert attempt.user is None and attempt.total == 5 and len(set(attempt.question_ids)) == 5
    assert client.session["attempt_ids"] == [attempt.pk]
    assert client.get(q_url(attempt)).status_code == 200


def test_a_practice_longer_than_the_bank_takes_the_whole_bank(client):
    topic = TopicFactory()
    QuestionFactory.create_batch(2, topic=topic)
    client.post(reverse("start", args=[topic.slug]), {"count": 10})
    assert Attempt.objects.get().total == 2


@pytest.mark.parametrize("count", ["7", "", "ten", "-5"])
def test_a_bad_count_is_refused_and_starts_nothing(client, count):
    topic = TopicFactory()
    QuestionFactory(topic=topic)
    response = client.post(reverse("start", args=[topic.slug]), {"count": count})
    assert response.status_code == 400
    assert "Choose 5, 10 or 20 questions." in response.content.decode()
    assert not Attempt.objects.exists()


def test_unknown_bank_is_404(client):
    assert client.post(reverse("start", args=["no-such-bank"]), {"count": 5}).status_code == 404


def test_the_question_page_reveals_nothing_before_the_answer(client, attempt):
    question = attempt.question_at(1)
    page = client.get(q_url(attempt)).content.decode()
    assert question.stem in page
    assert "Question 1 of 3" in page
    for option in question.options.all():
        assert option.text in page
        assert option.rationale not in page
    assert question.explanation not in page and question.plain_explanation not in page
    assert "correct" not in page.lower().replace("incorrect", "")
    assert "<mark>" not in page and 'id="feedback"' in page and 'aria-live="polite"' in page


def test_answering_without_javascript_saves_and_redirects_to_the_feedback(client, attempt):
    right = right_option(attempt)
    response = client.post(a_url(attempt), answer_form(attempt, 1, {"option": right.pk}))
    assert response.status_code == 302 and response["Location"] == q_url(attempt)
    saved = Response.objects.get()
    assert (saved.score, saved.answer) == (1.0, {"option": right.pk})
    page = client.get(q_url(attempt)).content.decode()
    question = attempt.question_at(1)
    assert "Right." in page and "Score 100%" in page
    assert question.explanation in page and question.plain_explanation in page
    for option in question.options.all():
        assert option.rationale in page
    assert "<mark>Osteoblasts are cells that build new bone.</mark>" in page
    citation = question.citations.get()
    assert f'href="{citation.reader_url()}"' in page
    assert f'href="{q_url(attempt, 2)}"' in page  # next question


def test_answering_with_htmx_returns_the_feedback_fragment(client, attempt):
    wrong = attempt.question_at(1).options.filter(is_correct=False).first()
    response = client.post(a_url(attempt), answer_form(attempt, 1, {"option": wrong.pk}), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Not quite." in page and "Score 0%" in page
    assert 'hx-swap-oob="true"' in page and "disabled" in page  # the form comes back answered
    assert "autofocus" in page  # focus moves to the feedback heading
    assert Response.objects.get().score == 0.0


def test_next_question_with_htmx_is_a_fragment_that_takes_focus(client, attempt):
    client.post(a_url(attempt), answer_form(attempt, 1, {"option": right_option(attempt).pk}))
    page = client.get(q_url(attempt, 2), **HTMX).content.decode()
    assert "<html" not in page and 'id="quiz"' in page
    assert 'id="stem" tabindex="-1" autofocus' in page


def test_the_last_answer_finishes_the_attempt_and_shows_results(client, attempt):
    for n in (1, 2, 3):
        client.post(
            a_url(attempt, n),
            answer_form(
                attempt,
                n,
                {
                    "option": right_option(attempt, n).pk
                    if n != 2
                    else attempt.question_at(n).options.filter(is_correct=False).first().pk
                },
            ),
        )
    attempt.refresh_from_db()
    assert attempt.finished is not None and attempt.score == pytest.approx(2 / 3)
    page = client.get(q_url(attempt, 3)).content.decode()
    assert f'href="{reverse("results", args=[attempt.pk])}"' in page
    results = client.get(reverse("results", args=[attempt.pk])).content.decode()
    assert "You answered 3 of 3 questions. Your score is 67%." in results
    assert "Not right" in results


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an answer before you submit."),
        ({"option": "not-a-number"}, "not one of this question&#x27;s options"),
        ({"option": "2147483647"}, "not one of this question&#x27;s options"),
    ],
)
def test_bad_answers_get_a_message_and_save_nothing(client, attempt, data, message):
    response = client.post(a_url(attempt), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Response.objects.exists()


def test_bad_answer_with_htmx_is_422_and_retargets_the_form(client, attempt):
    response = client.post(a_url(attempt), {}, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#question-form" and response["HX-Reswap"] == "outerHTML"
    assert "Choose an answer before you submit." in response.content.decode()
    assert not Response.objects.exists()


def test_an_option_of_another_question_is_refused(client, attempt):
    other = attempt.question_at(2).options.get(is_correct=True)
    assert (
        client.post(a_url(attempt), attempt.form_data(attempt.question_at(2), {"option": other.pk})).status_code == 422
    )
    assert not Response.objects.exists()


def test_a_repeated_post_is_recorded_once_and_shows_the_same_feedback(client, attempt):
    right = right_option(attempt)
    wrong = attempt.question_at(1).options.filter(is_correct=False).first()
    first = client.post(a_url(attempt), answer_form(attempt, 1, {"option": right.pk}), **HTMX).content.decode()
    second = client.post(a_url(attempt), answer_form(attempt, 1, {"option": wrong.pk}), **HTMX).content.decode()
    assert Response.objects.count() == 1 and Response.objects.get().score == 1.0
    # The same feedback; only the form's fresh CSRF token differs.
    assert "Right." in second
    assert first.split("<form")[0] == second.split("<form")[0]


def test_a_forged_score_field_is_ignored(client, attempt):
    wrong = attempt.question_at(1).options.filter(is_correct=False).first()
    client.post(a_url(attempt), answer_form(attempt, 1, {"option": wrong.pk}) | {"score": "1", "correct": "true"})
    assert Response.objects.get().score == 0.0


def test_another_learners_attempt_is_404(client, learner):
    other = AttemptFactory()
    right = other.question_at(1).options.get(is_correct=True)
    assert client.get(q_url(other)).status_code == 404
    assert client.post(a_url(other), answer_form(other, 1, {"option": right.pk})).status_code == 404
    assert client.get(reverse("results", args=[other.pk])).status_code == 404
    assert not Response.objects.exists()


def test_a_visitor_cannot_reach_another_sessions_attempt(client):
    topic = TopicFactory()
    QuestionFactory(topic=topic)
    client.post(reverse("start", args=[topic.slug]), {"count": 5})
    attempt = Attempt.objects.get()
    client.logout()  # a new, empty session
    assert client.get(q_url(attempt)).status_code == 404


@pytest.mark.parametrize("number", [0, 4, 99])
def test_a_question_number_outside_the_attempt_is_404(client, attempt, number):
    assert client.get(q_url(attempt, number)).status_code == 404
    assert client.post(a_url(attempt, number), {"option": 1}).status_code == 404


def test_answer_only_takes_post(client, attempt):
    assert client.get(a_url(attempt)).status_code == 405


def test_every_kind_is_shown_with_labelled_inputs(client, learner):
    attempt = AttemptFactory(
        user=learner,
        question_ids=[QuestionFactory(kind=k).pk for k in ("multiple", "matrix", "ordering", "cloze", "highlight")],
    )
    for n, needle in enumerate(
        ['type="checkbox" name="option"', 'name="row-', 'name="place-', 'name="blank-1"', 'class="phrase"'], start=1
    ):
        page = client.get(q_url(attempt, n)).content.decode()
        assert needle in page and "<fieldset>" in page and "<legend>" in page


def test_every_kind_can_be_answered_through_the_form(client, learner):
    kinds = ("multiple", "matrix", "ordering", "cloze", "highlight")
    attempt = AttemptFactory(user=learner, question_ids=[QuestionFactory(kind=k).pk for k in kinds])
    for n in range(1, 6):
        q = attempt.question_at(n)
        options = list(q.options.all())
        keys = attempt.keys_for(q)
        if q.kind == "matrix":
            data = {f"row-{keys(o.pk)}": keys.column(q.columns.index(o.answer)) for o in options}
        elif q.kind == "ordering":
            data = {f"place-{keys(o.pk)}": o.position for o in options}
        elif q.kind == "cloze":
            data = {f"blank-{o.blank}": keys(o.pk) for o in options if o.is_correct}
        else:
            data = {"option": [keys(o.pk) for o in options if o.is_correct]}
        assert client.post(a_url(attempt, n), data).status_code == 302
    assert list(Response.objects.values_list("score", flat=True)) == [1.0] * 5
    page = client.get(q_url(attempt, 2)).content.decode()
    assert "Your answer: Build. Right answer: Build." in page


def test_question_page_queries_are_fixed(client, attempt, django_assert_num_queries):
    # session, user, attempt, question, its options and citations, response, open exams, flags
    with django_assert_num_queries(9):
        client.get(q_url(attempt))
    client.post(a_url(attempt), answer_form(attempt, 1, {"option": right_option(attempt).pk}))
    # the question's options and citations now come from the per-process cache
    with django_assert_num_queries(7):
        client.get(q_url(attempt))


def test_answer_post_queries_are_fixed(client, attempt, django_assert_num_queries):
    # session, user, attempt, question (its parts cached), saved response?,
    # open exams, savepoint, answers so far (count and last time), insert, review card
    # read + write, release, flags (for the feedback page)
    data = answer_form(attempt, 1, {"option": right_option(attempt).pk})
    with django_assert_num_queries(13):
        client.post(a_url(attempt), data, **HTMX)
    with django_assert_num_queries(7):  # a repeat reads the saved response
        client.post(a_url(attempt), data, **HTMX)


def test_a_new_version_of_a_question_shows_at_once(client, attempt):
    question = attempt.question_at(1)
    question.record_version()
    assert "Osteoblasts" in client.get(q_url(attempt)).content.decode()  # now cached
    question.options.filter(text="Osteoblasts").update(text="Bone-building cells")
    question.record_version()  # what every save in the admin does
    page = client.get(q_url(attempt)).content.decode()
    assert "Bone-building cells" in page and ">Osteoblasts<" not in page
