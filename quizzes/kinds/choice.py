"""What the choice kinds share: one option picked (single, true/false) or several (select all, highlight)."""

from __future__ import annotations

from collections.abc import Mapping

from quizzes.kinds.base import AnswerError, Kind, getlist


class OnePick(Kind):
    """The learner picks one option; it scores 1 if it is the correct one."""

    picked_key = "option"

    def given(self, keys, answer: dict, posted: Mapping | None) -> dict[str, dict]:
        if posted is not None:
            return {key: {"chosen": True} for key in getlist(posted)("option")}
        return {keys(o.pk): {"chosen": True} for o in self.options() if o.pk == answer.get("option")}

    def parse(self, data: Mapping, keys) -> dict:
        options = {keys(o.pk): o for o in self.options()}
        values = getlist(data)("option")
        if not values or not values[0]:
            raise AnswerError("Choose an answer before you submit.")
        if len(values) > 1 or values[0] not in options:
            raise AnswerError("That answer is not one of this question's options.")
        return {"option": options[values[0]].pk}

    def form_data(self, keys, answer: dict) -> dict:
        return {"option": keys(answer["option"])} if "option" in answer else {}

    def score(self, answer: dict) -> float:
        return 1.0 if any(o.pk == answer.get("option") and o.is_correct for o in self.options()) else 0.0

    def picked(self, answer: dict) -> set:
        return {answer.get("option")}

    def correct(self) -> dict:
        right = [o for o in self.options() if o.is_correct]
        return {"option": right[0].pk} if right else {}

    def summary(self, answer: dict) -> str:
        return self.option_text(answer["option"]) if answer.get("option") is not None else ""


class SeveralPicks(Kind):
    """The learner picks any number of options: +1 per right pick, -1 per wrong one, floored at 0, over the
    number of right ones."""

    picked_key = "options"
    noun = "answer"  # what "Select at least one ..." asks for

    def given(self, keys, answer: dict, posted: Mapping | None) -> dict[str, dict]:
        if posted is not None:
            return {key: {"chosen": True} for key in getlist(posted)("option")}
        picked = set(answer.get("options", []))
        return {keys(o.pk): {"chosen": True} for o in self.options() if o.pk in picked}

    def parse(self, data: Mapping, keys) -> dict:
        options = {keys(o.pk): o for o in self.options()}
        values = getlist(data)("option")
        if not values:
            raise AnswerError(f"Select at least one {self.noun} before you submit.")
        if any(v not in options for v in values):
            raise AnswerError("That answer is not one of this question's options.")
        return {"options": sorted({options[v].pk for v in values})}

    def form_data(self, keys, answer: dict) -> dict:
        return {"option": [keys(pk) for pk in answer["options"]]} if "options" in answer else {}

    def score(self, answer: dict) -> float:
        correct = {o.pk for o in self.options() if o.is_correct}
        picked = set(answer.get("options", []))
        raw = len(picked & correct) - len(picked - correct)
        return max(0, raw) / len(correct) if correct else 0.0

    def correct(self) -> dict:
        return {"options": sorted(o.pk for o in self.options() if o.is_correct)}

    def summary(self, answer: dict) -> str:
        return "; ".join(self.option_text(pk) for pk in answer.get("options", []))


class WrittenOptions(Kind):
    """Options an author wrote (single, true/false, select all): the bank rules every such set keeps."""

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        options = q.get("options") or []
        correct = [o for o in options if o.get("correct") is True]
        texts = [o.get("text", "").strip() for o in options]
        faults = []
        if len(set(texts)) != len(texts):
            faults.append("two options have the same text")
        if not correct:
            faults.append("no correct option")
        return faults + cls.option_faults(options, correct, texts)

    @classmethod
    def option_faults(cls, options: list[dict], correct: list[dict], texts: list[str]) -> list[str]:
        return []
