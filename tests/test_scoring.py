"""Scoring and answer parsing, kind by kind, on the server's rules."""

import pytest
from django.http import QueryDict

from quizzes.models import AnswerError, AnswerKeys
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def keys(question) -> AnswerKeys:
    """The opaque names one attempt's form gives this question's parts."""
    return AnswerKeys(1, 7, question.pk)


def opts(question):
    k = keys(question)
    return {o.text if o.blank is None else f"{o.blank}:{o.text}": k(o.pk) for o in question.options.all()}


def col(question, index: int) -> str:
    return keys(question).column(index)


def parse(question, data: QueryDict) -> dict:
    return question.parse_answer(data, keys(question))


def post(**data) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        q.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return q


def test_single_scores_one_for_the_right_option_only():
    q = QuestionFactory(kind="single")
    o = opts(q)
    assert q.score(parse(q, post(option=o["Osteoblasts"]))) == 1.0
    assert q.score(parse(q, post(option=o["Osteoclasts"]))) == 0.0


def test_true_false():
    q = QuestionFactory(kind="true_false")
    o = opts(q)
    assert q.score(parse(q, post(option=o["True"]))) == 1.0
    assert q.score(parse(q, post(option=o["False"]))) == 0.0


@pytest.mark.parametrize(
    ("picks", "expected"),
    [
        (["Build new bone", "Are bone cells"], 1.0),  # both right picks
        (["Build new bone"], 0.5),  # one of two right
        (["Build new bone", "Carry oxygen"], 0.0),  # +1 -1
        (["Build new bone", "Are bone cells", "Carry oxygen"], 0.5),  # +2 -1 over 2
        (["Carry oxygen", "Fight infection"], 0.0),  # floored at 0, never negative
        (["Build new bone", "Are bone cells", "Carry oxygen", "Fight infection"], 0.0),
    ],
)
def test_select_all_scores_plus_minus_floored_at_zero(picks, expected):
    q = QuestionFactory(kind="multiple")
    o = opts(q)
    assert q.score(parse(q, post(option=[o[p] for p in picks]))) == expected


def test_matrix_scores_rows_right_over_rows():
    q = QuestionFactory(kind="matrix")
    o = opts(q)
    both = post(**{f"row-{o['Osteoblasts']}": col(q, 0), f"row-{o['Osteoclasts']}": col(q, 1)})
    one = post(**{f"row-{o['Osteoblasts']}": col(q, 0), f"row-{o['Osteoclasts']}": col(q, 0)})
    assert q.score(parse(q, both)) == 1.0
    assert q.score(parse(q, one)) == 0.5
    pks = {o.text: str(o.pk) for o in q.options.all()}
    assert parse(q, one) == {"rows": {pks["Osteoblasts"]: "Build", pks["Osteoclasts"]: "Build"}}


def test_ordering_scores_items_in_their_right_place():
    q = QuestionFactory(kind="ordering")
    o = opts(q)
    right = post(**{f"place-{o['First']}": 1, f"place-{o['Second']}": 2, f"place-{o['Third']}": 3})
    swapped = post(**{f"place-{o['First']}": 2, f"place-{o['Second']}": 1, f"place-{o['Third']}": 3})
    assert q.score(parse(q, right)) == 1.0
    assert q.score(parse(q, swapped)) == pytest.approx(1 / 3)


def test_cloze_scores_blanks_right_over_blanks():
    q = QuestionFactory(kind="cloze")
    o = opts(q)
    assert q.score(parse(q, post(**{"blank-1": o["1:build"], "blank-2": o["2:break down"]}))) == 1.0
    assert q.score(parse(q, post(**{"blank-1": o["1:build"], "blank-2": o["2:build"]}))) == 0.5


def test_highlight_scores_like_select_all():
    q = QuestionFactory(kind="highlight")
    o = opts(q)
    assert q.score(parse(q, post(option=[o["build new bone"], o["reabsorb old bone"]]))) == 1.0
    assert q.score(parse(q, post(option=[o["build new bone"], o["carry oxygen"]]))) == 0.0


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("single", {}, "Choose an answer"),
        ("single", {"option": "abc"}, "not one of this question's options"),
        ("single", {"option": "999999"}, "not one of this question's options"),
        ("multiple", {}, "Select at least one answer"),
        ("highlight", {}, "Select at least one phrase"),
        ("matrix", {}, "every row"),
        ("ordering", {}, "Give every item a place"),
        ("cloze", {"blank-1": ""}, "Fill in every blank"),
    ],
)
def test_bad_answers_are_refused_with_a_reason(kind, data, message):
    q = QuestionFactory(kind=kind)
    with pytest.raises(AnswerError, match=message):
        parse(q, post(**data))


def test_an_option_of_another_question_is_refused():
    q, other = QuestionFactory(kind="single"), QuestionFactory(kind="single")
    with pytest.raises(AnswerError):
        parse(q, post(option=keys(other)(other.options.first().pk)))


def test_ordering_refuses_two_items_in_one_place():
    q = QuestionFactory(kind="ordering")
    data = post(**{f"place-{pk}": 1 for pk in opts(q).values()})
    with pytest.raises(AnswerError, match="one item only"):
        parse(q, data)


def test_matrix_refuses_a_column_that_does_not_exist():
    q = QuestionFactory(kind="matrix")
    data = post(**{f"row-{pk}": 5 for pk in opts(q).values()})
    with pytest.raises(AnswerError, match="columns"):
        parse(q, data)


def test_cloze_refuses_a_choice_of_another_blank():
    q = QuestionFactory(kind="cloze")
    o = opts(q)
    with pytest.raises(AnswerError, match="this blank"):
        parse(q, post(**{"blank-1": o["2:build"], "blank-2": o["2:break down"]}))


def test_options_are_shuffled_per_attempt_but_stable_within_it():
    q = QuestionFactory(kind="multiple")
    orders = {tuple(o.pk for o in q.options_for(seed)) for seed in range(20)}
    assert len(orders) > 1
    assert q.options_for(3) == q.options_for(3)


def test_ordering_never_starts_in_the_right_order():
    q = QuestionFactory(kind="ordering")
    right = [o.pk for o in q.options.order_by("position")]
    assert all([o.pk for o in q.options_for(seed)] != right for seed in range(50))


def test_true_false_keeps_true_first():
    q = QuestionFactory(kind="true_false")
    assert [o.text for o in q.options_for(11)] == ["True", "False"]
