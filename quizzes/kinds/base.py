"""The small interface every item kind implements, after Moodle's question types.

A kind object wraps one Question whose options are prefetched (Moodle's question.php): it shows the answer
parts in one attempt's order, parses a posted form into an answer (or raises AnswerError), scores and explains
that answer and gives the right one. Its class methods work on the bank's JSON shape (fixtures/bank/README.md;
Moodle's questiontype.php): the JSON parts as Option rows and back, the bank rules the shape keeps, and the
GIFT construct that carries the kind. Its templates (renderer.php) are quizzes/kinds/<name>.html, the input,
and <name>_feedback.html, the feedback part by part.

The base class is also what an unknown kind name gets: plain options that cannot be answered.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from quizzes.models import Citation, Option, Question

# An item-writing-flaw rule of one kind's shape, for quizzes/flaws.py: (name, reason, level, find).
FlawRule = tuple[str, str, str, Callable[[dict], list[str]]]


class AnswerError(ValueError):
    """An answer that cannot be scored; the message is shown to the learner.

    `missing` holds the page keys of the rows, items or blanks left without an answer, so the form can mark
    each one beside the message (a partial answer is kept, and what is missing is named).
    """

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass
class FeedbackPart:
    """One line of feedback: an option, row, item, blank choice or phrase."""

    text: str
    rationale: str
    chosen: bool = False
    correct: bool = False
    given: str = ""  # what the learner put (matrix column, ordering place)
    expected: str = ""  # what is right
    citations: list = field(default_factory=list)
    group: str = ""  # the heading it is shown under, for kinds whose parts come in groups (a bow-tie's)

    @property
    def right(self) -> bool:
        return self.given == self.expected if self.expected else self.chosen == self.correct


@dataclass
class ShownPart:
    """An answer part as one attempt shows it: its opaque key, its text and what the learner gave."""

    key: str
    text: str
    chosen: bool = False  # ticked, picked or selected
    place: int | None = None  # ordering: the place the learner gave it
    column: str = ""  # matrix: the key of the column the learner chose


def named(texts: list[str], quote: bool = True) -> str:
    """“a”, “a” and “b”, “a”, “b” and “c”: the parts a message names."""
    quoted = [f"“{t}”" if quote else t for t in texts]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def still_missing(texts: list[str], part: str, lacks: str) -> str:
    """Names one or two missing parts; more are counted, since each is marked on the form beside it."""
    if len(texts) <= 2:
        return f"{named(texts)} {'has' if len(texts) == 1 else 'have'} {lacks} yet."
    return f"{len(texts)} {part}s have {lacks} yet; each is marked “{lacks.capitalize()} yet”."


def getlist(data: Mapping) -> Callable[[str], list]:
    """data.getlist for a QueryDict, and its like for a plain dict of single values."""
    return getattr(data, "getlist", lambda k: [data[k]] if k in data else [])


class Kind:
    """One kind of item. The class speaks for the kind (its JSON shape and rules); an instance for one question."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # How the question page says to answer: after the label for students, in plain words for patients.
    hint: ClassVar[str] = ""
    patient_hint: ClassVar[str] = "Choose one answer."
    # The admin's name for one answer part, and the Option fields it uses besides its text and rationale.
    part_name: ClassVar[str] = "option"
    part_fields: ClassVar[tuple[str, ...]] = ("position", "is_correct", "blank", "answer")
    # The JSON key of the parts, what the bank's messages call one, and the keys a part carries (and citations).
    parts_key: ClassVar[str] = "options"
    part_label: ClassVar[str] = "option"
    part_keys: ClassVar[tuple[str, ...]] = ("text", "correct", "rationale")
    # The answer's key for the option ids a learner picked ("option" or "options"), which item statistics count.
    picked_key: ClassVar[str] = ""
    # A closed form disables each input rather than the whole fieldset.
    disables_each_input: ClassVar[bool] = False
    # What the item-writing-flaw screen (quizzes/flaws.py) may assume of the options: a key or keys among
    # distractors an author wrote (the option-cue rules apply), exactly one key among them (a single best
    # answer), or a stem that is a statement to judge true or false.
    distractors: ClassVar[bool] = False
    one_key: ClassVar[bool] = False
    statement: ClassVar[bool] = False
    # The flaw screen's rules of this kind's own shape, screened on its questions only.
    flaw_rules: ClassVar[tuple[FlawRule, ...]] = ()
    # The GIFT construct that carries the kind (quizzes/gift.py), or None where GIFT cannot say it.
    gift: ClassVar[str | None] = None
    # The xAPI cmi.interaction type of the kind's answers (quizzes/xapi.py): choice, true-false, sequencing,
    # matching, fill-in or other.
    xapi_interaction: ClassVar[str] = "other"

    def __init__(self, question: Question) -> None:
        self.question = question

    @property
    def template(self) -> str:
        return f"quizzes/kinds/{self.name}.html"

    @property
    def feedback_template(self) -> str:
        return f"quizzes/kinds/{self.name}_feedback.html"

    @property
    def answered_text_template(self) -> str:
        """The text of a cloze or highlight as answered, for reviews (a partial of the feedback template)."""
        return f"{self.feedback_template}#answered-text"

    def options(self) -> list[Option]:
        return list(self.question.options.all())

    def option_text(self, pk) -> str:
        option = next((o for o in self.question.options.all() if o.pk == pk), None)
        return option.text if option else "(an option since removed)"

    def citations_by_option(self) -> dict[int, list[Citation]]:
        by_option: dict[int, list[Citation]] = {}
        for cite in self.question.citations.all():
            if cite.option_id:
                by_option.setdefault(cite.option_id, []).append(cite)
        return by_option

    # -- what the learner sees -------------------------------------------------

    def rng(self, seed: int) -> random.Random:
        """The attempt's shuffle for this question: the same on every page of the attempt."""
        return random.Random(f"{seed}-{self.question.pk}")

    def shown_parts(self, seed: int) -> list[Option]:
        """The options in the order one attempt shows them, stable within it."""
        shuffled = self.options()
        self.rng(seed).shuffle(shuffled)
        return shuffled

    def given(self, keys, answer: dict, posted: Mapping | None) -> dict[str, dict]:
        """What the form shows as given, by part key (ShownPart's chosen, place or column): from what was
        `posted` when an answer was refused, or else from the saved `answer`."""
        return {}

    def form_parts(self, seed: int, keys, answer: dict | None = None, posted: Mapping | None = None) -> dict:
        """What the answer form shows for one attempt: {"options": [ShownPart] in the attempt's order}, and
        what else the kind's template needs (a matrix's columns, a cloze's or highlight's text).

        The form is filled with a saved `answer`, or with what was `posted` when an answer was refused, so
        that a partial answer is never thrown away.
        """
        given = self.given(keys, answer or {}, posted)

        def shown(option: Option) -> ShownPart:
            key = keys(option.pk)
            return ShownPart(key=key, text=option.text, **given.get(key, {}))

        return {"options": [shown(o) for o in self.shown_parts(seed)], **self.more_form_parts(seed, keys, shown)}

    def more_form_parts(self, seed: int, keys, shown: Callable[[Option], ShownPart]) -> dict:
        return {}

    def answered_text(self, answer: dict) -> list[tuple[str, object]]:
        """A cloze or highlight text as the learner saw it, with their answer and the right one in place."""
        return []

    # -- answering and scoring -------------------------------------------------

    def parse(self, data: Mapping, keys) -> dict:
        """Turn posted form data into an answer, or raise AnswerError saying why not.

        The form names parts by the attempt's opaque keys; only this question's own keys are accepted, so a
        forged value can never be scored against another question. The answer refers to option ids, as stored.
        """
        raise AnswerError("This question cannot be answered.")

    def form_data(self, keys, answer: dict) -> dict:
        """The form fields a learner would post for `answer` (the inverse of parse)."""
        return dict(answer)

    def score(self, answer: dict) -> float:
        """Partial credit between 0 and 1; the rules are in fixtures/bank/README.md."""
        return 0.0

    def picked(self, answer: dict) -> set:
        """The option ids the answer chose, for feedback."""
        return set(answer.get("options", []))

    @classmethod
    def picks_of(cls, answer: dict) -> list:
        """The option ids a stored answer picked, which item statistics count (for kinds with a picked_key)."""
        if cls.picked_key == "option":
            return [answer["option"]] if answer.get("option") is not None else []
        return list(answer.get(cls.picked_key, []))

    def feedback(self, answer: dict) -> list[FeedbackPart]:
        """What the learner gave against what is right, part by part, with rationales."""
        chosen = self.picked(answer)
        cites = self.citations_by_option()
        return [
            FeedbackPart(
                o.text, o.rationale, chosen=o.pk in chosen, correct=o.is_correct, citations=cites.get(o.pk, [])
            )
            for o in self.options()
        ]

    def correct(self) -> dict:
        """The answer that scores 1, in the shape parse returns (for previews and tests)."""
        return {}

    def summary(self, answer: dict) -> str:
        """What the learner gave, in words (for instructors' pages), the way the review shows it; empty if
        nothing."""
        return ""

    def clean(self) -> None:
        """Model validation of the question's own fields for this kind (raise ValidationError)."""

    # -- the bank's JSON shape ---------------------------------------------------

    @classmethod
    def from_json(cls, q: dict) -> list[dict]:
        """The answer parts of a JSON question in the shape the Option table stores."""
        return q[cls.parts_key]

    @classmethod
    def json_part(cls, part: dict) -> dict:
        out = {k: part[k] for k in cls.part_keys}
        if part.get("citations"):
            out["citations"] = part["citations"]
        return out

    @classmethod
    def to_json(cls, columns: list, template: str, parts: list[dict]) -> dict:
        """The kind's own keys of a JSON question, from its parts as Option rows (in their order)."""
        return {cls.parts_key: [cls.json_part(p) for p in parts]}

    @classmethod
    def answer_parts(cls, q: dict) -> list[tuple[str, dict]]:
        """Every answer part that needs a rationale, with a label for messages."""
        return [(f"{cls.part_label} {i}", p) for i, p in enumerate(q.get(cls.parts_key, []), 1)]

    @classmethod
    def answer_texts(cls, q: dict) -> list[str]:
        """The texts a learner reads as the answers to choose from."""
        return [p.get("text", "") for p in q.get(cls.parts_key, [])]

    @classmethod
    def reading_text(cls, q: dict) -> str:
        """Any text besides the stem and the answers that the learner reads (a cloze's or highlight's)."""
        return ""

    @classmethod
    def faults(cls, q: dict) -> list[str]:
        """What the bank rules refuse in the kind's own keys."""
        return []

    @classmethod
    def given_away(cls, q: dict) -> list[str]:
        """Why the format or the stem gives the item away, so it cannot be rated difficulty 3."""
        return []
