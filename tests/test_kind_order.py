"""The order each kind shows its parts in: seeded per attempt (so stable on every page of it) where the order
would tell something, the text's own order where the parts stand in a text, and never the answer itself."""

import random

import pytest

from quizzes.models import AnswerKeys, Question
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db
SEEDS = range(40)


def published(kind: str) -> list[Question]:
    return list(Question.objects.published().filter(kind=kind).with_parts().order_by("key"))


def texts(options) -> list[str]:
    return [o.text for o in options]


def test_matrix_rows_are_shown_in_a_seeded_order_per_attempt(bank):
    questions = published("matrix")
    assert questions
    for question in questions:
        orders = {tuple(texts(question.options_for(seed))) for seed in SEEDS}
        assert len(orders) > 1, question.key
        assert question.options_for(5) == question.options_for(5)
        rows = question.form_parts(5, AnswerKeys(1, 5, question.pk))["options"]
        assert [r.text for r in rows] == texts(question.options_for(5))


def test_cloze_choices_are_shown_in_a_seeded_order_per_attempt(bank):
    questions = published("cloze")
    assert questions
    for question in questions:

        def choices(seed: int, question=question) -> tuple:
            segments = question.form_parts(seed, AnswerKeys(1, seed, question.pk))["segments"]
            return tuple(tuple(c.text for c in value[1]) for piece, value in segments if piece == "blank")

        assert len({choices(seed) for seed in SEEDS}) > 1, question.key
        assert choices(9) == choices(9)
        blanks = {o.blank for o in question.options.all()}
        assert len(choices(9)) == len(blanks)
        for n, shown in enumerate(choices(9), start=1):
            assert sorted(shown) == sorted(o.text for o in question.options.all() if o.blank == n)


def test_highlight_phrases_stay_in_the_order_of_the_text(bank):
    questions = published("highlight")
    assert questions
    for question in questions:
        in_text = texts(question.options.all())
        for seed in SEEDS:
            assert texts(question.options_for(seed)) == in_text
            segments = question.form_parts(seed, AnswerKeys(1, seed, question.pk))["segments"]
            assert [value.text for piece, value in segments if piece == "phrase"] == in_text
            shown = "".join(value if piece == "text" else f"[[{value.text}]]" for piece, value in segments)
            assert shown == question.template


def test_an_ordering_never_starts_in_the_right_order(bank):
    questions = published("ordering")
    assert questions
    for question in questions:
        right = texts(question.options.order_by("position"))
        for seed in range(300):
            assert texts(question.options_for(seed)) != right, (question.key, seed)
        assert question.options_for(3) == question.options_for(3)


def seeded_shuffle(items: list, seed: int, question: Question) -> list:
    """The attempt's shuffle of a question's parts, as the kinds seed it."""
    shuffled = items[:]
    random.Random(f"{seed}-{question.pk}").shuffle(shuffled)
    return shuffled


def test_an_ordering_whose_shuffle_gives_the_answer_is_moved_on_the_same_way_every_time():
    question = QuestionFactory(kind="ordering")
    right = list(question.options.order_by("position"))
    lucky = [seed for seed in range(200) if seeded_shuffle(right, seed, question) == right]
    assert lucky  # with three items, about one seed in six shuffles into the right order
    for seed in lucky:
        shown = question.options_for(seed)
        assert shown != right and sorted(o.pk for o in shown) == sorted(o.pk for o in right)
        assert question.options_for(seed) == shown
