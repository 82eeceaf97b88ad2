"""Matrix: rows of statements, each answered with one of two or more columns; rows right over rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from django.core.exceptions import ValidationError

from quizzes.kinds.base import AnswerError, FeedbackPart, Kind, getlist, still_missing


def column_order(q: dict) -> list[str]:
    """Rows authored in column order put the answers on a diagonal wherever the order is kept."""
    columns = q.get("columns") or []
    order = [columns.index(r.get("answer")) for r in q.get("rows") or [] if r.get("answer") in columns]
    if len(set(order)) > 1 and order == sorted(order):
        return ["the rows are in the order of their answers' columns"]
    return []


def one_column(q: dict) -> list[str]:
    answers = Counter(r.get("answer") for r in q.get("rows") or [])
    rows = sum(answers.values())
    if rows >= 4 and answers and answers.most_common(1)[0][1] >= rows - 1:
        column, n = answers.most_common(1)[0]
        return [f"“{column}” answers {n} of {rows} rows"]
    return []


class Matrix(Kind):
    name = "matrix"
    label = "Matrix"
    xapi_interaction = "matching"
    hint = "choose one answer in each row"
    patient_hint = "Choose one answer in each row."
    part_name = "row"
    part_fields = ("position", "answer")
    parts_key = "rows"
    part_label = "row"
    part_keys = ("text", "answer", "rationale")
    # A disabled fieldset would make the grid's scroll region unfocusable, and on a phone the grid scrolls
    # inside it (WCAG 2.1.1), so a closed matrix disables each radio instead.
    disables_each_input = True
    gift = "matching"
    flaw_rules = (
        ("matrix-column-order", "Rows listed in the order of their answers' columns run down a diagonal.",
         "refused", column_order),
        ("matrix-one-column", "One column answers almost every row, so guessing it scores.", "screened", one_column),
    )  # fmt: skip

    def column_keys(self, keys) -> dict[str, str]:
        return {label: keys.column(i) for i, label in enumerate(self.question.columns or [])}

    def given(self, keys, answer: dict, posted: Mapping | None) -> dict[str, dict]:
        column_keys = self.column_keys(keys)
        if posted is not None:
            shown = set(column_keys.values())
            return {
                key: {"column": column if column in shown else ""}
                for key in (keys(o.pk) for o in self.options())
                if (column := posted.get(f"row-{key}", ""))
            }
        rows = answer.get("rows", {})
        return {keys(o.pk): {"column": column_keys.get(rows.get(str(o.pk)), "")} for o in self.options()}

    def more_form_parts(self, seed: int, keys, shown) -> dict:
        return {"columns": [(key, label) for label, key in self.column_keys(keys).items()]}

    def parse(self, data: Mapping, keys) -> dict:
        columns = {keys.column(i): label for i, label in enumerate(self.question.columns)}
        rows, missing = {}, {}
        for row in self.options():
            key = keys(row.pk)
            value = (getlist(data)(f"row-{key}") or [""])[0]
            if value == "":
                missing[key] = row.text
            elif value not in columns:
                raise AnswerError("That answer is not one of this question's columns.")
            else:
                rows[str(row.pk)] = columns[value]
        if missing:
            raise AnswerError(
                "Choose an answer in every row before you submit: "
                + still_missing(list(missing.values()), "row", "no answer"),
                missing=tuple(missing),
            )
        return {"rows": rows}

    def form_data(self, keys, answer: dict) -> dict:
        columns = self.question.columns
        return {f"row-{keys(int(pk))}": keys.column(columns.index(c)) for pk, c in answer.get("rows", {}).items()}

    def score(self, answer: dict) -> float:
        options = self.options()
        rows = answer.get("rows", {})
        return sum(rows.get(str(o.pk)) == o.answer for o in options) / len(options) if options else 0.0

    def feedback(self, answer: dict) -> list[FeedbackPart]:
        rows = answer.get("rows", {})
        cites = self.citations_by_option()
        return [
            FeedbackPart(
                o.text, o.rationale, given=rows.get(str(o.pk), ""), expected=o.answer, citations=cites.get(o.pk, [])
            )
            for o in self.options()
        ]

    def correct(self) -> dict:
        return {"rows": {str(o.pk): o.answer for o in self.options()}}

    def summary(self, answer: dict) -> str:
        rows = answer.get("rows", {})
        return "; ".join(f"{o.text}: {rows[str(o.pk)]}" for o in self.options() if str(o.pk) in rows)

    def clean(self) -> None:
        if len(self.question.columns or []) < 2:
            raise ValidationError({"columns": "A matrix question needs at least two columns."})

    @classmethod
    def from_json(cls, q: dict) -> list[dict]:
        return [
            {"text": r["text"], "answer": r["answer"], "rationale": r["rationale"], "citations": r.get("citations", [])}
            for r in q["rows"]
        ]

    @classmethod
    def to_json(cls, columns: list, template: str, parts: list[dict]) -> dict:
        return {"columns": columns, "rows": [cls.json_part(p) for p in parts]}

    @classmethod
    def answer_texts(cls, q: dict) -> list[str]:
        return [*q.get("columns", []), *super().answer_texts(q)]

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        columns = q.get("columns") or []
        rows = q.get("rows") or []
        faults = []
        if len(columns) < 2 or len(set(columns)) != len(columns):
            faults.append("a matrix needs at least 2 distinct columns")
        if len(rows) < 2:
            faults.append("a matrix needs at least 2 rows")
        for i, row in enumerate(rows, 1):
            if row.get("answer") not in columns:
                faults.append(f"matrix row {i} answer {row.get('answer')!r} is not a column")
        return faults
