"""Drop-down cloze: a text with blanks {1}..{n}, each with its choices (one right); blanks right over blanks."""

from __future__ import annotations

import re
from collections.abc import Mapping

from quizzes.kinds.base import AnswerError, Kind, getlist, named

BLANK = re.compile(r"\{(\d+)\}")


class Cloze(Kind):
    name = "cloze"
    label = "Drop-down cloze"
    xapi_interaction = "fill-in"
    hint = "choose a word or phrase for each blank"
    patient_hint = "Choose the words that fit each gap."
    part_name = "blank choice"
    part_fields = ("position", "blank", "is_correct")
    parts_key = "blanks"
    part_keys = ("text", "correct", "rationale")
    gift = "missing word"

    def shown_parts(self, seed: int) -> list:
        return self.options()  # each blank's choices shuffle in segments()

    def segments(self, seed: int) -> list[tuple[str, object]]:
        """The template split into ("text", str) and ("blank", (n, choices)), each blank's choices in the
        attempt's order."""
        rng = self.rng(seed)
        by_blank: dict[int, list] = {}
        for option in self.options():
            by_blank.setdefault(option.blank or 0, []).append(option)
        segments: list[tuple[str, object]] = []
        for i, piece in enumerate(BLANK.split(self.question.template)):
            if i % 2 == 0:
                if piece:
                    segments.append(("text", piece))
            else:
                choices = by_blank.get(int(piece), [])[:]
                rng.shuffle(choices)
                segments.append(("blank", (int(piece), choices)))
        return segments

    def given(self, keys, answer: dict, posted: Mapping | None) -> dict[str, dict]:
        if posted is not None:
            return {posted.get(f"blank-{n}"): {"chosen": True} for n in {o.blank for o in self.options() if o.blank}}
        return {keys(pk): {"chosen": True} for pk in answer.get("blanks", {}).values()}

    def more_form_parts(self, seed: int, keys, shown) -> dict:
        return {
            "segments": [
                (kind, (value[0], [shown(o) for o in value[1]]) if kind == "blank" else value)
                for kind, value in self.segments(seed)
            ]
        }

    def answered_text(self, answer: dict) -> list[tuple[str, object]]:
        """("text", str) pieces and ("blank", {"n", "given", "expected", "right"}); no {1} markup is left."""
        given = answer.get("blanks", {})
        pieces: list[tuple[str, object]] = []
        for kind, value in self.segments(0):
            if kind == "text":
                pieces.append(("text", value))
                continue
            n, choices = value
            picked = next((c for c in choices if c.pk == given.get(str(n))), None)
            expected = next((c for c in choices if c.is_correct), None)
            pieces.append(
                (
                    "blank",
                    {
                        "n": n,
                        "given": picked.text if picked else "",
                        "expected": expected.text if expected else "",
                        "right": picked is not None and picked.is_correct,
                    },
                )
            )
        return pieces

    def parse(self, data: Mapping, keys) -> dict:
        options = {keys(o.pk): o for o in self.options()}
        blanks, missing = {}, []
        for number in sorted({o.blank for o in options.values()}):
            value = (getlist(data)(f"blank-{number}") or [""])[0]
            if not value:
                missing.append(number)
            elif value not in options or options[value].blank != number:
                raise AnswerError("That answer is not one of this blank's choices.")
            else:
                blanks[str(number)] = options[value].pk
        if missing:
            which = named([str(n) for n in missing], quote=False)
            empty = f"blank {which} is empty" if len(missing) == 1 else f"blanks {which} are empty"
            raise AnswerError(
                f"Fill in every blank before you submit: {empty}.", missing=tuple(str(n) for n in missing)
            )
        return {"blanks": blanks}

    def form_data(self, keys, answer: dict) -> dict:
        return {f"blank-{n}": keys(pk) for n, pk in answer.get("blanks", {}).items()}

    def score(self, answer: dict) -> float:
        correct = {str(o.blank): o.pk for o in self.options() if o.is_correct}
        given = answer.get("blanks", {})
        return sum(given.get(n) == pk for n, pk in correct.items()) / len(correct) if correct else 0.0

    def picked(self, answer: dict) -> set:
        return set(answer.get("blanks", {}).values())

    def correct(self) -> dict:
        return {"blanks": {str(o.blank): o.pk for o in self.options() if o.is_correct}}

    def summary(self, answer: dict) -> str:
        blanks = answer.get("blanks", {})
        return "; ".join(f"blank {n}: {self.option_text(blanks[n])}" for n in sorted(blanks, key=int))

    @classmethod
    def from_json(cls, q: dict) -> list[dict]:
        return [
            {
                "blank": n,
                "text": c["text"],
                "correct": c.get("correct", False),
                "rationale": c["rationale"],
                "citations": c.get("citations", []),
            }
            for n, blank in enumerate(q["blanks"], start=1)
            for c in blank["choices"]
        ]

    @classmethod
    def to_json(cls, columns: list, template: str, parts: list[dict]) -> dict:
        blanks: dict[int, list] = {}
        for part in parts:
            blanks.setdefault(part.get("blank") or 0, []).append(cls.json_part(part))
        return {"template": template, "blanks": [{"choices": blanks[n]} for n in sorted(blanks)]}

    @classmethod
    def answer_parts(cls, q: dict) -> list[tuple[str, dict]]:
        return [
            (f"blank {b} choice {i}", c)
            for b, blank in enumerate(q.get("blanks", []), 1)
            for i, c in enumerate(blank.get("choices", []), 1)
        ]

    @classmethod
    def answer_texts(cls, q: dict) -> list[str]:
        return [c.get("text", "") for b in q.get("blanks", []) for c in b.get("choices", [])]

    @classmethod
    def reading_text(cls, q: dict) -> str:
        return BLANK.sub("", q.get("template", ""))

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        numbers = [int(n) for n in BLANK.findall(q.get("template", ""))]
        blanks = q.get("blanks") or []
        faults = []
        if not blanks or numbers != list(range(1, len(blanks) + 1)):
            faults.append("a cloze template must hold {1}..{n} once each, in order, for its n blanks")
        for b, blank in enumerate(blanks, 1):
            choices = blank.get("choices") or []
            if len(choices) < 2:
                faults.append(f"cloze blank {b} needs at least 2 choices")
            if sum(1 for c in choices if c.get("correct") is True) != 1:
                faults.append(f"cloze blank {b} needs exactly one correct choice")
        return faults
