"""Highlight: a text with [[marked]] phrases; the learner selects those that answer the stem, scored like
select all. The phrases stay in the text's order: they are where the passage has them."""

from __future__ import annotations

import re

from quizzes.kinds.choice import SeveralPicks

PHRASE = re.compile(r"\[\[(.+?)\]\]")


class Highlight(SeveralPicks):
    name = "highlight"
    label = "Highlight"
    xapi_interaction = "choice"
    hint = "select every phrase that answers the question"
    patient_hint = "Choose every part of the text that answers the question."
    noun = "phrase"
    part_name = "phrase"
    part_fields = ("position", "is_correct")
    parts_key = "phrases"
    part_label = "phrase"

    def shown_parts(self, seed: int) -> list:
        return self.options()

    def segments(self) -> list[tuple[str, object]]:
        """The template split into ("text", str) and ("phrase", Option)."""
        phrases = iter(self.options())
        segments: list[tuple[str, object]] = []
        for i, piece in enumerate(PHRASE.split(self.question.template)):
            if i % 2 == 0:
                if piece:
                    segments.append(("text", piece))
            else:
                segments.append(("phrase", next(phrases)))
        return segments

    def more_form_parts(self, seed: int, keys, shown) -> dict:
        return {"segments": [(kind, shown(value) if kind == "phrase" else value) for kind, value in self.segments()]}

    def answered_text(self, answer: dict) -> list[tuple[str, object]]:
        """("text", str) pieces and ("phrase", {"text", "chosen", "correct"}); no [[...]] markup is left."""
        chosen = set(answer.get("options", []))
        return [
            (kind, {"text": v.text, "chosen": v.pk in chosen, "correct": v.is_correct} if kind == "phrase" else v)
            for kind, v in self.segments()
        ]

    @classmethod
    def to_json(cls, columns: list, template: str, parts: list[dict]) -> dict:
        return {"template": template, "phrases": [cls.json_part(p) for p in parts]}

    @classmethod
    def reading_text(cls, q: dict) -> str:
        return PHRASE.sub(r"\1", q.get("template", ""))

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        marked = PHRASE.findall(q.get("template", ""))
        phrases = q.get("phrases") or []
        faults = []
        if [p.get("text") for p in phrases] != marked:
            faults.append("highlight phrases must match the [[marked]] phrases of the template, in order")
        if not any(p.get("correct") is True for p in phrases):
            faults.append("no correct phrase")
        if all(p.get("correct") is True for p in phrases):
            faults.append("a highlight question needs at least one phrase that is not an answer")
        return faults
