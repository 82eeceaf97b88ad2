"""Ordering: items listed in their right order, shown shuffled; items in their right place over items."""

from __future__ import annotations

from collections.abc import Mapping

from quizzes.kinds.base import AnswerError, FeedbackPart, Kind, getlist, still_missing


def giveaway(q: dict) -> list[str]:
    """The stem names the first or the last step, so only the middle is left to know."""
    from quizzes.flaws import words

    items = q.get("items") or []
    stem = words(q.get("stem", ""))
    found = []
    for where, item in (("first", items[:1]), ("last", items[-1:])):
        if not item:
            continue
        mine = words(item[0].get("text", ""))
        middle = [words(i.get("text", "")) for i in items[1:-1]]
        overlap = len(mine & stem) / max(len(mine), 1)
        if overlap >= 0.5 and all(len(m & stem) / max(len(m), 1) < overlap for m in middle):
            found.append(f"the stem repeats the {where} step (“{item[0].get('text', '')}”)")
    return found


class Ordering(Kind):
    name = "ordering"
    label = "Ordering"
    xapi_interaction = "sequencing"
    hint = "give each item its place"
    patient_hint = "Put the items in order: give each one a number."
    part_name = "item (in the right order)"
    part_fields = ("position",)
    parts_key = "items"
    part_label = "item"
    part_keys = ("text", "rationale")
    flaw_rules = (("ordering-giveaway", "The stem names the first or the last step.", "screened", giveaway),)

    def right_order(self) -> list:
        return sorted(self.options(), key=lambda o: o.position)

    def shown_parts(self, seed: int) -> list:
        options = self.options()
        shuffled = super().shown_parts(seed)
        if shuffled == options and len(options) > 1:
            shuffled = shuffled[1:] + shuffled[:1]  # never show the answer as the starting order
        return shuffled

    def given(self, keys, answer: dict, posted: Mapping | None) -> dict[str, dict]:
        places = {str(n): n for n in range(1, len(self.options()) + 1)}
        if posted is not None:
            given = ((keys(o.pk), posted.get(f"place-{keys(o.pk)}", "")) for o in self.options())
            return {key: {"place": places[value]} for key, value in given if value in places}
        order = answer.get("order", [])
        return {keys(o.pk): {"place": order.index(o.pk) + 1} for o in self.options() if o.pk in order}

    def parse(self, data: Mapping, keys) -> dict:
        options = {keys(o.pk): o for o in self.options()}
        places, missing = {}, {}
        allowed = {str(n): n for n in range(1, len(options) + 1)}  # exact ASCII digits only
        for key, item in options.items():
            value = (getlist(data)(f"place-{key}") or [""])[0]
            if value not in allowed:
                missing[key] = item.text
            else:
                places[item.pk] = allowed[value]
        if missing:
            raise AnswerError(
                f"Give every item a place from 1 to {len(options)}: "
                + still_missing(list(missing.values()), "item", "no place"),
                missing=tuple(missing),
            )
        if sorted(places.values()) != list(range(1, len(options) + 1)):
            raise AnswerError("Give each place to one item only.")
        return {"order": [pk for pk, _ in sorted(places.items(), key=lambda kv: kv[1])]}

    def form_data(self, keys, answer: dict) -> dict:
        return {f"place-{keys(pk)}": str(n) for n, pk in enumerate(answer.get("order", []), start=1)}

    def score(self, answer: dict) -> float:
        right = [o.pk for o in self.right_order()]
        given = answer.get("order", [])
        return sum(a == b for a, b in zip(given, right, strict=False)) / len(right) if right else 0.0

    def feedback(self, answer: dict) -> list[FeedbackPart]:
        order = answer.get("order", [])
        cites = self.citations_by_option()
        return [
            FeedbackPart(
                o.text,
                o.rationale,
                given=str(order.index(o.pk) + 1) if o.pk in order else "",
                expected=str(o.position),
                citations=cites.get(o.pk, []),
            )
            for o in self.right_order()
        ]

    def correct(self) -> dict:
        return {"order": [o.pk for o in self.right_order()]}

    def summary(self, answer: dict) -> str:
        return "; ".join(f"{n}. {self.option_text(pk)}" for n, pk in enumerate(answer.get("order", []), start=1))

    @classmethod
    def from_json(cls, q: dict) -> list[dict]:
        return [
            {"text": i["text"], "rationale": i["rationale"], "citations": i.get("citations", [])} for i in q["items"]
        ]

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        items = q.get("items") or []
        texts = [i.get("text", "").strip() for i in items]
        faults = []
        if len(items) < 3:
            faults.append("an ordering question needs at least 3 items")
        if len(set(texts)) != len(texts):
            faults.append("two ordering items have the same text")
        return faults

    @classmethod
    def given_away(cls, q: dict) -> list[str]:
        if len(q.get("items") or []) <= 3 or giveaway(q):
            return ["an ordering whose steps are few or given away is rated 3"]
        return []
