"""Moving the sources and the bank between files and the database.

The bank's JSON shape (see fixtures/bank/README.md) is the one contract:
fixtures are written in it, `export_bank` prints it, `load_bank` reads it, and
`check_bank` checks the database by exporting it and applying quizzes.bank.
"""

from __future__ import annotations

import json
import random

from django.db import transaction
from django.db.models import Prefetch

from quizzes.bank import BankError, read_bank_files  # noqa: F401 (re-exported for commands)
from quizzes.kinds import kind_of
from quizzes.models import CaseEntry, CaseStudy, Citation, Option, Passage, Question, Source, Topic
from quizzes.sources import parse_all


@transaction.atomic
def load_sources() -> tuple[int, int]:
    """Create or update every Source and Passage from fixtures/sources.

    Passages are matched by their stable key, so citations keep pointing at
    the same text. A passage that disappears while still cited is an error
    rather than a silent loss of the citation.
    """
    n_passages = 0
    parsed = parse_all()
    for position, ps in enumerate(parsed, start=1):
        source, _ = Source.objects.update_or_create(
            slug=ps.slug,
            defaults=dict(
                title=ps.title,
                publisher=ps.publisher,
                byline=ps.byline,
                date_text=ps.date,
                file_name=ps.file,
                audience=ps.audience,
                note=ps.note,
                position=position,
                toc=[list(h) for h in ps.headings],
            ),
        )
        keys = []
        for p in ps.passages:
            Passage.objects.update_or_create(
                key=p.key,
                defaults=dict(
                    source=source,
                    anchor=p.anchor,
                    position=p.position,
                    kind=p.kind,
                    heading=p.heading,
                    heading_level=p.heading_level,
                    text=p.text,
                    testable=p.testable,
                    extra=p.extra,
                ),
            )
            keys.append(p.key)
        n_passages += len(keys)
        gone = source.passages.exclude(key__in=keys)
        if gone.filter(citations__isnull=False).exists():
            raise BankError(f"{ps.file}: cited passages would disappear: {list(gone.values_list('key', flat=True))}")
        gone.delete()
    return len(parsed), n_passages


def _parts(q: dict) -> list[dict]:
    """The answer parts of a question in the shape the Option table stores."""
    return kind_of(q["kind"]).from_json(q)


_shuffler = random.SystemRandom()


@transaction.atomic
def load_questions(bank: dict, status: str = Question.Status.PUBLISHED) -> int:
    """Create or update topics and questions from a bank in the export shape.

    Options are updated in place by position so that the option ids stored in
    past responses keep naming the same answers; new ones are created in a
    random order, so their ids say nothing of which is right.
    """
    passages = {p.key: p for p in Passage.objects.all()}
    topics = {}
    for t in bank.get("topics", []):
        topics[t["slug"]], _ = Topic.objects.update_or_create(
            slug=t["slug"],
            defaults={k: t[k] for k in ("name", "description", "position") if k in t},
        )
    cases = {c.key: c for c in CaseStudy.objects.all()}
    for path, c in enumerate(bank.get("case_studies", [])):
        cases[c["id"]] = _load_case(c, topics, passages, f"case_studies[{path}]")
    for path, q in enumerate(bank.get("questions", [])):
        if q.get("case") and q["case"] not in cases:
            raise BankError(f"questions[{path}]: unknown case study {q['case']!r}")
        if q.get("topic") not in topics:
            topics[q["topic"]] = Topic.objects.filter(slug=q.get("topic")).first()
            if topics[q["topic"]] is None:
                raise BankError(f"questions[{path}]: unknown topic {q.get('topic')!r}")
        question, _ = Question.objects.update_or_create(
            key=q["id"],
            defaults=dict(
                topic=topics[q["topic"]],
                kind=q["kind"],
                stem=q["stem"],
                explanation=q["explanation"],
                plain_explanation=q["plain_explanation"],
                difficulty=q["difficulty"],
                audience=q["audience"],
                status=q.get("status", status),
                columns=q.get("columns", []),
                template=q.get("template", ""),
                accepted_flaws=q.get("accepted") or {},
                case=cases[q["case"]] if q.get("case") else None,
                case_step=q.get("step", "") if q.get("case") else "",
            ),
        )
        existing = list(question.options.order_by("position"))
        # Citations are updated in place too: "Read it in the source" links carry citation ids, and a reload of
        # an unchanged bank must leave every id (and the question's version, the parts cache key) as it was.
        cited = {(c.option_id, c.position): c for c in question.citations.all()}
        parts = _parts(q)
        options: dict[int, Option] = {}
        for position, part in enumerate(parts, start=1):
            values = dict(
                position=position,
                text=part["text"],
                is_correct=bool(part.get("correct", False)),
                rationale=part["rationale"],
                blank=part.get("blank"),
                answer=part.get("answer", ""),
            )
            if position <= len(existing):
                option = existing[position - 1]
                for name, value in values.items():
                    setattr(option, name, value)
                option.save()
            else:
                option = Option(question=question, **values)
            options[position] = option
        # New options get their ids in random order: banks list the right answer first, and ids created in
        # that order would tell the key to anyone who sees one (an export, a log, a future page).
        new = [o for o in options.values() if o.pk is None]
        for option in _shuffler.sample(new, len(new)):
            option.save()
        for position, part in enumerate(parts, start=1):
            where = f"questions[{path}] part {position}"
            _cite(question, options[position], part.get("citations", []), passages, where, cited)
        _cite(question, None, q.get("citations", []), passages, f"questions[{path}]", cited)
        Citation.objects.filter(pk__in=[c.pk for c in cited.values()]).delete()  # no longer in the bank
        for extra in existing[len(parts) :]:
            extra.delete()
        question.record_version()
    return len(bank.get("questions", []))


def _load_case(c: dict, topics: dict, passages: dict, where: str) -> CaseStudy:
    """Create or update one case study and its record; entries are updated in place by position, so a reload
    of an unchanged bank leaves every row as it was."""
    topic = topics.get(c.get("topic")) or Topic.objects.filter(slug=c.get("topic")).first()
    if topic is None:
        raise BankError(f"{where}: unknown topic {c.get('topic')!r}")
    case, _ = CaseStudy.objects.update_or_create(
        key=c["id"],
        defaults={"topic": topic, "title": c["title"], "intro": c["intro"], "position": c.get("position", 0)},
    )
    existing = list(case.entries.order_by("position"))
    record = c.get("record", [])
    for position, e in enumerate(record, start=1):
        cite = e.get("citation") or {}
        if cite and cite.get("passage") not in passages:
            raise BankError(f"{where}.record[{position - 1}]: unknown passage {cite.get('passage')!r}")
        values = dict(
            tab=e["tab"], step=e.get("step", 1), text=e["text"], position=position,
            passage=passages[cite["passage"]] if cite else None, quote=cite.get("quote", ""),
        )  # fmt: skip
        entry = existing[position - 1] if position <= len(existing) else CaseEntry(case=case)
        for name, value in values.items():
            setattr(entry, name, value)
        entry.save()
    CaseEntry.objects.filter(pk__in=[e.pk for e in existing[len(record) :]]).delete()
    return case


def export_case(case: CaseStudy) -> dict:
    record = []
    for e in case.entries.all():
        entry = {"tab": e.tab, "step": e.step, "text": e.text}
        entry |= {"citation": {"passage": e.passage.key, "quote": e.quote}} if e.passage_id else {"situation": True}
        record.append(entry)
    return {"id": case.key, "topic": case.topic.slug, "title": case.title, "intro": case.intro,
            "position": case.position, "record": record}  # fmt: skip


def _cite(question: Question, option: Option | None, cites: list, passages: dict, where: str, cited: dict) -> None:
    """Save the citations of the question (option None) or of one option, reusing the row already in each
    place (taken out of `cited`, so what is left there afterwards is no longer cited)."""
    for i, c in enumerate(cites, start=1):
        if c["passage"] not in passages:
            raise BankError(f"{where} citation {i}: unknown passage {c['passage']!r}")
        passage = passages[c["passage"]]
        row = cited.pop((option.pk if option else None, i), None)
        if row is None:
            Citation.objects.create(question=question, option=option, passage=passage, quote=c["quote"], position=i)
        elif (row.passage_id, row.quote) != (passage.pk, c["quote"]):
            row.passage, row.quote = passage, c["quote"]
            row.save(update_fields=["passage", "quote"])


def export_question(question: Question) -> dict:
    by_option: dict[int, list[dict]] = {}
    own = []
    for c in question.citations.all():
        entry = {"passage": c.passage.key, "quote": c.quote}
        (by_option.setdefault(c.option_id, []) if c.option_id else own).append(entry)
    parts = [
        {"text": o.text, "correct": o.is_correct, "rationale": o.rationale, "answer": o.answer, "blank": o.blank,
         "citations": by_option.get(o.pk, [])}
        for o in question.options.all()
    ]  # fmt: skip
    out = {
        "id": question.key,
        "topic": question.topic.slug,
        "kind": question.kind,
        "audience": question.audience,
        "difficulty": question.difficulty,
        "status": question.status,
        "stem": question.stem,
        "explanation": question.explanation,
        "plain_explanation": question.plain_explanation,
        **kind_of(question.kind).to_json(question.columns, question.template, parts),
        "citations": own,
    }
    if question.accepted_flaws:
        out["accepted"] = question.accepted_flaws
    if question.case_id:
        out |= {"case": question.case.key, "step": question.case_step}
    return out


def export_bank(questions=None) -> dict:
    """The whole bank (or the given questions, with the case studies they belong to) in the export shape."""
    cases = CaseStudy.objects.all()
    if questions is None:
        questions = Question.objects.all()
    else:
        cases = cases.filter(questions__in=questions).distinct()
    questions = questions.select_related("topic", "case").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("position")),
        Prefetch("citations", queryset=Citation.objects.select_related("passage").order_by("option_id", "position")),
    )
    sources = Source.objects.prefetch_related("passages")
    return {
        "sources": [
            {
                "slug": s.slug,
                "title": s.title,
                "file": s.file_name,
                "passages": [
                    {"id": p.key, "heading": p.heading, "text": p.text, "testable": p.testable}
                    for p in s.passages.all()
                ],
            }
            for s in sources
        ],
        "topics": [
            {"slug": t.slug, "name": t.name, "description": t.description, "position": t.position}
            for t in Topic.objects.all()
        ],
        "questions": [export_question(q) for q in questions],
        "case_studies": [
            export_case(c)
            for c in cases.select_related("topic").prefetch_related(
                Prefetch("entries", queryset=CaseEntry.objects.select_related("passage"))
            )
        ],
    }


REQUIRED = ("id", "topic", "kind", "stem")


def _shape_faults(q: dict, where: str, passages: dict[str, str]) -> list[str]:
    """Faults that make a question impossible to store (as opposed to not yet publishable)."""
    if not isinstance(q, dict):
        return [f"{where}: not an object"]
    faults = [f"{where}.{key}: missing" for key in REQUIRED if not str(q.get(key, "")).strip()]
    from quizzes.bank import KINDS, SLUG

    if q.get("kind") and q["kind"] not in KINDS:
        faults.append(f"{where}.kind: unknown kind {q['kind']!r}")
    if q.get("id") and not SLUG.match(str(q["id"])):
        faults.append(f"{where}.id: must be a slug (lower-case letters, digits, hyphens)")
    if q.get("difficulty", 1) not in (1, 2, 3):
        faults.append(f"{where}.difficulty: must be 1, 2 or 3")
    if q.get("audience", "student") not in ("student", "patient", "both"):
        faults.append(f"{where}.audience: must be student, patient or both")
    if q.get("status", "draft") not in ("draft", "published", "retired"):
        faults.append(f"{where}.status: must be draft, published or retired")
    if not faults:
        try:
            parts = _parts(q)
        except (KeyError, TypeError) as exc:
            return [f"{where}: the {q['kind']} answer parts are malformed ({exc!r})"]
        for i, part in enumerate(parts):
            if not isinstance(part, dict) or not str(part.get("text", "")).strip():
                faults.append(f"{where}.parts[{i}].text: missing")
        cites = [("citations", c) for c in q.get("citations", [])]
        cites += [(f"parts[{i}].citations", c) for i, p in enumerate(parts) for c in p.get("citations", [])]
        for label, c in cites:
            if c.get("passage") not in passages:
                faults.append(f"{where}.{label}: unknown passage {c.get('passage')!r}")
            elif c.get("quote", "") not in passages[c["passage"]]:
                faults.append(f"{where}.{label}: quote is not verbatim in passage {c['passage']}")
    return faults


def import_bank(text: str, fmt: str) -> int:
    """Import a JSON or GIFT bank, all or nothing; returns the number of questions.

    Raises BankError with the list of every fault (GIFT: by line, JSON: by path)
    and saves nothing when there is one. A question that does not yet keep
    every rule of the bank (no citation, a missing rationale) comes in as a
    draft, to be finished and published in the admin.
    """
    from quizzes import gift
    from quizzes.bank import question_faults

    if fmt == "gift":
        questions, faults = gift.parse_gift(text)
        topics = [
            {"slug": slug, "name": slug.replace("-", " ").capitalize()} for slug in {q["topic"] for q in questions}
        ]
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BankError([f"line {exc.lineno}: not valid JSON ({exc.msg})"]) from exc
        if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
            raise BankError(["$: expected an object with a list of questions"])
        questions, faults = data["questions"], []
        topics = data.get("topics", [])
        cases = data.get("case_studies", [])
        known = {t.get("slug") for t in topics} | set(Topic.objects.values_list("slug", flat=True))
        topics += [{"slug": s, "name": s.replace("-", " ").capitalize()} for s in
                   {q.get("topic") for q in questions if isinstance(q, dict)} - known if s]  # fmt: skip
    passages = dict(Passage.objects.values_list("key", "text"))
    for i, q in enumerate(questions):
        faults += _shape_faults(q, f"questions[{i}]" if fmt == "json" else f"question {q.get('id')}", passages)
    if fmt == "json":
        faults += _case_import_faults(cases, questions, topics, passages)
    ids = [q.get("id") for q in questions if isinstance(q, dict)]
    faults += [f"id {i!r} is used twice" for i in {i for i in ids if ids.count(i) > 1}]
    if faults:
        raise BankError(faults)
    for q in questions:
        q.setdefault("explanation", "")
        q.setdefault("plain_explanation", "")
        q.setdefault("audience", "student")
        q.setdefault("difficulty", 1)
        wanted = q.get("status", "draft")
        if wanted == "published" and question_faults(q, passages):
            wanted = "draft"
        q["status"] = wanted
    load_questions({"topics": topics, "questions": questions, "case_studies": cases if fmt == "json" else []})
    return len(questions)


def _case_import_faults(cases, questions: list, topics: list, passages: dict[str, str]) -> list[str]:
    """A case study comes in whole (its record and its six steps) or not at all: a part-case cannot be taken."""
    from quizzes.bank import case_faults

    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        return ["case_studies: expected a list of case study objects"]
    known = {t.get("slug") for t in topics} | set(Topic.objects.values_list("slug", flat=True))
    faults = []
    for i, case in enumerate(cases):
        steps = [q for q in questions if isinstance(q, dict) and q.get("case") == case.get("id")]
        faults += [f"case_studies[{i}]: {f}" for f in case_faults(case, steps, passages, known)]
    ids = {c.get("id") for c in cases}
    for i, q in enumerate(questions):
        if isinstance(q, dict) and q.get("case") and q["case"] not in ids:
            faults.append(f"questions[{i}].case: {q['case']!r} is not a case study in this file")
    return faults
