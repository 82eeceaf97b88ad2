"""The item-writing-flaw screen (quizzes/flaws.py): each rule with a flawed and a clean example, and where the
refused ones are refused (check_bank, imports, the admin)."""

import copy

import pytest

from quizzes import flaws
from quizzes.bank import check, fixture_bank, question_faults
from tests.test_bank_rules import GOOD, PASSAGES


def question(**changes) -> dict:
    q = copy.deepcopy(GOOD)
    q.update(changes)
    return q


def options(key: str, *distractors: str) -> list[dict]:
    return [{"text": key, "correct": True, "rationale": "Why it is right."}] + [
        {"text": d, "correct": False, "rationale": "Why it is wrong."} for d in distractors
    ]


def hits(rule_name: str, q: dict) -> list[str]:
    return next(rule for rule in flaws.RULES if rule.name == rule_name).find(q)


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"explanation": "Tumours can spread to bone."}, "explanation: “Tumours”"),
        ({"stem": "What does the review summarise?"}, "stem: “summarise”"),
        ({"plain_explanation": "Your mum's care team can help."}, "plain explanation: “mum”"),
        ({"options": options("Osteoblasts", "Recognising cells", "Platelets")}, "option 2 text: “Recognising”"),
    ],
)
def test_british_spelling_is_found_in_what_authors_write(changes, where):
    assert hits("british-spelling", question(**changes)) == [where]


def test_american_spelling_and_british_words_in_quotes_pass():
    clean = question(explanation="Tumors can spread to bone; recognizing the signs helps.")
    assert hits("british-spelling", clean) == []
    quoted = question(citations=[{"passage": "p-1", "quote": "tumours"}])  # a quote is the source's own words
    assert hits("british-spelling", quoted) == []


def test_british_spelling_is_refused_by_the_bank_rules():
    faults = question_faults(question(explanation="Tumours can spread to bone."), PASSAGES, {"basics"})
    assert faults == ["british-spelling: Write American English, as the sources do. (explanation: “Tumours”)"]


def test_a_key_much_longer_than_every_distractor_is_found():
    flawed = question(options=options("Cells that lay down new bone matrix", "Osteoclasts", "Platelets"))
    assert hits("longest-key", flawed) == ["the key has 35 characters, the longest distractor 11"]
    even = question(options=options("Osteoblasts", "Osteoclasts", "Red blood cells"))
    assert hits("longest-key", even) == []


def test_absolutes_only_in_distractors_are_found():
    flawed = question(options=options("Osteoblasts", "Always osteoclasts", "Never platelets"))
    assert hits("absolutes-in-distractors", flawed) == ["only distractors say always, never"]
    balanced = question(options=options("Only osteoblasts", "Always osteoclasts", "Platelets"))
    assert hits("absolutes-in-distractors", balanced) == []
    assert hits("absolutes-in-distractors", question()) == []


def test_a_screened_rule_is_counted_in_the_summary_and_does_not_fail_the_check(monkeypatch):
    """A new rule starts screened while the bank is fixed, then becomes refused."""
    import dataclasses

    screened = tuple(dataclasses.replace(r, refused=False) if r.name == "longest-key" else r for r in flaws.RULES)
    monkeypatch.setattr(flaws, "RULES", screened)
    flawed = question(id="basics-flawed", options=options("Cells that lay down new bone matrix", "Osteoclasts", "X"))
    bank = {
        "topics": [{"slug": "basics"}],
        "sources": [{"passages": [{"id": k, "text": v} for k, v in PASSAGES.items()]}],
        "questions": [flawed],
    }
    report = check(bank)
    assert report.ok and report.screened["longest-key"] == ["basics-flawed"]
    assert any(line.startswith("screened, not yet refused: longest-key in 1 question(s)") for line in report.summary)


def test_the_shipped_bank_keeps_every_refused_rule(db):
    report = check(fixture_bank())
    assert not [f for f in report.faults if "british-spelling" in f]


@pytest.mark.parametrize("rule", [r.name for r in flaws.RULES])
def test_every_rule_is_refused_now_and_the_shipped_bank_keeps_it(rule, db):
    assert next(r for r in flaws.RULES if r.name == rule).refused
    bank = fixture_bank()
    assert [q["id"] for q in bank["questions"] if hits(rule, q)] == []


def test_a_flawed_question_is_refused_with_the_rule_and_its_reason():
    flawed = question(options=options("Cells that lay down new bone matrix", "Osteoclasts", "Platelets"))
    faults = question_faults(flawed, PASSAGES, {"basics"})
    assert faults == [
        "longest-key: The key is clearly the longest option (over 1.2 times the next); make the options alike in "
        "length. (the key has 35 characters, the longest distractor 11)"
    ]
