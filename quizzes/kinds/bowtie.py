"""Bow-tie (Next Generation NCLEX): from a client situation, the condition most likely (one of four, in the
middle), two actions to take (of five, on the left) and two parameters to monitor (of five, on the right).
Scored as NCSBN scores it: one point per right element, five in all, reported as a share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quizzes.kinds.base import AnswerError, FeedbackPart, Kind, getlist, named


@dataclass(frozen=True)
class Group:
    key: str  # the JSON key of its elements
    field: str  # the form field its inputs post
    number: int  # Option.blank: which group an element belongs to
    legend: str
    label: str  # one element, in messages
    size: int  # how many elements it offers
    picks: int  # how many are right, and how many a learner picks


# In the order the bow-tie reads from left to right.
GROUPS = (
    Group("actions", "action", 1, "Actions to take", "action", 5, 2),
    Group("conditions", "condition", 2, "Condition most likely", "condition", 4, 1),
    Group("parameters", "parameter", 3, "Parameters to monitor", "parameter", 5, 2),
)
BY_KEY = {g.key: g for g in GROUPS}


def _elements(q: dict) -> list[tuple[Group, dict]]:
    return [(g, e) for g in GROUPS for e in q.get(g.key) or []]


# The flaw screen's option rules, read on each group as if it were a choice item of its own (flaws.py imports
# the kinds, so it is imported when a rule runs).
def _group_as_choice(q: dict, g: Group) -> dict:
    return {"kind": "single" if g.picks == 1 else "multiple", "options": q.get(g.key) or []}


def longest_condition(q: dict) -> list[str]:
    from quizzes.flaws import longest_key

    return [f"conditions: {hit}" for hit in longest_key(_group_as_choice(q, BY_KEY["conditions"]))]


def absolutes_in_wrong_elements(q: dict) -> list[str]:
    from quizzes.flaws import absolutes_in_distractors_only

    return [f"{g.label}s: {hit}" for g in GROUPS for hit in absolutes_in_distractors_only(_group_as_choice(q, g))]


def implausible_elements(q: dict) -> list[str]:
    from quizzes.flaws import implausible_distractor

    return [f"{g.label}s: {hit}" for g in GROUPS for hit in implausible_distractor(_group_as_choice(q, g))]


class Bowtie(Kind):
    name = "bowtie"
    label = "Bow-tie"
    xapi_interaction = "other"
    hint = "choose the condition, two actions and two parameters to monitor"
    patient_hint = "Choose one condition, two actions and two things to watch."
    part_name = "bow-tie element (blank: 1 action, 2 condition, 3 parameter)"
    part_fields = ("position", "blank", "is_correct")
    parts_key = "conditions"
    part_keys = ("text", "correct", "rationale")
    picked_key = "elements"  # item statistics count how often each element was picked (picks_of)
    flaw_rules = (
        ("bowtie-longest-key", "The right condition is clearly the longest; make the conditions alike in length.",
         "refused", longest_condition),
        ("bowtie-absolutes", "Absolute words (always, never, only...) are only in wrong elements, so they give "
         "them away.", "refused", absolutes_in_wrong_elements),
        ("bowtie-implausible-element", "Each wrong element's rationale says why someone might pick it.", "screened",
         implausible_elements),
    )  # fmt: skip

    def groups(self) -> list[tuple[Group, list]]:
        by_group: dict[int, list] = {}
        for option in self.options():
            by_group.setdefault(option.blank or 0, []).append(option)
        return [(g, by_group.get(g.number, [])) for g in GROUPS]

    def shown_parts(self, seed: int) -> list:
        rng = self.rng(seed)
        shown = []
        for _, elements in self.groups():
            elements = elements[:]
            rng.shuffle(elements)
            shown += elements
        return shown

    def given(self, keys, answer: dict, posted: Mapping | None) -> dict[str, dict]:
        if posted is not None:
            return {key: {"chosen": True} for g in GROUPS for key in getlist(posted)(g.field)}
        picked = set(self.picks_of(answer))
        return {keys(o.pk): {"chosen": True} for o in self.options() if o.pk in picked}

    def more_form_parts(self, seed: int, keys, shown) -> dict:
        by_number: dict[int, list] = {}
        for option in self.shown_parts(seed):
            by_number.setdefault(option.blank or 0, []).append(shown(option))
        return {"groups": [(g, by_number.get(g.number, [])) for g in GROUPS]}

    def parse(self, data: Mapping, keys) -> dict:
        options = {keys(o.pk): o for o in self.options()}
        answer: dict = {}
        missing, wrong_count = [], []
        for g in GROUPS:
            values = [v for v in getlist(data)(g.field) if v]
            if any(v not in options or options[v].blank != g.number for v in values):
                raise AnswerError(f"That answer is not one of this bow-tie's {g.label}s.")
            if not values:
                missing.append(g)
            elif len(set(values)) != g.picks:
                wrong_count.append((g, len(set(values))))
            picked = sorted({options[v].pk for v in values})
            if g.picks == 1:
                answer["condition"] = picked[0] if picked else None
            else:
                answer[g.key] = picked
        if missing or wrong_count:
            asks = [f"the {g.label}" if g.picks == 1 else f"two {g.label}s" for g in missing]
            asks += [f"two {g.label}s, not {n}" for g, n in wrong_count]
            raise AnswerError(
                f"Choose {named(asks, quote=False)} before you submit.",
                missing=tuple(g.key for g in missing) + tuple(g.key for g, _ in wrong_count),
            )
        return answer

    def form_data(self, keys, answer: dict) -> dict:
        data: dict = {}
        if answer.get("condition") is not None:
            data["condition"] = keys(answer["condition"])
        for g in GROUPS:
            if g.picks > 1 and g.key in answer:
                data[g.field] = [keys(pk) for pk in answer[g.key]]
        return data

    def score(self, answer: dict) -> float:
        right = {o.pk for o in self.options() if o.is_correct}
        if not right:
            return 0.0
        return len(self.picked(answer) & right) / len(right)

    def picked(self, answer: dict) -> set:
        return set(self.picks_of(answer))

    @classmethod
    def picks_of(cls, answer: dict) -> list:
        return [pk for pk in (answer.get("condition"), *answer.get("actions", []), *answer.get("parameters", [])) if pk]

    def feedback(self, answer: dict) -> list[FeedbackPart]:
        chosen = self.picked(answer)
        cites = self.citations_by_option()
        return [
            FeedbackPart(
                o.text,
                o.rationale,
                chosen=o.pk in chosen,
                correct=o.is_correct,
                citations=cites.get(o.pk, []),
                group=g.legend,
            )
            for g, elements in self.groups()
            for o in elements
        ]

    def correct(self) -> dict:
        answer: dict = {}
        for g, elements in self.groups():
            right = sorted(o.pk for o in elements if o.is_correct)
            if g.picks == 1:
                answer["condition"] = right[0] if right else None
            else:
                answer[g.key] = right
        return answer

    def summary(self, answer: dict) -> str:
        parts = []
        if answer.get("condition") is not None:
            parts.append(f"condition: {self.option_text(answer['condition'])}")
        for g in GROUPS:
            if g.picks > 1 and answer.get(g.key):
                parts.append(f"{g.label}s: {', '.join(self.option_text(pk) for pk in answer[g.key])}")
        return "; ".join(parts)

    # -- the bank's JSON shape ---------------------------------------------------

    @classmethod
    def from_json(cls, q: dict) -> list[dict]:
        return [
            {
                "blank": g.number,
                "text": e["text"],
                "correct": e.get("correct", False),
                "rationale": e["rationale"],
                "citations": e.get("citations", []),
            }  # fmt: skip
            for g, e in _elements(q)
        ]

    @classmethod
    def to_json(cls, columns: list, template: str, parts: list[dict]) -> dict:
        return {g.key: [cls.json_part(p) for p in parts if p.get("blank") == g.number] for g in GROUPS}

    @classmethod
    def answer_parts(cls, q: dict) -> list[tuple[str, dict]]:
        out = []
        for g in GROUPS:
            out += [(f"{g.label} {i}", e) for i, e in enumerate(q.get(g.key) or [], 1)]
        return out

    @classmethod
    def answer_texts(cls, q: dict) -> list[str]:
        return [e.get("text", "") for _, e in _elements(q)]

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        faults = []
        for g in GROUPS:
            elements = q.get(g.key) or []
            right = sum(1 for e in elements if e.get("correct") is True)
            if len(elements) != g.size or right != g.picks:
                faults.append(f"a bow-tie needs {g.size} {g.label}s, {g.picks} of them right")
            texts = [e.get("text", "").strip() for e in elements]
            if len(set(texts)) != len(texts):
                faults.append(f"two {g.label}s have the same text")
        return faults
