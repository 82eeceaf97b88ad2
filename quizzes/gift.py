"""Moodle GIFT import and export for the question bank's JSON shape.

GIFT (https://docs.moodle.org/en/GIFT_format) is the plain-text format
teachers already write Moodle quizzes in, so it is the cheapest way to bring
questions in and out of the bank. Both functions work on the bank's JSON shape
(fixtures/bank/README.md) and stay pure Python, so they can be tested without
a database and reused by commands, views and scripts alike.

GIFT cannot say everything a bank question carries (audience, difficulty,
status, plain explanation, citations, rationales of matching rows, the stem
of a missing-word question). `write_gift` puts those in `//` comments, which
Moodle ignores, and `parse_gift` reads them back, so that a question survives
a round trip unchanged:

    // meta: kind=single audience=both difficulty=2 status=published
    // plain: <plain explanation>
    // stem: <stem of a missing-word (cloze) question>
    // cite: <passage-id> | <quote>              a citation of the question
    // cite option <n>: <passage-id> | <quote>   of the n-th answer (option or cloze choice)
    // cite row <n>: <passage-id> | <quote>      of the n-th row of a matching question
    // rationale row <n>: <rationale>            of the n-th row of a matching question
    // accepted <rule>: <reason>                 a screened item-writing flaw an editor kept, and why

Comment values are trimmed; `\\n` and `\\\\` in them stand for a newline and a
backslash. Any other `//` line is an ordinary comment.

Fault lines: block-level faults (no right answer, weights, too few pairs,
unsupported kinds) name the line where the question starts; faults with a
precise place (a brace, a bad weight, text after the block, a metadata
comment) name that line.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from quizzes import kinds
from quizzes.bank import AUDIENCES

GIFT_KINDS: tuple[str, ...] = tuple(kinds.KINDS)
# GIFT's question types as this module reads and writes them (multiple choice, multiple answers, true-false,
# matching, short answer, missing word), and the kind each is read as: every kind names the construct that
# carries it (Kind.gift), or None where GIFT cannot say it.
KIND_OF_CONSTRUCT: dict[str, str] = {kind.gift: name for name, kind in kinds.KINDS.items() if kind.gift}
STATUSES: tuple[str, ...] = ("draft", "published", "retired")
DIFFICULTIES: tuple[int, ...] = (1, 2, 3)
# Imported questions must be reviewed before they are published, hence "draft".
DEFAULTS: dict[str, str | int] = {"audience": "student", "difficulty": 1, "status": "draft"}
# A missing-word question has no stem of its own in GIFT: the text is the template.
DEFAULT_CLOZE_STEM = "Fill in the blank."

_FORMAT = re.compile(r"\[(?:html|moodle|plain|markdown)\]")
# Moodle accepts a signed percentage with up to 5 decimals between two % signs.
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_METADATA = re.compile(
    r"//\s*(?P<key>meta|plain|stem|cite(?:\s+(?P<scope>option|row)\s+(?P<n>\d+))?"
    r"|rationale\s+row\s+(?P<rn>\d+)|accepted\s+(?P<rule>[a-z-]+))\s*:(?P<value>.*)$"
)

# Escaped characters are swapped for two private-use characters while the
# structure is parsed, so `\{` never opens a block and offsets (hence line
# numbers) stay the same; they become the real characters again at the end.
_MARK = "\ue000"
_ESCAPABLE = "~=#{}:\\n"
_HIDDEN = {c: chr(0xE001 + i) for i, c in enumerate(_ESCAPABLE)}
_SHOWN = {h: ("\n" if c == "n" else c) for c, h in _HIDDEN.items()}


def _protect(text: str) -> str:
    # Left to right, so `\\n` is a backslash followed by "n", as in Moodle.
    return re.sub(r"\\([~=#{}:\\n])", lambda m: _MARK + _HIDDEN[m[1]], text)


def _restore(text: str) -> str:
    return re.sub(_MARK + "(.)", lambda m: _SHOWN.get(m[1], m[1]), text)


def _unescape(text: str) -> str:
    return _restore(_protect(text))


def _text(raw: str, fmt: bool = True) -> str:
    """A text part of a question: line breaks of the file are only wrapping
    (a real newline is written `\\n`), and a format prefix is dropped because
    the bank keeps plain text."""
    text = re.sub(r"\s*\n\s*", " ", raw).strip()
    if fmt and (m := _FORMAT.match(text)):
        text = text[m.end() :].strip()
    return _restore(text)


def slugify(text: str) -> str:
    """Lower-case letters, digits and hyphens, the shape of bank ids and topics."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class _Metadata:
    """What the `//` comments before (or inside) a question say about it."""

    meta: dict[str, str | int] = field(default_factory=dict)
    meta_line: int = 0
    plain: str | None = None
    stem: tuple[int, str] | None = None
    cites: list[dict] = field(default_factory=list)
    part_cites: list[tuple[int, str, int, dict]] = field(default_factory=list)
    row_rationales: list[tuple[int, int, str]] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    # Kept with the metadata so that they count against the question they describe.
    faults: list[tuple[int, str]] = field(default_factory=list)

    def read(self, line_no: int, line: str) -> None:
        faults = self.faults
        m = _METADATA.match(line)
        if not m:
            return  # an ordinary comment
        self.lines.append(line_no)
        value = _unescape(m["value"].strip())
        key = m["key"]
        if key == "meta":
            self._read_meta(line_no, value)
        elif key == "plain":
            if self.plain is not None:
                faults.append((line_no, "a second // plain comment for the same question"))
            self.plain = value
        elif key == "stem":
            self.stem = (line_no, value)
        elif key.startswith("rationale"):
            self.row_rationales.append((line_no, int(m["rn"]), value))
        elif key.startswith("accepted"):
            self.accepted[m["rule"]] = value
        else:
            passage, sep, quote = value.partition(" | ")
            if not sep or not passage.strip() or not quote.strip():
                faults.append((line_no, "a // cite comment needs '<passage-id> | <quote>'"))
                return
            cite = {"passage": passage.strip(), "quote": quote.strip()}
            if m["scope"]:
                self.part_cites.append((line_no, m["scope"], int(m["n"]), cite))
            else:
                self.cites.append(cite)

    def _read_meta(self, line_no: int, value: str) -> None:
        faults = self.faults
        if self.meta_line:
            faults.append((line_no, f"a second // meta comment for the same question (first on line {self.meta_line})"))
        self.meta_line = line_no
        for token in value.split():
            key, sep, val = token.partition("=")
            if not sep:
                faults.append((line_no, f"metadata {token!r} is not key=value"))
            elif key == "kind":
                if val in GIFT_KINDS:
                    self.meta[key] = val
                else:
                    faults.append((line_no, f"unknown kind {val!r} (kinds: {', '.join(GIFT_KINDS)})"))
            elif key == "audience":
                if val in AUDIENCES:
                    self.meta[key] = val
                else:
                    faults.append((line_no, f"audience must be one of {', '.join(AUDIENCES)}, not {val!r}"))
            elif key == "difficulty":
                if val in ("1", "2", "3"):
                    self.meta[key] = int(val)
                else:
                    faults.append((line_no, f"difficulty must be 1, 2 or 3, not {val!r}"))
            elif key == "status":
                if val in STATUSES:
                    self.meta[key] = val
                else:
                    faults.append((line_no, f"status must be one of {', '.join(STATUSES)}, not {val!r}"))
            else:
                faults.append((line_no, f"unknown metadata key {key!r} (keys: kind, audience, difficulty, status)"))


@dataclass
class _Chunk:
    """The non-comment lines of one blank-line separated item, joined."""

    numbers: list[int]
    text: str
    starts: list[int]

    @classmethod
    def of(cls, lines: list[tuple[int, str]]) -> _Chunk:
        starts, offset = [], 0
        for _, line in lines:
            starts.append(offset)
            offset += len(line) + 1
        return cls([n for n, _ in lines], _protect("\n".join(line for _, line in lines)), starts)

    def line(self, offset: int) -> int:
        return self.numbers[max(bisect_right(self.starts, offset) - 1, 0)]

    def first_text_line(self, start: int, end: int) -> int:
        """The line of the first non-blank character in text[start:end]."""
        part = self.text[start:end]
        return self.line(start + len(part) - len(part.lstrip()))


def _answers(chunk: _Chunk, start: int, end: int, markers: str, faults: list) -> list[tuple[str, int, str]]:
    """Split an answer block into (marker, offset, text after the marker)."""
    body = chunk.text[start:end]
    spots = [m.start() for m in re.finditer(f"[{re.escape(markers)}]", body)]
    lead = body[: spots[0]] if spots else body
    if lead.strip():
        shown = _restore(lead.strip())
        faults.append((chunk.first_text_line(start, end), f"answers must start with = or ~ (found {shown!r})"))
    return [(body[s], start + s, body[s + 1 : e]) for s, e in zip(spots, [*spots[1:], len(body)], strict=True)]


def _weight(chunk: _Chunk, offset: int, raw: str, faults: list) -> tuple[float | None, str, bool]:
    """(weight or None, rest of the answer, whether the weight was malformed)."""
    raw = raw.strip()
    if not raw.startswith("%"):
        return None, raw, False
    m = _WEIGHT.match(raw)
    if m and -100 <= float(m[1]) <= 100:
        return float(m[1]), raw[m.end() :], False
    end = raw.find("%", 1)
    shown = _restore(raw[: end + 1] if end > 0 else raw.split()[0])
    faults.append((chunk.line(offset), f"bad weight {shown!r}: write a percentage from -100 to 100, such as %50%"))
    return None, raw[end + 1 :] if end > 0 else raw, True


def _choice(chunk: _Chunk, start: int, end: int, first: int, faults: list) -> tuple[str, list[dict]]:
    """A multiple choice block: `=right ~wrong`, or `~%50%` weights for multiple right answers."""
    options, weights, weighted, bad = [], [], False, False
    for marker, offset, raw in _answers(chunk, start, end, "~=", faults):
        weight, rest, malformed = _weight(chunk, offset, raw, faults) if marker == "~" else (None, raw, False)
        bad |= malformed
        weighted |= weight is not None or malformed
        text, _, feedback = rest.partition("#")
        weights.append(100.0 if marker == "=" else (weight or 0.0))
        options.append({"text": _text(text), "correct": weights[-1] > 0, "rationale": _text(feedback)})
    if len(options) < 2:
        faults.append((first, "a multiple choice needs at least 2 answers"))
    if not any(o["correct"] for o in options):
        faults.append((first, "no right answer: mark it with = (or give right answers a positive %weight%)"))
    elif weighted and not bad and not 99 <= (total := sum(w for w in weights if w > 0)) <= 101:
        faults.append((first, f"the weights of the right answers add up to {round(total, 5):g}%, not 100%"))
    return ("multiple answers" if weighted else "multiple choice"), options


def _matching(chunk: _Chunk, start: int, end: int, first: int, faults: list) -> tuple[list[dict], list[str]]:
    rows, columns = [], []
    for _, offset, raw in _answers(chunk, start, end, "=", faults):
        if "->" not in raw:
            faults.append((chunk.line(offset), "a matching pair needs '->' between question and answer"))
            continue
        sub, _, answer = raw.partition("->")
        # Moodle reads matching answers without a format prefix, so the prefix is kept as text.
        text, answer = _text(sub), _text(answer, fmt=False)
        if not answer:
            if text:
                faults.append((chunk.line(offset), f"matching pair {text!r} has no answer"))
            continue
        if answer not in columns:
            columns.append(answer)
        if text:  # an empty question only adds a distractor answer
            rows.append({"text": text, "answer": answer, "rationale": ""})
    if len(rows) < 2:
        faults.append((first, "a matching question needs at least 2 pairs"))
    return rows, columns


def _true_false(body: str) -> list[dict]:
    # `{TRUE#shown when answered wrong#shown when answered right}`, as Moodle reads it.
    bits = [*body.split("#", 2), "", ""]
    truth = _TRUE_FALSE[bits[0].strip()]
    wrong, right = _text(bits[1]), _text(bits[2])
    return [
        {"text": "True", "correct": truth, "rationale": right if truth else wrong},
        {"text": "False", "correct": not truth, "rationale": wrong if truth else right},
    ]


def _short(chunk: _Chunk, start: int, end: int, faults: list) -> list[dict]:
    options = []
    for _, offset, raw in _answers(chunk, start, end, "=", faults):
        weight, rest, _ = _weight(chunk, offset, raw, faults)
        text, _, feedback = rest.partition("#")
        options.append({"text": _text(text), "correct": weight is None or weight > 0, "rationale": _text(feedback)})
    return options


def _question(chunk: _Chunk, topic: str, number: int, meta: _Metadata, faults: list[tuple[int, str]]) -> dict | None:
    """One question from its chunk, or None when it or its metadata has a fault (added to faults)."""
    own: list[tuple[int, str]] = list(meta.faults)
    question = _read_question(chunk, topic, number, meta, own)
    faults += own
    return None if own else question


def _read_question(chunk: _Chunk, topic: str, number: int, meta: _Metadata, own: list[tuple[int, str]]) -> dict | None:
    text, first = chunk.text, chunk.numbers[0]
    pos = len(text) - len(text.lstrip())
    title = None
    if text.startswith("::", pos):
        close_title = text.find("::", pos + 2)
        if close_title < 0:
            own.append((first, "the title opened with :: is not closed"))
            return None
        title, pos = _text(text[pos + 2 : close_title], fmt=False), close_title + 2
    opening, closing = text.find("{", pos), text.find("}", pos)
    if opening < 0 and closing < 0:
        own.append((first, "no answer block: description-only items are not supported here"))
        return None
    if closing < 0:
        own.append((chunk.line(opening), "unclosed {: the answer block has no }"))
        return None
    if opening < 0 or closing < opening:
        own.append((chunk.line(closing), "} without a { before it"))
        return None
    if (extra := re.search("[{}]", text[closing + 1 :])) is not None:
        own.append((chunk.line(closing + 1 + extra.start()), "only one answer block per question"))
        return None

    block_end = closing
    general = text.rfind("####", opening + 1, closing)
    explanation = ""
    if general >= 0:
        explanation, block_end = _text(text[general + 4 : closing]), general
    body = text[opening + 1 : block_end].strip()
    question: dict = {}
    if not body:
        own.append((first, "essay questions ({}) are not supported here"))
    elif body.startswith("#"):
        own.append((first, "numerical questions ({#...}) are not supported here"))
    elif "~" in body:
        construct, question["options"] = _choice(chunk, opening + 1, block_end, first, own)
    elif "=" in body and "->" in body:
        construct = "matching"
        question["rows"], question["columns"] = _matching(chunk, opening + 1, block_end, first, own)
    elif body.split("#", 1)[0].strip() in _TRUE_FALSE:
        construct, question["options"] = "true-false", _true_false(body)
    else:
        construct, question["options"] = "short answer", _short(chunk, opening + 1, block_end, own)

    before, after = text[pos:opening], text[closing + 1 :]
    if question and after.strip():
        if construct == "multiple choice":
            # Missing word: the block stands for a blank in the middle of the sentence.
            construct = "missing word"
            start_text = _text(before + "x")[:-1]  # keep the space before the blank
            end_text = _text("x" + after, fmt=False)[1:]
            question = {"template": f"{start_text}{{1}}{end_text}", "blanks": [{"choices": question["options"]}]}
        else:
            own.append(
                (
                    chunk.first_text_line(closing + 1, len(text)),
                    "text after the answer block: only a =right ~wrong block may sit inside the text (missing word)",
                )
            )
    if meta.stem is not None and question and construct != "missing word":
        own.append((meta.stem[0], "// stem is only for missing-word questions; the text of others is their stem"))
    if question:
        _attach(question, construct, meta, own)
    if own:
        return None

    stem = meta.stem[1] if meta.stem else DEFAULT_CLOZE_STEM if construct == "missing word" else _text(before)
    return {
        "id": (slugify(title) if title else "") or f"{topic}-{number}",
        "topic": topic,
        "kind": KIND_OF_CONSTRUCT[construct],
        **DEFAULTS,
        **{k: v for k, v in meta.meta.items() if k != "kind"},
        "stem": stem,
        **question,
        "explanation": explanation,
        "plain_explanation": meta.plain or "",
        "citations": meta.cites,
        **({"accepted": meta.accepted} if meta.accepted else {}),
    }


def _parts(question: dict, construct: str) -> list[dict]:
    """The answer parts a construct's block holds, in the bank's JSON shape."""
    if construct == "matching":
        return question.get("rows", [])
    if construct == "missing word":
        return question["blanks"][0]["choices"]
    return question.get("options", [])


def _attach(question: dict, construct: str, meta: _Metadata, faults: list[tuple[int, str]]) -> None:
    """Put the per-part citations and row rationales of the comments on the parts."""
    kind = KIND_OF_CONSTRUCT[construct]
    if "kind" in meta.meta and meta.meta["kind"] != kind:
        faults.append((meta.meta_line, f"// meta says kind={meta.meta['kind']} but the answer block makes a {kind}"))
    scope = "row" if construct == "matching" else "option"
    parts = _parts(question, construct)
    for line_no, cite_scope, n, cite in meta.part_cites:
        if cite_scope != scope:
            faults.append((line_no, f"use // cite {scope} <n> for a {kind} question"))
        elif not 1 <= n <= len(parts):
            faults.append((line_no, f"cite {scope} {n}: the question has {len(parts)} {scope}s"))
        else:
            parts[n - 1].setdefault("citations", []).append(cite)
    for line_no, n, rationale in meta.row_rationales:
        if construct != "matching":
            faults.append((line_no, "// rationale row is only for matching questions; others use #feedback"))
        elif not 1 <= n <= len(parts):
            faults.append((line_no, f"rationale row {n}: the question has {len(parts)} rows"))
        else:
            parts[n - 1]["rationale"] = rationale


def parse_gift(text: str, default_topic: str = "imported") -> tuple[list[dict], list[str]]:
    """Questions in the bank's JSON shape from GIFT text, and every fault found.

    Each fault reads "line N: message". Callers import nothing when there is
    any fault, so the whole file is checked rather than stopping at the first.
    """
    faults: list[tuple[int, str]] = []
    questions: list[dict] = []
    topic, number = default_topic, 0
    ids: dict[str, int] = {}
    meta = _Metadata()
    chunks: list[list[tuple[int, str]]] = [[]]
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if line.strip():
            chunks[-1].append((n, line))
        elif chunks[-1]:
            chunks.append([])

    for lines in chunks:
        content = []
        for n, line in lines:
            if line.strip().startswith("//"):
                meta.read(n, line.strip())
            else:
                content.append((n, line))
        if not content:
            continue  # comments only: their metadata waits for the next question
        chunk = _Chunk.of(content)
        if chunk.text.lstrip().startswith("$CATEGORY:"):
            path = _restore(chunk.text.strip()[len("$CATEGORY:") :]).strip().rstrip("/")
            topic = slugify(path.rsplit("/", 1)[-1]) or topic
            if len(content) > 1:
                faults.append((content[1][0], "a $CATEGORY line must be followed by a blank line"))
            continue
        number += 1
        question = _question(chunk, topic, number, meta, faults)
        meta = _Metadata()
        if question is None:
            continue
        if question["id"] in ids:
            faults.append((content[0][0], f"id {question['id']!r} is already used on line {ids[question['id']]}"))
            continue
        ids[question["id"]] = content[0][0]
        questions.append(question)
    if meta.lines:
        faults += [*meta.faults, (meta.lines[0], "metadata comment with no question after it")]
    return questions, [f"line {n}: {message}" for n, message in sorted(faults, key=lambda f: f[0])]


# --- writing -----------------------------------------------------------------


def _escape(text: str) -> str:
    """Escape every GIFT control character; a newline becomes `\\n` (as Moodle exports)."""
    text = text.replace("\\", "\\\\").replace("\r", "")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _part(text: str, fmt: bool = True) -> str:
    # A text that itself starts like a format prefix gets an explicit [plain],
    # or the reader would take its start for the prefix.
    return ("[plain]" if fmt and _FORMAT.match(text) else "") + _escape(text)


def _comment(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n")


def _percent(weight: float) -> str:
    # Moodle's own grades have up to 5 decimals (33.33333, 14.28571).
    return f"%{f'{weight:.5f}'.rstrip('0').rstrip('.')}%"


def _feedback(rationale: str) -> str:
    return f"#{_part(rationale)}" if rationale else ""


def _construct(q: dict) -> str | None:
    """The GIFT construct that carries the question's kind, or None where GIFT cannot say it."""
    return kinds.kind_of(q.get("kind")).gift


def _writable(q: dict) -> bool:
    """Whether GIFT can carry the question so that reading it gives it back."""
    construct = _construct(q)
    if construct is None:
        return False
    if construct == "missing word":
        template, blanks = q.get("template", ""), q.get("blanks") or []
        # The block must stand inside the text, or GIFT reads a plain multiple choice.
        if len(blanks) != 1 or template.count("{1}") != 1 or not template.split("{1}")[1].strip():
            return False
    parts = _parts(q, construct)
    texts = [p.get("text", "") for p in parts]
    if construct == "true-false":
        return texts == ["True", "False"] and sum(p.get("correct") is True for p in parts) == 1
    if construct == "matching":
        columns = q.get("columns") or []
        # `->` cannot be escaped, and the first one splits question from answer.
        return (
            all(t and "->" not in t for t in texts)
            and len(set(columns)) == len(columns)
            and all(columns)
            and all(p.get("answer") in columns for p in parts)
        )
    if construct == "short answer":
        # A `->` would make the block read as matching.
        return bool(parts) and all("->" not in p.get("text", "") + p.get("rationale", "") for p in parts)
    if not any(p.get("correct") is True for p in parts):
        return False
    if construct in ("multiple choice", "missing word") and all(p.get("correct") for p in parts):
        return False  # without a ~ answer the block reads as short answer
    # A wrong answer starting with % would read as a weight (multiple answers always write one first).
    return construct == "multiple answers" or not any(
        not p.get("correct") and t.startswith("%") for p, t in zip(parts, texts, strict=True)
    )


def _block(q: dict, construct: str) -> list[str]:
    """The answers of the block, one string each, without braces."""
    parts = _parts(q, construct)
    if construct == "true-false":
        right = next(p for p in parts if p["correct"])
        wrong = next(p for p in parts if not p["correct"])
        answer = "TRUE" if right["text"] == "True" else "FALSE"
        feedback = ""
        if wrong.get("rationale") or right.get("rationale"):
            feedback = f"#{_part(wrong.get('rationale', ''))}" + _feedback(right.get("rationale", ""))
        return [answer + feedback]
    if construct in ("multiple choice", "missing word"):
        return [f"{'=' if p['correct'] else '~'}{_part(p['text'])}{_feedback(p.get('rationale', ''))}" for p in parts]
    if construct == "multiple answers":
        right = sum(1 for p in parts if p["correct"])
        wrong = len(parts) - right
        return [
            f"~{_percent(100 / right if p['correct'] else -100 / wrong)}{_part(p['text'])}"
            f"{_feedback(p.get('rationale', ''))}"
            for p in parts
        ]
    if construct == "short answer":
        return [
            f"={'' if p['correct'] and not p['text'].startswith('%') else _percent(100 if p['correct'] else 0)}"
            f"{_part(p['text'])}{_feedback(p.get('rationale', ''))}"
            for p in parts
        ]
    # matching: the reader takes columns in order of first appearance, so when the
    # rows would change that order the columns go first as distractor pairs.
    columns = list(q["columns"])
    used = list(dict.fromkeys(p["answer"] for p in parts))
    lead = [] if used == columns[: len(used)] else columns
    unused = [c for c in columns if c not in used and c not in lead]
    pairs = [("", c) for c in lead] + [(p["text"], p["answer"]) for p in parts] + [("", c) for c in unused]
    return [
        f"={_part(text)} -> {_part(answer, fmt=False)}" if text else f"= -> {_part(answer, fmt=False)}"
        for text, answer in pairs
    ]


def _write_question(q: dict) -> str:
    construct = _construct(q)
    lines = ["// meta: " + " ".join(f"{k}={q[k]}" for k in ("kind", "audience", "difficulty", "status") if k in q)]
    if q.get("plain_explanation"):
        lines.append(f"// plain: {_comment(q['plain_explanation'])}")
    if construct == "missing word" and q.get("stem"):
        lines.append(f"// stem: {_comment(q['stem'])}")
    lines += [f"// cite: {c['passage']} | {_comment(c['quote'])}" for c in q.get("citations", [])]
    lines += [f"// accepted {rule}: {_comment(reason)}" for rule, reason in (q.get("accepted") or {}).items()]
    scope = "row" if construct == "matching" else "option"
    for n, part in enumerate(_parts(q, construct), 1):
        if construct == "matching" and part.get("rationale"):
            lines.append(f"// rationale row {n}: {_comment(part['rationale'])}")
        lines += [f"// cite {scope} {n}: {c['passage']} | {_comment(c['quote'])}" for c in part.get("citations", [])]

    title = f"::{_escape(q['id'])}::" if q.get("id") else ""
    general = f"####{_part(q['explanation'])}" if q.get("explanation") else ""
    answers = _block(q, construct)
    if construct == "missing word":
        before, after = q["template"].split("{1}")
        lines.append(f"{title}{_part(before)}{{{' '.join(answers)}{general}}}{_escape(after)}")
    elif construct == "true-false":
        lines.append(f"{title}{_part(q.get('stem', ''))} {{{answers[0]}{general}}}")
    else:
        lines.append(f"{title}{_part(q.get('stem', ''))} {{")
        lines += [f"\t{a}" for a in answers]
        if general:
            lines.append(f"\t{general}")
        lines.append("}")
    return "\n".join(lines)


def write_gift(questions: list[dict]) -> tuple[str, list[str]]:
    """GIFT text for the questions, and the ids of those GIFT cannot express.

    Ordering and highlight questions, cloze questions with more than one
    blank (or a blank at the very end) and questions whose texts GIFT cannot
    carry unchanged are left out rather than written wrongly; so are a case
    study's questions, which read only beside the case's record.
    """
    items: list[str] = []
    left_out: list[str] = []
    topic = None
    for q in questions:
        if q.get("case") or not _writable(q):
            left_out.append(str(q.get("id", "")))
            continue
        if q.get("topic") and q["topic"] != topic:
            topic = q["topic"]
            items.append(f"$CATEGORY: $course$/top/{_escape(topic)}")
        items.append(_write_question(q))
    return ("\n\n".join(items) + "\n" if items else ""), left_out
