"""Short answer (from GIFT imports): typed text, right if it matches an accepted answer, case and spacing aside."""

from __future__ import annotations

from collections.abc import Mapping

from quizzes.kinds.base import AnswerError, FeedbackPart, Kind, getlist


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


class Short(Kind):
    name = "short"
    label = "Short answer"
    xapi_interaction = "fill-in"
    part_name = "accepted answer"
    part_fields = ("position", "is_correct")
    gift = "short answer"

    def parse(self, data: Mapping, keys) -> dict:
        text = " ".join((getlist(data)("text") or [""])[0].split())
        if not text:
            raise AnswerError("Type your answer before you submit.")
        if len(text) > 200:
            raise AnswerError("Keep your answer under 200 characters.")
        return {"text": text}

    def score(self, answer: dict) -> float:
        given = answer.get("text", "").casefold()
        return 1.0 if any(o.is_correct and _folded(o.text) == given for o in self.options()) else 0.0

    def feedback(self, answer: dict) -> list[FeedbackPart]:
        given = answer.get("text", "")
        right = self.score(answer) == 1.0
        cites = self.citations_by_option()
        return [FeedbackPart("Your answer: " + (given or "none"), "", chosen=True, correct=right)] + [
            FeedbackPart(o.text, o.rationale, chosen=False, correct=True, citations=cites.get(o.pk, []))
            for o in self.options()
        ]

    def correct(self) -> dict:
        right = [o for o in self.options() if o.is_correct]
        return {"text": right[0].text} if right else {}

    def summary(self, answer: dict) -> str:
        return answer.get("text", "")

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        options = q.get("options") or []
        faults = []
        if not options:
            faults.append("a short-answer question needs at least one accepted answer")
        if any(o.get("correct") is not True for o in options):
            faults.append("every option of a short-answer question is an accepted answer (correct: true)")
        return faults
