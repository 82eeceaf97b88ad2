"""The rules every question of the bank must keep, on the bank's JSON shape.

The JSON shape is the one `export_bank --format json` prints and the fixtures
in fixtures/bank/ are written in. Checking that shape (rather than model
instances) lets one set of rules serve the fixtures, imports and the database
alike: `check_bank` exports the database and runs these checks on the result.

Run `python -m quizzes.bank fixtures/bank/*.json` to check fixture files
while writing them; `python manage.py check_bank` checks the loaded bank.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import textstat

from quizzes import flaws, kinds
from quizzes.judgment import STEP_SLUGS, TAB_SLUGS
from quizzes.kinds import kind_of

KINDS = tuple(kinds.KINDS)  # the kind names, in the registry's order
AUDIENCES = ("student", "patient", "both")
PATIENT_AUDIENCES = ("patient", "both")
MAX_PATIENT_GRADE = 8.0
DUPLICATE_STEM_RATIO = 0.85
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!" else f"{text}."


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of a text (textstat 0.7.8 works offline)."""
    return float(textstat.flesch_kincaid_grade(text))


def answer_texts(q: dict) -> list[str]:
    """The texts a learner reads as the answers to choose from, for any kind."""
    return kind_of(q.get("kind")).answer_texts(q)


def patient_text(q: dict) -> str:
    """Stem, answers, plain explanation and the kind's own text (a cloze's or highlight's): all a patient reads
    of a question."""
    kind = kind_of(q.get("kind"))
    parts = [q.get("stem", ""), *kind.answer_texts(q), q.get("plain_explanation", ""), kind.reading_text(q)]
    return " ".join(_sentence(p) for p in parts if p.strip())


def answer_parts(q: dict) -> list[tuple[str, dict]]:
    """Every answer part that needs a rationale, with a label for messages."""
    return kind_of(q.get("kind")).answer_parts(q)


def _citation_faults(label: str, citations: list, passages: dict[str, str]) -> list[str]:
    faults = []
    for i, cite in enumerate(citations, 1):
        key, quote = cite.get("passage"), cite.get("quote", "")
        if key not in passages:
            faults.append(f"{label} citation {i}: unknown passage {key!r}")
        elif not quote.strip():
            faults.append(f"{label} citation {i}: empty quote")
        elif quote not in passages[key]:
            faults.append(f"{label} citation {i}: quote is not verbatim in passage {key}: {quote[:60]!r}")
    return faults


def question_faults(q: dict, passages: dict[str, str], topics: set[str] | None = None) -> list[str]:
    """Everything wrong with one question; an empty list means it may ship."""
    faults: list[str] = []
    if not SLUG.match(str(q.get("id", ""))):
        faults.append("id must be a slug (lower-case letters, digits, hyphens)")
    if q.get("kind") not in KINDS:
        return [*faults, f"unknown kind {q.get('kind')!r}"]
    if topics is not None and q.get("topic") not in topics:
        faults.append(f"unknown topic {q.get('topic')!r}")
    if q.get("audience") not in AUDIENCES:
        faults.append(f"audience must be one of {', '.join(AUDIENCES)}")
    if q.get("difficulty") not in (1, 2, 3):
        faults.append("difficulty must be 1, 2 or 3")
    for key in ("stem", "explanation", "plain_explanation"):
        if not str(q.get(key, "")).strip():
            faults.append(f"no {key.replace('_', ' ')}")
    faults += kind_of(q["kind"]).faults(q)
    for label, part in answer_parts(q):
        if not str(part.get("text", "")).strip():
            faults.append(f"{label} has no text")
        if not str(part.get("rationale", "")).strip():
            faults.append(f"{label} has no rationale")
        faults += _citation_faults(label, part.get("citations", []), passages)
    if not q.get("citations"):
        faults.append("no citation: a question that cannot be tied to a passage does not ship")
    faults += _citation_faults("question", q.get("citations", []), passages)
    faults += flaws.refused(q)
    if q.get("audience") in PATIENT_AUDIENCES:
        for label, text in (
            ("plain explanation", q.get("plain_explanation", "")),
            ("patient text (stem, answers, plain explanation)", patient_text(q)),
        ):
            if text.strip() and (grade := reading_grade(text)) > MAX_PATIENT_GRADE:
                faults.append(f"{label} reads at grade {grade:.1f}, above {MAX_PATIENT_GRADE:g}")
    return faults


def case_faults(
    case: dict, questions: list[dict], passages: dict[str, str], topics: set[str] | None = None
) -> list[str]:
    """Everything wrong with one case study: its record and the shape of its six steps (each question is
    checked on its own as well)."""
    faults: list[str] = []
    if not SLUG.match(str(case.get("id", ""))):
        faults.append("id must be a slug (lower-case letters, digits, hyphens)")
    if topics is not None and case.get("topic") not in topics:
        faults.append(f"unknown topic {case.get('topic')!r}")
    for key in ("title", "intro"):
        if not str(case.get(key, "")).strip():
            faults.append(f"no {key}")
    record = case.get("record") or []
    if not any(e.get("step") == 1 for e in record if isinstance(e, dict)):
        faults.append("the record has nothing to show at question 1")
    for i, entry in enumerate(record, 1):
        label = f"record entry {i}"
        if not isinstance(entry, dict):
            faults.append(f"{label}: not an object")
            continue
        if entry.get("tab") not in TAB_SLUGS:
            faults.append(f"{label}: tab must be one of {', '.join(TAB_SLUGS)}")
        if entry.get("step") not in range(1, len(STEP_SLUGS) + 1):
            faults.append(f"{label}: step must be the question it appears at, 1 to {len(STEP_SLUGS)}")
        if not str(entry.get("text", "")).strip():
            faults.append(f"{label}: no text")
        # A record may invent the client (a name, an age, a setting) but not the facts a question tests:
        # each entry cites its passage, or says it is the invented situation.
        if "citation" in entry:
            faults += _citation_faults(label, [entry["citation"]], passages)
        elif entry.get("situation") is not True:
            faults.append(f'{label}: cite the passage that supports it, or mark it "situation": true')
    steps = [q.get("step") for q in questions]
    if sorted(steps, key=str) != sorted(STEP_SLUGS):
        faults.append(f"the questions must be one per step ({', '.join(STEP_SLUGS)}); found {steps}")
    for q in questions:
        if q.get("topic") != case.get("topic"):
            faults.append(f"{q.get('id')}: in topic {q.get('topic')!r}, not the case's {case.get('topic')!r}")
        if q.get("audience") != "student":
            faults.append(f"{q.get('id')}: a case study is for students (audience must be student)")
    return faults


def near_duplicates(questions: list[dict]) -> list[tuple[str, str, float]]:
    """Pairs of stems so alike that they likely test the same fact the same way."""
    norm = [(q["id"], " ".join(re.findall(r"\w+", q.get("stem", "").lower()))) for q in questions]
    pairs = []
    for i, (a_id, a) in enumerate(norm):
        for b_id, b in norm[i + 1 :]:
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            # The cheap upper bounds rule out most pairs before the full comparison.
            bounds = (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio)
            if all((ratio := bound()) > DUPLICATE_STEM_RATIO for bound in bounds):
                pairs.append((a_id, b_id, round(ratio, 2)))
    return pairs


def cited_passages(questions: list[dict]) -> Counter:
    """How many questions cite each passage (a question counts once per passage)."""
    counts: Counter = Counter()
    for q in questions:
        keys = {c["passage"] for c in q.get("citations", [])}
        for _, part in answer_parts(q):
            keys |= {c["passage"] for c in part.get("citations", [])}
        counts.update(keys)
    return counts


@dataclass
class Report:
    faults: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults


def check(bank: dict) -> Report:
    """Check a whole bank in the export shape: every question, then the set."""
    report = Report()
    passages = {p["id"]: p["text"] for s in bank.get("sources", []) for p in s.get("passages", [])}
    testable = [p["id"] for s in bank.get("sources", []) for p in s.get("passages", []) if p.get("testable", True)]
    topics = {t["slug"] for t in bank.get("topics", [])}
    questions = bank.get("questions", [])
    ids = Counter(q.get("id") for q in questions)
    for qid, n in ids.items():
        if n > 1:
            report.faults.append(f"{qid}: id used by {n} questions")
    for q in questions:
        report.faults += [f"{q.get('id')}: {f}" for f in question_faults(q, passages, topics)]
    for a, b, ratio in near_duplicates(questions):
        report.faults.append(f"{a}: stem is {ratio:.0%} like the stem of {b}")
    cases = bank.get("case_studies", [])
    case_ids = Counter(c.get("id") for c in cases)
    report.faults += [f"{cid}: id used by {n} case studies" for cid, n in case_ids.items() if n > 1]
    for case in cases:
        steps = [q for q in questions if q.get("case") == case.get("id")]
        report.faults += [f"{case.get('id')}: {f}" for f in case_faults(case, steps, passages, topics)]
    for q in questions:
        if q.get("case") is not None and q["case"] not in case_ids:
            report.faults.append(f"{q.get('id')}: unknown case study {q['case']!r}")
        elif q.get("step") is not None and q.get("case") is None:
            report.faults.append(f"{q.get('id')}: a step without a case study")

    cited = cited_passages(questions)
    covered = [k for k in testable if cited[k]]
    by_topic = Counter(q.get("topic") for q in questions)
    by_kind = Counter(q.get("kind") for q in questions)
    by_audience = Counter(q.get("audience") for q in questions)
    report.summary += [
        f"questions: {len(questions)}",
        f"case studies: {len(cases)}, with {sum(1 for q in questions if q.get('case'))} questions",
        "per bank: " + ", ".join(f"{t} {by_topic[t]}" for t in sorted(topics)),
        "per kind: " + ", ".join(f"{k} {by_kind[k]}" for k in KINDS),
        "per audience: " + ", ".join(f"{a} {by_audience[a]}" for a in AUDIENCES),
        f"passages cited: {len(covered)} of {len(testable)} that state a testable fact"
        f" ({len(covered) / max(len(testable), 1):.0%})",
        "not cited: " + (", ".join(k for k in testable if not cited[k]) or "none"),
    ]
    # Bank-wide measures of the flaw screen: what no single item shows, held to limits (quizzes/flaws.py).
    for measure in flaws.measures(questions):
        report.summary.append(str(measure))
        if not measure.ok:
            report.faults.append(f"bank: {measure}")
    accepted = Counter(name for q in questions for name in flaws.accepted(q))
    report.summary.append(
        "screened flaws accepted by an editor: "
        + (", ".join(f"{n} {c}" for n, c in sorted(accepted.items())) or "none")
    )
    return report


BANK_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "bank"


class BankError(ValueError):
    """A bank file that cannot be loaded; the message names the path."""


CASE_FIELDS = ("id", "topic", "title", "intro", "position", "record")


def read_bank_files(paths: list[Path] | None = None) -> dict:
    """Read fixture bank files into one bank in export shape: one file per topic, and in cases/ one file
    per case study (its record and its six questions, each with its `step`)."""
    paths = paths or [*sorted(BANK_DIR.glob("*.json")), *sorted((BANK_DIR / "cases").glob("*.json"))]
    topics, questions, cases = [], [], []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if "record" in data:  # a case study
                cases.append({k: data[k] for k in CASE_FIELDS if k in data})
                questions += [{"topic": data["topic"], "case": data["id"], **q} for q in data.get("questions", [])]
            else:
                topics.append({k: data[k] for k in ("slug", "name", "description", "position") if k in data})
                questions += [{"topic": data["slug"], **q} for q in data.get("questions", [])]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BankError(f"{path}: {exc!r}") from exc
    return {"topics": topics, "questions": questions, "case_studies": cases}


def fixture_bank(paths: list[Path] | None = None) -> dict:
    """The bank in export shape, from the source files and fixture bank files."""
    from quizzes.sources import parse_all

    sources = [
        {
            "slug": s.slug,
            "title": s.title,
            "file": s.file,
            "passages": [
                {"id": p.key, "heading": p.heading, "text": p.text, "testable": p.testable} for p in s.passages
            ],
        }
        for s in parse_all()
    ]
    return {"sources": sources, **read_bank_files(paths)}


if __name__ == "__main__":  # pragma: no cover - a helper for people writing fixtures
    report = check(fixture_bank([Path(p) for p in sys.argv[1:]] or None))
    print("\n".join(report.faults) or "no faults")
    print("\n".join(report.summary))
    sys.exit(0 if report.ok else 1)
