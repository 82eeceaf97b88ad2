"""The item-writing-flaw screen: rules a test-wise learner could score by, checked on the bank's JSON shape.

Each rule has a name, a one-line reason shown to the author, and says whether the bank rules refuse it yet.
A refused rule is a fault (check_bank fails, an import or an admin save is refused); a rule the shipped bank
does not yet keep is screened: check_bank counts and lists its hits, so the authors can work them down, and
it becomes refused once the bank passes it. The rules follow the item-writing-flaw rubrics used on nursing
exams (Tarrant and colleagues; Moore and colleagues automated them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# British spellings an American-sourced bank should not carry (word stems; quotes are exempt, being verbatim).
BRITISH = re.compile(
    r"\b(tumours?|recognis\w*|localis\w*|organis\w*|summaris\w*|minimis\w*|characteris\w*|colours?|behaviours?"
    r"|centres?|favour\w*|oedema|an?aemi\w*|haem\w*|oestrogen\w*|paediatric\w*|mum|judgement|counselling"
    r"|travelled|labelled|programmes?|practis(e|es|ed|ing))\b",
    re.IGNORECASE,
)
# Absolute words: a test-wise learner rules out the options that carry them.
ABSOLUTE = re.compile(r"\b(always|never|only|must|all|any|completely|cannot|none|every)\b", re.IGNORECASE)
LONGEST_KEY_RATIO = 1.2


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    refused: bool  # False while the shipped bank is still being fixed
    find: Callable[[dict], list[str]]


def _authored_texts(q: dict) -> list[tuple[str, str]]:
    """(where, text) for every text an author wrote (citations' quotes excluded: they are the sources' words)."""
    from quizzes.bank import _rationales

    texts = [("stem", q.get("stem", "")), ("explanation", q.get("explanation", "")),
             ("plain explanation", q.get("plain_explanation", "")), ("template", q.get("template", ""))]  # fmt: skip
    texts += [(f"column {i}", c) for i, c in enumerate(q.get("columns", []), 1)]
    for label, part in _rationales(q):
        texts += [(f"{label} text", part.get("text", "")), (f"{label} rationale", part.get("rationale", ""))]
    return [(where, text) for where, text in texts if text]


def british_spelling(q: dict) -> list[str]:
    return [f"{where}: “{m.group(0)}”" for where, text in _authored_texts(q) for m in BRITISH.finditer(text)]


def _key_and_distractors(q: dict) -> tuple[list[str], list[str]]:
    options = q.get("options") or []
    return [o.get("text", "") for o in options if o.get("correct")], [
        o.get("text", "") for o in options if not o.get("correct")
    ]


def longest_key(q: dict) -> list[str]:
    if q.get("kind") != "single":
        return []
    keys, distractors = _key_and_distractors(q)
    if len(keys) != 1 or not distractors:
        return []
    longest = max(len(d) for d in distractors)
    if len(keys[0]) > LONGEST_KEY_RATIO * longest:
        return [f"the key has {len(keys[0])} characters, the longest distractor {longest}"]
    return []


def absolutes_in_distractors_only(q: dict) -> list[str]:
    if q.get("kind") not in ("single", "multiple"):
        return []
    keys, distractors = _key_and_distractors(q)
    if any(ABSOLUTE.search(k) for k in keys):
        return []
    found = sorted({m.group(0).lower() for d in distractors for m in ABSOLUTE.finditer(d)})
    return [f"only distractors say {', '.join(found)}"] if found else []


RULES = (
    Rule("british-spelling", "Write American English, as the sources do.", True, british_spelling),
    Rule(
        "longest-key",
        "The key is clearly the longest option (over 1.2 times the next); make the options alike in length.",
        True,
        longest_key,
    ),
    Rule(
        "absolutes-in-distractors",
        "Absolute words (always, never, only, all...) are only in wrong options, so they give them away.",
        True,
        absolutes_in_distractors_only,
    ),
)


def screen(q: dict) -> list[tuple[Rule, str]]:
    """Every flaw of one question in the bank's shape: (rule, where and what)."""
    return [(rule, hit) for rule in RULES for hit in rule.find(q)]


def refused(q: dict) -> list[str]:
    """The flaws the bank rules refuse, as fault lines for an author."""
    return [f"{rule.name}: {rule.reason} ({hit})" for rule, hit in screen(q) if rule.refused]
