"""The item-writing-flaw screen: rules a test-wise learner could score by, checked on the bank's JSON shape.

Each rule has a name, a one-line reason shown to the author, and a level. A refused rule is a fault wherever
the bank rules run (check_bank fails, an import or an admin save is refused). A screened rule is a heuristic
that can be wrong about one item: its hits are warnings, an author either fixes the item or accepts the hit
in the question's `accepted` map with a reason an editor can read, and check_bank refuses hits that are not
accepted. Bank-wide measures (`measures`) hold the whole bank to limits no single item can show. The rules
follow the item-writing-flaw rubrics used on nursing exams (Tarrant and colleagues; Moore and colleagues
automated them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from quizzes.kinds import KINDS, kind_of

# British spellings an American-sourced bank should not carry (word stems; quotes are exempt, being verbatim).
BRITISH = re.compile(
    r"\b(tumours?|colours?|behaviours?|favour\w*|honour\w*|labour\w*|neighbour\w*|humour\w*|centres?|litres?"
    r"|metres?|fibres?|oedema|an?aemi\w*|haem\w*|oestrogen\w*|paediatric\w*|orthopaedic\w*|mum|mums|judgement"
    r"|counselling|travelled|labelled|modelling|programmes?|practis(e|es|ed|ing)|analys(e|es|ed|ing)"
    r"|paralys(e|es|ed|ing)|\w+isations?|\w{3,}is(e|es|ed|ing))\b",
    re.IGNORECASE,
)
# American words that end like the British -ise forms above.
AMERICAN_ISE = {
    "advise", "advised", "advises", "advising", "exercise", "exercises", "exercised", "exercising", "otherwise",
    "precise", "concise", "promise", "promised", "promises", "surprise", "surprised", "surprises", "surprising",
    "comprise", "comprises", "comprised", "compromise", "compromised", "supervise", "supervised", "revise",
    "revised", "devise", "devised", "improvise", "expertise", "enterprise", "franchise", "demise", "premise",
    "noise", "raise", "raised", "raises", "raising", "praise", "praised", "cruise", "bruise", "bruised",
    "bruises", "bruising", "poise", "poised", "disguise", "disguised", "despise", "excise", "excised", "incise",
    "arise", "arises", "arising", "arisen", "rise", "rises", "rising", "sunrise", "merchandise", "treatise",
    "likewise", "clockwise", "wise", "anise", "chemise", "reprise", "apprise", "mortise", "turquoise",
    "porpoise", "tortoise", "paradise", "circumcise", "televise", "guise", "elise", "denise", "louise",
    "raisin", "praising", "noises", "noisy", "expertises", "premises", "promising", "bruiser",
}  # fmt: skip
# Absolute words: a test-wise learner rules out the options that carry them.
ABSOLUTE = re.compile(r"\b(always|never|only|must|all|any|completely|cannot|none|every)\b", re.IGNORECASE)
# Vague (hedging) words: true statements are hedged, so a learner picks the hedged option unless wrong ones are too.
VAGUE = re.compile(
    r"\b(may|might|can|could|often|sometimes|some|usually|most|generally|rarely|likely|possibly|perhaps|probably"
    r"|frequently|typically)\b",
    re.IGNORECASE,
)
# "All of the above" and its kin: one known option decides the item.
ALL_NONE = re.compile(
    r"\b(all|none|both|neither) of the (above|these|options|answers)\b|\bboth [a-d] and [a-d]\b|"
    r"\b[a-d] and [a-d] (only|both)\b",
    re.IGNORECASE,
)
# Words that hedge a claim, as the sources do.
HEDGE = re.compile(
    r"\b(may|might|can|could|often|sometimes|some|usually|most|mostly|generally|rarely|likely|unlikely"
    r"|possible|possibly|perhaps|tend|tends|common|commonly|frequently|typically|many|few|several"
    r"|probably|about|around|up to|less|more|not all|chance|risk|help|helps)\b",
    re.IGNORECASE,
)
# Sources named as what they are not: Consensus is an AI search engine's summary, August a health assistant's
# article, and none of the five is a study, a trial or a guideline.
MISNAMED_SOURCE = re.compile(
    r"\b(Consensus|August|WebMD|StayWell|American Cancer Society|ACS)\s+(review|study|studies|trial|guideline"
    r"|guidelines|paper|research|meta-analysis)\b|\b(the|a) (review|study|trial|guideline)s? (says|say|shows?"
    r"|finds?|found|states?)\b",
    re.IGNORECASE,
)
# A rationale that only reports who said it instead of explaining why.
SOURCE_SAYS = re.compile(
    r"\b(August|WebMD|StayWell|Consensus|ACS|American Cancer Society|the (article|blog|page|summary|feature"
    r"|health library))\s+(says|said|states|stated|notes|noted|mentions|lists|reports|writes|tells)\b",
    re.IGNORECASE,
)
# A distractor's rationale says why someone might choose it: the misconception it stands for.
MISCONCEPTION = re.compile(
    r"\b(might|may (seem|think|sound|look|feel|be tempting)|can (seem|sound|look|feel)|seems?|sounds?|looks?"
    r" like|tempting|easy to|mix(es|ed)? up|confus\w*|mistak\w*|think\w*|thought|believ\w*|assum\w*|expect\w*"
    r"|plausible|true|real|related|part of|also|does happen|do happen|can happen|not the|rather than|instead"
    r"|but|though|although|while|unlike|opposite|reverse|wrong way|backwards|the other|another|different)\b",
    re.IGNORECASE,
)
# Negative words in a question's ask; they must be emphasized (NOT, EXCEPT) so no one misreads the item.
NEGATIVE = re.compile(r"\b(not|except|least|false)\b")
EMPHASIZED_NEGATIVE = re.compile(r"\b(NOT|EXCEPT|LEAST|FALSE)\b|\*\*?(not|except|least|false)\*\*?")
# Red flags from the sources: findings a patient must report to the care team right away.
RED_FLAGS = {
    "back pain": r"\bback (pain|hurts?)\b|\bpain in (the|your|my|her|his) back\b",
    "numb or weak legs": r"\b(numb\w*|weak\w*|tingl\w*)\b[^.?!]{0,40}\b(legs?|arms?|feet|belly)\b"
    r"|\b(legs?|arms?|feet|belly)\b[^.?!]{0,40}\b(numb\w*|weak\w*|tingl\w*)\b|\bparaly\w*",
    "trouble passing urine or stool": r"\b(bladder|bowel|urine|urinat\w*|pee\w*|stool|poop\w*)\b",
    "confusion": r"\bconfus\w*",
    "extreme thirst": r"\bthirst\w*",
    "nausea or constipation from high calcium": r"\b(nausea|vomit\w*|constipat\w*|high calcium|hypercalc\w*)",
    # "Bones may break", not "osteoclasts break bone down": remodeling is not a red flag.
    "a possible broken bone": r"\b(broken|fractur\w*)\b"
    r"|\bbones?\b[^.?!]{0,30}\bbreak(s|ing)?\b(?!\s+(it\s+|them\s+)?down)",
    "fever or infection": r"\b(fevers?|chills|infections?)\b",
    "pain that is new, worse or not controlled": r"\b(pains?|aches?)\b[^.?!]{0,40}\b(not (controlled|helped|better"
    r"|under control)|worse\w*|severe)\b|\b(severe|worse\w*|uncontrolled|new)\b[^.?!]{0,20}\b(pains?|aches?)\b",
}
RED_FLAG = re.compile("|".join(f"(?:{p})" for p in RED_FLAGS.values()), re.IGNORECASE)
# "Contact the care team right away", in words the sources support ("discuss ... with your healthcare provider
# right away"; "require immediate medical attention").
URGENT = re.compile(r"\b(right away|right now|at once|immediately|urgent\w*|emergency|without delay)\b", re.I)
CONTACT = re.compile(
    r"\b(call|contact|tell|phone|reach|get|seek|see|talk to|let)\b[^.?!]{0,40}\b(care team|team|doctor|nurse"
    r"|healthcare provider|provider|help|medical (care|attention|help)|911)\b",
    re.IGNORECASE,
)
# Patient text must not rank one red flag below another (no source does).
RANKS_URGENCY = re.compile(
    r"\b(less|not as|not so|not very) (urgent|serious|important|worrying|dangerous)\b|\bcan wait\b|\bnot urgent"
    r"|\bmatters? too,? but\b|\bpoints? to other problems\b|\bnot an emergency\b|\bnothing to worry\b"
    r"|\bno need to (call|tell|worry)\b",
    re.IGNORECASE,
)
STOPWORDS = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "which",
        "what",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "than",
        "then",
        "so",
        "such",
        "can",
        "may",
        "might",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "do",
        "does",
        "did",
        "not",
        "no",
        "nor",
        "if",
        "into",
        "out",
        "up",
        "down",
        "over",
        "under",
        "about",
        "after",
        "before",
        "most",
        "more",
        "less",
        "some",
        "any",
        "all",
        "each",
        "every",
        "other",
        "another",
        "their",
        "there",
        "they",
        "them",
        "her",
        "his",
        "she",
        "he",
        "you",
        "your",
        "we",
        "our",
        "us",
        "i",
        "me",
        "my",
        "one",
        "two",
        "three",
        "has",
        "have",
        "had",
        "also",
        "very",
        "just",
        "only",
        "often",
    ]
)
LONGEST_KEY_RATIO = 1.2
# Hedge words too common in plain statements to mark a hedge the restatement must keep.
WEAK_HEDGES = {"more", "less", "about", "help", "helps", "around", "many", "common", "commonly", "risk", "chance"}
UNEQUAL_LENGTH_RATIO = 3.5


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    level: str  # "refused": a fault; "screened": a warning to fix or accept with a reason
    find: Callable[[dict], list[str]]

    @property
    def refused(self) -> bool:
        return self.level == "refused"


def _stem(w: str) -> str:
    """A crude stem: "bones" and "bone" meet, "passes" and "pass", "spreading" and "spread"."""
    if w.endswith(("sses", "xes", "zes", "ches", "shes")):
        return w[:-2]
    for suffix in ("ing", "ed", "s"):
        if w.endswith(suffix) and not w.endswith("ss") and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


def _kind(q: dict):
    """The kind of a question in the bank's shape, which says what the rules may assume of its options."""
    return kind_of(q.get("kind"))


def words(text: str) -> set[str]:
    """Content words of a text, folded to a crude stem so "bones" meets "bone" and "spreading" meets "spread"."""
    out = set()
    for w in re.findall(r"[a-z][a-z'-]+", text.lower()):
        if w in STOPWORDS or len(w) < 3:
            continue
        out.add(_stem(w))
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


def _authored_texts(q: dict) -> list[tuple[str, str]]:
    """(where, text) for every text an author wrote (citations' quotes excluded: they are the sources' words)."""
    texts = [("stem", q.get("stem", "")), ("explanation", q.get("explanation", "")),
             ("plain explanation", q.get("plain_explanation", "")), ("template", q.get("template", ""))]  # fmt: skip
    texts += [(f"column {i}", c) for i, c in enumerate(q.get("columns", []), 1)]
    for label, part in _kind(q).answer_parts(q):
        texts += [(f"{label} text", part.get("text", "")), (f"{label} rationale", part.get("rationale", ""))]
    return [(where, text) for where, text in texts if text]


def british_spelling(q: dict) -> list[str]:
    return [
        f"{where}: “{m.group(0)}”"
        for where, text in _authored_texts(q)
        for m in BRITISH.finditer(text)
        if m.group(0).lower() not in AMERICAN_ISE
    ]


def _key_and_distractors(q: dict) -> tuple[list[str], list[str]]:
    options = q.get("options") or []
    return [o.get("text", "") for o in options if o.get("correct")], [
        o.get("text", "") for o in options if not o.get("correct")
    ]


def longest_key(q: dict) -> list[str]:
    if not _kind(q).one_key:
        return []
    keys, distractors = _key_and_distractors(q)
    if len(keys) != 1 or not distractors:
        return []
    longest = max(len(d) for d in distractors)
    if len(keys[0]) > LONGEST_KEY_RATIO * longest:
        return [f"the key has {len(keys[0])} characters, the longest distractor {longest}"]
    return []


def absolutes_in_distractors_only(q: dict) -> list[str]:
    if not _kind(q).distractors:
        return []
    keys, distractors = _key_and_distractors(q)
    if any(ABSOLUTE.search(k) for k in keys):
        return []
    found = sorted({m.group(0).lower() for d in distractors for m in ABSOLUTE.finditer(d)})
    return [f"only distractors say {', '.join(found)}"] if found else []


def vague_in_keys_only(q: dict) -> list[str]:
    """The mirror of absolutes: only the key hedges (may, often, some...), so the hedge points to it."""
    if not _kind(q).one_key:
        return []
    keys, distractors = _key_and_distractors(q)
    if any(VAGUE.search(d) for d in distractors):
        return []
    found = sorted({m.group(0).lower() for k in keys for m in VAGUE.finditer(k)})
    return [f"only the key says {', '.join(found)}"] if found else []


def all_or_none_of_the_above(q: dict) -> list[str]:
    return [f"“{m.group(0)}”" for text in _kind(q).answer_texts(q) for m in ALL_NONE.finditer(text)]


def key_echoes_stem(q: dict) -> list[str]:
    """Clang association: the key repeats a word of the stem that no distractor repeats."""
    if not _kind(q).distractors:
        return []
    keys, distractors = _key_and_distractors(q)
    stem = words(q.get("stem", ""))
    echoed = set().union(*(words(k) & stem for k in keys)) if keys else set()
    echoed -= set().union(*(words(d) for d in distractors)) if distractors else set()
    return [f"only the key repeats the stem's {', '.join(sorted(echoed))}"] if echoed else []


def grammatical_cue(q: dict) -> list[str]:
    """The stem's last words fit some options' grammar only (a/an, is/are before the options)."""
    kind = _kind(q)
    if not kind.distractors:
        return []
    stem = q.get("stem", "").rstrip().rstrip(":.?…_ ")
    last = stem.split()[-1].lower() if stem.split() else ""
    options = [t.strip() for t in kind.answer_texts(q) if t.strip()]
    if last == "an":
        misfits = [t for t in options if t[0].lower() not in "aeiou"]
    elif last == "a":
        misfits = [t for t in options if t[0].lower() in "aeiou"]
    else:
        return []
    return [f"the stem ends in “{last}”, which does not fit “{t}”" for t in misfits]


def convergence(q: dict) -> list[str]:
    """The key shares the most words with the other options, so it sits where the options converge."""
    if not _kind(q).one_key:
        return []
    options = q.get("options") or []
    if len(options) < 4:
        return []
    shared = []
    for o in options:
        mine = words(o.get("text", ""))
        shared.append(sum(len(mine & words(other.get("text", ""))) for other in options if other is not o))
    keys = [s for s, o in zip(shared, options, strict=True) if o.get("correct")]
    others = [s for s, o in zip(shared, options, strict=True) if not o.get("correct")]
    if len(keys) == 1 and keys[0] >= 3 and keys[0] > max(others):
        return [f"the key shares {keys[0]} words with the other options, no distractor more than {max(others)}"]
    return []


def _ask(stem: str) -> str:
    """The sentence that asks (a question or an instruction), where a negative changes the task."""
    sentences = _sentences(stem)
    asking = [s for s in sentences if s.endswith("?")]
    return asking[-1] if asking else (sentences[-1] if sentences else "")


def negative_stem(q: dict) -> list[str]:
    ask = _ask(q.get("stem", ""))
    if _kind(q).statement or EMPHASIZED_NEGATIVE.search(ask):
        return []
    found = NEGATIVE.findall(ask)
    return [f"“{w}” in the ask is not emphasized (write it as {w.upper()})" for w in found]


def implausible_distractor(q: dict) -> list[str]:
    """A distractor's rationale must say what someone who picks it may be thinking, not only that it is wrong."""
    if not _kind(q).distractors:
        return []
    return [
        f"option {i} (“{o.get('text', '')[:50]}”): its rationale names no misconception"
        for i, o in enumerate(q.get("options") or [], 1)
        if not o.get("correct") and not MISCONCEPTION.search(o.get("rationale", ""))
    ]


def unequal_length(q: dict) -> list[str]:
    if not _kind(q).distractors:
        return []
    lengths = [len(o.get("text", "")) for o in q.get("options") or []]
    if len(lengths) < 3 or min(lengths) == 0:
        return []
    if max(lengths) > UNEQUAL_LENGTH_RATIO * min(lengths) and max(lengths) - min(lengths) > 25:
        return [f"options run from {min(lengths)} to {max(lengths)} characters"]
    return []


def giveaway_rated_hard(q: dict) -> list[str]:
    """Two options, or an order whose ends the stem gives, cannot be the hardest items (the kind says why)."""
    if q.get("difficulty") != 3:
        return []
    return _kind(q).given_away(q)


def _cited_statements(q: dict) -> list[tuple[str, str, list[dict]]]:
    """(where, statement, the citations that support it) for the explanations and every rationale."""
    question = q.get("citations") or []
    out = [("explanation", q.get("explanation", ""), question),
           ("plain explanation", q.get("plain_explanation", ""), question)]  # fmt: skip
    for label, part in _kind(q).answer_parts(q):
        out.append((f"{label} rationale", part.get("rationale", ""), part.get("citations") or question))
    return [(where, text, cites) for where, text, cites in out if text]


def hedge_dropped(q: dict) -> list[str]:
    """A cited sentence hedges (may, often, some...) and the sentence of ours that restates it does not."""
    found = []
    for where, text, cites in _cited_statements(q):
        ours = [(s, words(s)) for s in _sentences(text)]
        for cite in cites:
            for theirs in _sentences(cite.get("quote", "")):
                hedges = {h.lower() for h in HEDGE.findall(theirs)} - WEAK_HEDGES
                if not hedges:
                    continue
                said = words(theirs)
                for sentence, mine in ours:
                    shared = mine & said
                    # Restating: most of our sentence's words come from the hedged sentence.
                    if len(shared) >= 3 and len(shared) >= 0.5 * len(mine) and not HEDGE.search(sentence):
                        hedged = ", ".join(sorted(hedges))
                        found.append(f"{where} states as certain “{sentence[:70]}”; the quote says {hedged}")
    return sorted(set(found))


def misnamed_source(q: dict) -> list[str]:
    return [f"{where}: “{m.group(0)}”" for where, text in _authored_texts(q) for m in MISNAMED_SOURCE.finditer(text)]


def source_says(q: dict) -> list[str]:
    return [f"{where}: “{m.group(0)}”" for where, text in _authored_texts(q) for m in SOURCE_SAYS.finditer(text)]


def citation_off_claim(q: dict) -> list[str]:
    """A rationale with its own citations shares almost no words with them: the passage may not say it."""
    found = []
    for label, part in _kind(q).answer_parts(q):
        cites = part.get("citations") or []
        claim = words(part.get("rationale", ""))
        if not cites or len(claim) < 4:
            continue
        quoted = set().union(*(words(c.get("quote", "")) for c in cites))
        if len(claim & quoted) < 2:
            found.append(f"{label}: its rationale shares {len(claim & quoted)} word(s) with its citations")
    return found


def red_flag_without_urgency(q: dict) -> list[str]:
    """A patient question that mentions a red flag says, in its plain explanation, to get help right away."""
    from quizzes.bank import patient_text

    if q.get("audience") not in ("patient", "both"):
        return []
    text = patient_text(q)
    flags = sorted({name for name, pattern in RED_FLAGS.items() if re.search(pattern, text, re.I)})
    plain = q.get("plain_explanation", "")
    if flags and not (URGENT.search(plain) and CONTACT.search(plain)):
        return [f"it mentions {', '.join(flags)}; the plain explanation must say to contact the care team right away"]
    return []


def ranks_red_flags(q: dict) -> list[str]:
    if q.get("audience") not in ("patient", "both"):
        return []
    return [f"{where}: “{m.group(0)}”" for where, text in _authored_texts(q) for m in RANKS_URGENCY.finditer(text)]


REFUSED, SCREENED = "refused", "screened"


def _kind_rules(level: str) -> tuple[Rule, ...]:
    """The rules of one kind's own shape (a matrix's columns, an ordering's steps), from quizzes/kinds/; each
    screens only questions of its kind."""
    return tuple(
        Rule(name, reason, level, _of_kind(kind.name, find))
        for kind in KINDS.values()
        for name, reason, rule_level, find in kind.flaw_rules
        if rule_level == level
    )


def _of_kind(name: str, find: Callable[[dict], list[str]]) -> Callable[[dict], list[str]]:
    return lambda q: find(q) if q.get("kind") == name else []


RULES = (
    Rule("british-spelling", "Write American English, as the sources do.", REFUSED, british_spelling),
    Rule(
        "longest-key",
        "The key is clearly the longest option (over 1.2 times the next); make the options alike in length.",
        REFUSED,
        longest_key,
    ),
    Rule(
        "absolutes-in-distractors",
        "Absolute words (always, never, only, all...) are only in wrong options, so they give them away.",
        REFUSED,
        absolutes_in_distractors_only,
    ),
    Rule(
        "vague-in-key",
        "Only the key hedges (may, often, some...); hedge a wrong option too, so the hedge does not point to the key.",
        SCREENED,
        vague_in_keys_only,
    ),
    Rule(
        "all-none-of-the-above",
        "All/none of the above and “both A and B” let one known option decide the item; write real options.",
        REFUSED,
        all_or_none_of_the_above,
    ),
    Rule(
        "grammatical-cue",
        "The stem's grammar (a/an) fits only some options; end the stem so all fit.",
        REFUSED,
        grammatical_cue,
    ),  # fmt: skip
    Rule(
        "negative-stem",
        "A negative ask (not, except) must be emphasized in capitals so no one misreads it.",
        REFUSED,
        negative_stem,
    ),  # fmt: skip
    *_kind_rules(REFUSED),
    Rule(
        "misnamed-source",
        "Name a source as what it is (Consensus is an AI search engine's summary; August a "
        "health assistant's article); none is a study, trial or guideline.",
        REFUSED,
        misnamed_source,
    ),  # fmt: skip
    Rule("source-says", "Explain the reasoning; “X says” tells the learner who, not why.", REFUSED, source_says),
    Rule(
        "red-flag-urgency",
        "A patient item that mentions a red flag says in its plain explanation to contact the care team right away.",
        REFUSED,
        red_flag_without_urgency,
    ),  # fmt: skip
    Rule(
        "ranks-red-flags",
        "Patient text must not rank one red flag as less urgent than another.",
        REFUSED,
        ranks_red_flags,
    ),  # fmt: skip
    Rule(
        "giveaway-rated-hard",
        "An item the format or the stem gives away is not difficulty 3.",
        REFUSED,
        giveaway_rated_hard,
    ),  # fmt: skip
    Rule(
        "key-echoes-stem", "Only the key repeats words of the stem (clang association).", SCREENED, key_echoes_stem
    ),  # fmt: skip
    Rule(
        "convergence",
        "The key shares the most words with the other options, so it is where they converge.",
        SCREENED,
        convergence,
    ),  # fmt: skip
    Rule(
        "implausible-distractor",
        "Each distractor's rationale says why someone might pick it (the "
        "misconception), so every distractor is one a learner could hold.",
        SCREENED,
        implausible_distractor,
    ),  # fmt: skip
    Rule(
        "unequal-length",
        "The options differ greatly in length; write them alike in length and structure.",
        SCREENED,
        unequal_length,
    ),  # fmt: skip
    *_kind_rules(SCREENED),
    Rule(
        "hedge-dropped",
        "The cited quote hedges (may, often, some...); keep the hedge in what restates it.",
        SCREENED,
        hedge_dropped,
    ),  # fmt: skip
    Rule(
        "citation-off-claim",
        "The rationale shares almost no words with its citations; cite what says it.",
        SCREENED,
        citation_off_claim,
    ),  # fmt: skip
)
BY_NAME = {rule.name: rule for rule in RULES}


def screen(q: dict) -> list[tuple[Rule, str]]:
    """Every flaw of one question in the bank's shape: (rule, where and what)."""
    return [(rule, hit) for rule in RULES for hit in rule.find(q)]


def accepted(q: dict) -> dict[str, str]:
    """The screened rules an editor accepted for this question, with the reason."""
    value = q.get("accepted") or {}
    return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def sorted_out(q: dict) -> tuple[list[tuple[Rule, str]], list[tuple[Rule, str, str]]]:
    """The screen's findings in two: (errors, kept). Errors are refused rules' hits and screened ones no editor
    accepted; kept are the screened hits an editor accepted, with the reason."""
    ok = accepted(q)
    errors, kept = [], []
    for rule, hit in screen(q):
        if rule.refused or rule.name not in ok:
            errors.append((rule, hit))
        else:
            kept.append((rule, hit, ok[rule.name]))
    return errors, kept


def refused(q: dict) -> list[str]:
    """The flaws the bank rules refuse, as fault lines for an author: refused rules, and screened ones that no
    editor accepted with a reason."""
    ok = accepted(q)
    faults = [f"{rule.name}: {rule.reason} ({hit})" for rule, hit in sorted_out(q)[0]]
    for name, reason in ok.items():
        if name not in BY_NAME or BY_NAME[name].refused:
            faults.append(f"accepted: {name!r} is not a screened rule that can be accepted")
        elif not reason.strip():
            faults.append(f"accepted: {name} needs a reason an editor can read")
    return faults


def warnings(q: dict) -> list[str]:
    """The screened flaws an editor accepted: still shown to authors, with the reason they were kept."""
    return [f"{rule.name}: {hit} — accepted: {reason}" for rule, hit, reason in sorted_out(q)[1]]


# A bank-wide share means something only over enough items; a small import is judged item by item.
MIN_ITEMS_MEASURED = 10


@dataclass(frozen=True)
class Measure:
    name: str
    value: float
    limit: float
    unit: str  # "%" or "pp" or ""
    items: int = MIN_ITEMS_MEASURED  # how many items the measure is over
    # A cue runs both ways: keys that are never the longest (or always the shorter) give themselves away too.
    low: float | None = None

    @property
    def ok(self) -> bool:
        within = self.value <= self.limit and (self.low is None or self.value >= self.low)
        return within or (self.unit != "" and self.items < MIN_ITEMS_MEASURED)

    def __str__(self) -> str:
        bounds = f"{self.low:g} to {self.limit:g}" if self.low is not None else f"{self.limit:g}"
        verdict = "" if self.ok else " — OVER" if self.value > self.limit else " — UNDER"
        return f"{self.name}: {self.value:.1f}{self.unit} (limit {bounds}{self.unit}){verdict}"


def _share(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def measures(questions: list[dict]) -> list[Measure]:
    """Bank-wide measures, each with its limit: what a test-wise learner could exploit across many items."""
    singles = [q for q in questions if _kind(q).one_key]
    choice = [q for q in questions if _kind(q).distractors]
    longest = 0
    for q in singles:
        keys, distractors = _key_and_distractors(q)
        if len(keys) == 1 and distractors and len(keys[0]) > max(len(d) for d in distractors):
            longest += 1
    keys = [k for q in choice for k in _key_and_distractors(q)[0]]
    distractors = [d for q in choice for d in _key_and_distractors(q)[1]]
    absolute_gap = _share(sum(bool(ABSOLUTE.search(d)) for d in distractors), len(distractors)) - _share(
        sum(bool(ABSOLUTE.search(k)) for k in keys), len(keys)
    )
    vague_gap = _share(sum(bool(VAGUE.search(k)) for k in keys), len(keys)) - _share(
        sum(bool(VAGUE.search(d)) for d in distractors), len(distractors)
    )
    several = [q for q in choice if not _kind(q).one_key]  # select all that apply
    multiples = [_key_and_distractors(q) for q in several]
    key_len = sum(len(k) for ks, _ in multiples for k in ks) / max(sum(len(ks) for ks, _ in multiples), 1)
    other_len = sum(len(d) for _, ds in multiples for d in ds) / max(sum(len(ds) for _, ds in multiples), 1)
    true_false = [q for q in questions if _kind(q).statement]
    false_keys = sum(
        1 for q in true_false for o in q.get("options") or [] if o.get("correct") and o.get("text") == "False"
    )
    return [
        Measure(
            "single-best-answer items whose key is the longest option",
            _share(longest, len(singles)),
            30,
            "%",
            len(singles),
            low=10,
        ),
        Measure("absolute terms in distractors minus in keys", absolute_gap, 3, " pp", len(choice)),
        Measure("vague terms in keys minus in distractors", vague_gap, 5, " pp", len(choice)),
        Measure(
            "select-all keys' mean length over distractors'",
            100 * key_len / max(other_len, 1) - 100,
            15,
            "%",
            len(multiples),
            low=-15,
        ),
        Measure("items with all/none of the above", sum(bool(all_or_none_of_the_above(q)) for q in questions), 0, ""),
        Measure(
            "choice items whose key alone echoes the stem",
            _share(sum(bool(key_echoes_stem(q)) for q in choice), len(choice)),
            15,
            "%",
            len(choice),
        ),
        Measure("British spellings", sum(len(british_spelling(q)) for q in questions), 0, ""),
        Measure(
            "true/false items keyed False, away from half",
            abs(_share(false_keys, len(true_false)) - 50),
            15,
            " pp",
            len(true_false),
        ),
    ]
