"""Every shipped question scores its right answer and a fixed set of wrong and partial answers as recorded.

tests/data/kind_scores.json holds, per question, the score, the feedback's right/wrong part by part ("R"/"W")
and what parsing the posted form makes of each answer. Answers name parts by their place in the bank's JSON
(option, row, item, blank and choice numbers from 1), never by database ids, so the record stays the same
from one load of the bank to the next. Regenerate it only when a scoring rule is meant to change:

    KIND_SCORES_WRITE=1 python -m pytest tests/test_kind_scores.py
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.http import QueryDict

from quizzes.models import AnswerError, Attempt, Option, Question

pytestmark = pytest.mark.django_db
RECORD = Path(__file__).parent / "data" / "kind_scores.json"

# A short-answer question, which the shipped bank has none of (GIFT imports bring them).
SHORT = {
    "key": "recorded-short",
    "stem": "Which cells build new bone?",
    "accepted": ["Osteoblasts", "bone-forming  cells"],
}


def _short_question(topic) -> Question:
    question = Question.objects.create(
        key=SHORT["key"], topic=topic, kind="short", stem=SHORT["stem"], explanation="-", plain_explanation="-"
    )
    for position, text in enumerate(SHORT["accepted"], start=1):
        Option.objects.create(question=question, position=position, text=text, is_correct=True, rationale="-")
    return question


def answers(question: Question) -> dict[str, object]:
    """Named answers in the bank's terms: the right one, then wrong and partial ones that need no judgment."""
    options = list(question.options.all())  # in the bank's order (position)
    n = len(options)
    kind = question.kind
    if kind in ("single", "true_false"):
        return {f"option {i}": i for i in range(1, n + 1)}
    if kind in ("multiple", "highlight"):
        right = [i for i, o in enumerate(options, 1) if o.is_correct]
        wrong = [i for i, o in enumerate(options, 1) if not o.is_correct]
        out: dict[str, object] = {"none": [], "every part": list(range(1, n + 1)), "the right ones": right}
        out |= {f"only {i}": [i] for i in range(1, n + 1)}
        out |= {f"the right ones and {i}": sorted([*right, i]) for i in wrong}
        out |= {f"the right ones but {i}": [r for r in right if r != i] for i in right}
        return out
    if kind == "matrix":
        columns = question.columns
        out = {f"every row column {c}": [c] * n for c in range(1, len(columns) + 1)}
        right = [columns.index(o.answer) + 1 for o in options]
        out["the right columns"] = right
        out["row 1 in the next column"] = [right[0] % len(columns) + 1, *right[1:]]
        out["the right columns shifted by one"] = [c % len(columns) + 1 for c in right]
        return out
    if kind == "ordering":
        right = list(range(1, n + 1))
        return {
            "the right order": right,
            "reversed": right[::-1],
            "first to last": [*right[1:], right[0]],
            "first two swapped": [right[1], right[0], *right[2:]],
        }
    if kind == "cloze":
        blanks = _blanks(question)
        right = [next(i for i, o in enumerate(choices, 1) if o.is_correct) for choices in blanks]
        return {
            "first choice of each blank": [1] * len(blanks),
            "last choice of each blank": [len(c) for c in blanks],
            "the right choices": right,
            "blank 1 wrong": [right[0] % len(blanks[0]) + 1, *right[1:]],
        }
    if kind == "bowtie":
        actions, conditions, parameters = _blanks(question)  # Option.blank 1, 2, 3
        right = [[i for i, o in enumerate(group, 1) if o.is_correct] for group in (actions, conditions, parameters)]
        wrong = [[i for i, o in enumerate(group, 1) if not o.is_correct] for group in (actions, conditions, parameters)]
        return {
            "the right ones": right,
            "a wrong condition": [right[0], wrong[1][:1], right[2]],
            "one wrong action": [[right[0][0], wrong[0][0]], right[1], right[2]],
            "every wrong one": [wrong[0][:2], wrong[1][:1], wrong[2][:2]],
        }
    if kind == "short":
        return {"accepted 1": "Osteoblasts", "other case and spaces": "BONE-FORMING CELLS", "wrong": "Osteoclasts"}
    raise AssertionError(f"no answers written for {kind}")


def _blanks(question: Question) -> list[list[Option]]:
    by_blank: dict[int, list[Option]] = {}
    for option in question.options.all():
        by_blank.setdefault(option.blank, []).append(option)
    return [by_blank[n] for n in sorted(by_blank)]


def stored(question: Question, given) -> dict:
    """The answer as the app stores it (option ids), from its description in the bank's terms."""
    options = list(question.options.all())
    kind = question.kind
    if kind in ("single", "true_false"):
        return {"option": options[given - 1].pk}
    if kind in ("multiple", "highlight"):
        return {"options": sorted(options[i - 1].pk for i in given)}
    if kind == "matrix":
        return {"rows": {str(o.pk): question.columns[c - 1] for o, c in zip(options, given, strict=True)}}
    if kind == "ordering":
        return {"order": [options[i - 1].pk for i in given]}
    if kind == "bowtie":
        actions, conditions, parameters = _blanks(question)
        return {"actions": sorted(actions[i - 1].pk for i in given[0]), "condition": conditions[given[1][0] - 1].pk,
                "parameters": sorted(parameters[i - 1].pk for i in given[2])}  # fmt: skip
    if kind == "cloze":
        picks = zip(_blanks(question), given, strict=True)
        return {"blanks": {str(n): choices[c - 1].pk for n, (choices, c) in enumerate(picks, start=1)}}
    return {"text": given}


def described(question: Question, answer: dict):
    """An answer in stored shape (the right answer the app gives) back in the bank's terms."""
    place = {o.pk: i for i, o in enumerate(question.options.all(), 1)}
    if "condition" in answer:  # a bow-tie: places within each group
        within = {o.pk: i for group in _blanks(question) for i, o in enumerate(group, 1)}
        return [sorted(within[pk] for pk in answer["actions"]), [within[answer["condition"]]],
                sorted(within[pk] for pk in answer["parameters"])]  # fmt: skip
    if "option" in answer:
        return place[answer["option"]]
    if "options" in answer:
        return sorted(place[pk] for pk in answer["options"])
    if "rows" in answer:
        return [question.columns.index(answer["rows"][str(o.pk)]) + 1 for o in question.options.all()]
    if "order" in answer:
        return [place[pk] for pk in answer["order"]]
    if "blanks" in answer:
        blanks = _blanks(question)
        picked = sorted(answer["blanks"].items(), key=lambda kv: int(kv[0]))
        return [[o.pk for o in blanks[int(n) - 1]].index(pk) + 1 for n, pk in picked]
    return answer.get("text")


def posted(form: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in form.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def measure(attempt: Attempt, question: Question) -> dict:
    """What the app makes of every named answer: [score, feedback part by part, parse result]."""
    out = {}
    for name, given in answers(question).items():
        answer = stored(question, given)
        rights = "".join("R" if part.right else "W" for part in question.feedback(answer))
        try:
            parsed = question.parse_answer(posted(attempt.form_data(question, answer)), attempt.keys_for(question))
            result = "parsed as given" if parsed == answer else f"parsed as {described(question, parsed)}"
        except AnswerError as exc:
            result = f"refused: {exc}"
        out[name] = [round(question.score(answer), 6), rights, result]
    return out


def _compact(text: str) -> str:
    """One line per answer: lists of plain values are written on one line."""
    return re.sub(r"\[\n\s*([^\[\]{}]*?)\n\s*\]", lambda m: "[" + re.sub(r",\n\s*", ", ", m[1]) + "]", text)


def test_every_question_scores_as_recorded(bank):
    short = _short_question(Question.objects.first().topic)
    questions = list(Question.objects.with_parts().order_by("key"))
    assert short in questions
    attempt = Attempt.objects.create(question_ids=[q.pk for q in questions], seed=4242)
    measured = {}
    for question in questions:
        correct = question.correct_answer()
        measured[question.key] = {
            "kind": question.kind,
            "correct": described(question, correct),
            "correct scores": question.score(correct),
            "answers": measure(attempt, question),
        }
    if os.environ.get("KIND_SCORES_WRITE"):
        RECORD.write_text(_compact(json.dumps(measured, indent=1, ensure_ascii=False)) + "\n", encoding="utf-8")
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    assert measured.keys() == recorded.keys()
    for key, record in recorded.items():
        assert measured[key] == record, key
    assert {r["kind"] for r in recorded.values()} == {k for k, _ in Question.Kind.choices}
    assert all(r["correct scores"] == 1.0 for r in recorded.values())
