"""Turn the captured source pages in fixtures/sources into passages.

Each source file is a web page saved as plain text. Its metadata in
fixtures/sources/sources.json says which lines are page furniture (dropped),
which are section headings, and how the flattened tables split into cells.
Everything else becomes a passage: one paragraph, list item, table row or FAQ
answer, in order, with its text verbatim from the file (whitespace folded).
This module knows nothing of the database so it can be used by the loader,
the bank check and people writing questions alike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

SOURCES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
BULLET = re.compile(r"^\s*[•\u2022]\s*")


def fold(text: str) -> str:
    """Fold runs of whitespace (spaces, tabs, no-break spaces) to one space."""
    return " ".join(text.split())


def section_slug(heading: str) -> str:
    words = slugify(re.sub(r"[^\w]+", " ", heading)).split("-")
    return "-".join(words[:6]) or "overview"


@dataclass
class ParsedPassage:
    key: str
    anchor: str
    position: int
    kind: str  # paragraph, list-item, table-row, faq-answer
    heading: str
    heading_level: int
    text: str
    testable: bool = True
    extra: dict = field(default_factory=dict)


@dataclass
class ParsedSource:
    slug: str
    file: str
    title: str
    publisher: str
    byline: str
    date: str
    audience: str
    note: str
    passages: list[ParsedPassage]
    headings: list[tuple[str, int, str]]  # (text, level, anchor of the section)


class SourceFormatError(ValueError):
    pass


def load_metadata(directory: Path = SOURCES_DIR) -> list[dict]:
    with open(directory / "sources.json", encoding="utf-8") as fh:
        return json.load(fh)["sources"]


def is_lead_in(text: str) -> bool:
    """A lone sentence ending in a colon only introduces what follows it.

    In 001 the lists these lines introduced were lost in capture, so such a
    line states no fact a question could test.
    """
    return text.endswith(":") and not re.search(r"[.!?]\s", text)


def parse_source(meta: dict, directory: Path = SOURCES_DIR) -> ParsedSource:
    raw = (directory / meta["file"]).read_text(encoding="utf-8")
    lines = [line.rstrip() for line in raw.split("\n")]
    if meta.get("stop_at"):
        stops = [i for i, line in enumerate(lines) if line.strip() == meta["stop_at"]]
        if not stops:
            raise SourceFormatError(f"{meta['file']}: stop line {meta['stop_at']!r} not found")
        lines = lines[: stops[0]]

    drop = set(meta.get("drop", []))
    dropping_until = None
    headings = {text: level for text, level in meta.get("headings", [])}
    tables = {t["header"]: t for t in meta.get("tables", [])}
    faq = re.compile(meta["faq_pattern"]) if meta.get("faq_pattern") else None
    untestable = set(meta.get("untestable", []))

    passages: list[ParsedPassage] = []
    toc: list[tuple[str, int, str]] = []
    heading, level, slug = "", 2, "overview"
    counts: dict[str, int] = {}
    seen_headings: set[str] = set()
    table = None
    table_rows: list[list[str]] = []

    def add(kind: str, text: str, extra: dict | None = None) -> None:
        for junk in meta.get("strip", []):
            text = text.replace(junk, "")
        text = fold(text)
        if not text:
            return
        counts[slug] = counts.get(slug, 0) + 1
        anchor = f"{slug}-{counts[slug]}"
        testable = not is_lead_in(text) and text not in untestable
        passages.append(
            ParsedPassage(
                key=f"{meta['slug']}-{anchor}",
                anchor=anchor,
                position=len(passages) + 1,
                kind=kind,
                heading=heading,
                heading_level=level,
                text=text,
                testable=testable,
                extra=extra or {},
            )
        )

    for number, line in enumerate(lines, start=1):
        stripped = fold(line)
        if dropping_until is not None:
            if stripped == dropping_until:
                dropping_until = None
            continue
        if not stripped or stripped in drop:
            continue
        range_start = next((r for r in meta.get("drop_ranges", []) if r[0] == stripped), None)
        if range_start:
            dropping_until = range_start[1]
            continue
        if table is not None:
            if stripped == table["caption"]:
                if len(table_rows) != len(table["rows"]):
                    raise SourceFormatError(f"{meta['file']}: table {table['caption']!r} row count differs")
                table = None
                continue
            cells = table["rows"][len(table_rows)]
            if fold(" ".join(cells)) != stripped:
                raise SourceFormatError(f"{meta['file']}:{number}: cells {cells!r} do not make the line")
            table_rows.append(cells)
            add("table-row", stripped, {"columns": table["columns"], "cells": cells, "caption": table["caption"]})
            continue
        if stripped in tables:
            table, table_rows = tables[stripped], []
            continue
        if stripped in headings or (faq and faq.match(stripped)):
            heading = stripped
            level = headings.get(stripped, 3)
            slug = section_slug(stripped)
            if slug in seen_headings:
                raise SourceFormatError(f"{meta['file']}: two sections share the anchor {slug!r}")
            seen_headings.add(slug)
            toc.append((heading, level, f"{meta['slug']}-{slug}"))
            continue
        if BULLET.match(line):
            add("list-item", BULLET.sub("", line))
        elif faq and heading and faq.match(heading):
            add("faq-answer", stripped)
        else:
            add("paragraph", stripped)

    if dropping_until is not None:
        raise SourceFormatError(f"{meta['file']}: drop range never ended at {dropping_until!r}")
    if table is not None:
        raise SourceFormatError(f"{meta['file']}: table {table['caption']!r} has no caption line")
    missing = set(headings) - {h for h, _, _ in toc}
    if missing:
        raise SourceFormatError(f"{meta['file']}: headings not found: {sorted(missing)}")

    return ParsedSource(
        slug=meta["slug"],
        file=meta["file"],
        title=meta["title"],
        publisher=meta["publisher"],
        byline=meta["byline"],
        date=meta["date"],
        audience=meta["audience"],
        note=meta.get("note", ""),
        passages=passages,
        headings=toc,
    )


def parse_all(directory: Path = SOURCES_DIR) -> list[ParsedSource]:
    return [parse_source(meta, directory) for meta in load_metadata(directory)]
