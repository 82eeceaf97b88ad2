"""Finding: the answer key was readable from the HTML (option ids follow the bank's order, key first).

A learner who never reads a question and always picks the smallest value, or
the first one shown, must score at chance over the shipped bank.
"""

import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, Response

pytestmark = pytest.mark.django_db
KEY = r"k[0-9a-f]{15}"


def smallest_answer(html: str) -> dict:
    """What a test-wise learner posts: the smallest value of every input group on the page."""
    if conditions := re.findall(rf'name="condition" value="({KEY})"', html):  # a bow-tie: the smallest of each group
        actions = sorted(re.findall(rf'name="action" value="({KEY})"', html))[:2]
        parameters = sorted(re.findall(rf'name="parameter" value="({KEY})"', html))[:2]
        return {"condition": min(conditions), "action": actions, "parameter": parameters}
    if options := re.findall(rf'name="option" value="({KEY})"', html):
        return {"option": min(options)}
    if rows := re.findall(rf'name="(row-{KEY})" value="({KEY})"', html):
        picks: dict[str, str] = {}
        for name, value in rows:
            picks[name] = min(picks.get(name, value), value)
        return picks
    if places := re.findall(rf'name="(place-{KEY})"', html):
        return {name: str(n) for n, name in enumerate(sorted(places), start=1)}  # places by name order
    blanks = re.findall(r'<select name="(blank-\d+)"[^>]*>(.*?)</select>', html, re.S)
    return {name: min(re.findall(rf'value="({KEY})"', body)) for name, body in blanks}


def chance(question: Question) -> float:
    """The expected score of one blind pick per group (one place per item for ordering)."""
    options = list(question.options.all())
    if question.kind == "matrix":
        return 1 / len(question.columns)
    if question.kind == "bowtie":  # one of 4 conditions; two picks of 5 actions (2 right), and of 5 parameters
        return (1 / 4 + 2 * (2 * 2 / 5)) / 5
    if question.kind == "cloze":
        blanks = {o.blank for o in options}
        return sum(1 / sum(o.blank == b for o in options) for b in blanks) / len(blanks)
    return 1 / len(options)  # single, true/false, one of select-all or highlight, ordering places


def test_picking_the_smallest_value_scores_at_chance_over_the_shipped_bank(client, bank, learner):
    questions = list(Question.objects.published().exclude(kind="short").order_by("pk"))
    attempt = Attempt.objects.create(user=learner, question_ids=[q.pk for q in questions], seed=12345)
    for n in range(1, len(questions) + 1):
        html = client.get(reverse("question", args=[attempt.pk, n])).content.decode()
        response = client.post(reverse("answer", args=[attempt.pk, n]), smallest_answer(html))
        assert response.status_code == 302, (n, response.content[:300])
    scores = dict(Response.objects.filter(attempt=attempt).values_list("question_id", "score"))
    assert len(scores) == len(questions)
    observed = sum(scores.values()) / len(questions)
    expected = sum(chance(q) for q in questions) / len(questions)
    # Each score lies in [0, 1], so the mean's spread is at most 0.5 / sqrt(n): allow four of those.
    margin = 4 * 0.5 / len(questions) ** 0.5
    assert observed <= expected + margin, f"smallest-value learner scored {observed:.0%} against chance {expected:.0%}"


def test_no_database_id_of_an_answer_part_is_on_the_page(client, bank, learner):
    questions = list(Question.objects.published().exclude(kind="short").order_by("pk"))
    attempt = Attempt.objects.create(user=learner, question_ids=[q.pk for q in questions], seed=99)
    for n, question in enumerate(questions, start=1):
        html = client.get(reverse("question", args=[attempt.pk, n])).content.decode()
        form = html[html.index('id="question-form"') : html.index("</form>", html.index('id="question-form"'))]
        for option in question.options.all():
            for needle in (f'value="{option.pk}"', f'-{option.pk}"', f'option-{option.pk}"'):
                assert needle not in form, (question.key, needle)


def test_raw_option_ids_are_refused(client, bank, learner):
    question = Question.objects.published().filter(kind="single").first()
    attempt = Attempt.objects.create(user=learner, question_ids=[question.pk], seed=1)
    right = question.options.get(is_correct=True)
    response = client.post(reverse("answer", args=[attempt.pk, 1]), {"option": str(right.pk)})
    assert response.status_code == 422 and not Response.objects.exists()


def test_loading_the_bank_gives_option_ids_in_no_telling_order(bank):
    """The bank lists the right answer first; the ids it is loaded with must not follow that order."""
    singles = Question.objects.filter(kind="single").prefetch_related("options")
    lowest_is_right = [min(q.options.all(), key=lambda o: o.pk).is_correct for q in singles]
    # By chance about one in three or four; authored order would make it every one (seen: 64 of 65).
    assert len(lowest_is_right) > 30
    assert sum(lowest_is_right) / len(lowest_is_right) < 0.5
    first_by_position = [q.options.all()[0] for q in singles]  # prefetched in position order
    assert any(o.pk != min(p.pk for p in o.question.options.all()) for o in first_by_position)
