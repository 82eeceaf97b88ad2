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


def test_the_shipped_bank_keeps_every_rule_and_every_measure(db):
    bank = fixture_bank()
    report = check(bank)
    assert [f for f in report.faults if ": " in f] == []
    for measure in flaws.measures(bank["questions"]):
        assert measure.ok, str(measure)
        assert f"{measure.name}: " in "\n".join(report.summary)


@pytest.mark.parametrize("rule", [r.name for r in flaws.RULES])
def test_the_shipped_bank_has_no_unaccepted_hit_of_any_rule(rule, db):
    bank = fixture_bank()
    assert [q["id"] for q in bank["questions"] if hits(rule, q) and rule not in flaws.accepted(q)] == []


def test_every_accepted_flaw_in_the_bank_names_a_screened_rule_with_a_reason(db):
    for q in fixture_bank()["questions"]:
        for name, reason in flaws.accepted(q).items():
            assert not flaws.BY_NAME[name].refused, (q["id"], name)
            assert len(reason.split()) >= 5, (q["id"], name)  # a reason an editor can read
            assert hits(name, q), (q["id"], name)  # nothing accepted that is not there


def test_a_flawed_question_is_refused_with_the_rule_and_its_reason():
    flawed = question(options=options("Cells that lay down new bone matrix", "Osteoclasts", "Platelets"))
    faults = question_faults(flawed, PASSAGES, {"basics"})
    assert faults[0] == (
        "longest-key: The key is clearly the longest option (over 1.2 times the next); make the options alike in "
        "length. (the key has 35 characters, the longest distractor 11)"
    )
    assert {f.split(":")[0] for f in faults} <= {rule.name for rule in flaws.RULES}


def test_all_or_none_of_the_above_and_both_a_and_b_are_found():
    flawed = question(options=options("All of the above", "Osteoclasts", "Platelets"))
    assert hits("all-none-of-the-above", flawed) == ["“All of the above”"]
    assert hits("all-none-of-the-above", question(options=options("Both A and B", "Osteoclasts", "X"))) != []
    assert hits("all-none-of-the-above", question()) == []


def test_a_key_that_alone_repeats_the_stem_is_found():
    flawed = question(
        stem="Which cells build new bone?", options=options("Cells that build", "Osteoclasts", "Red cells")
    )
    assert hits("key-echoes-stem", flawed) == ["only the key repeats the stem's build"]
    shared = question(
        stem="Which cells build new bone?", options=options("Cells that build", "Cells that build nothing", "X")
    )
    assert hits("key-echoes-stem", shared) == []  # a distractor repeats the stem's words too
    assert hits("key-echoes-stem", question()) == []


def test_a_and_an_at_the_end_of_the_stem_cue_the_options_that_fit():
    flawed = question(stem="Bone is built by an", options=options("osteoblast", "platelet", "enzyme"))
    assert hits("grammatical-cue", flawed) == ["the stem ends in “an”, which does not fit “platelet”"]
    assert hits("grammatical-cue", question(stem="Bone is built by which cell?")) == []


def test_a_key_where_the_options_converge_is_found():
    flawed = question(
        options=options("Cancer cells break bone", "Cancer cells rest", "Bone cells break", "Platelets clot")
    )
    assert hits("convergence", flawed) == ["the key shares 5 words with the other options, no distractor more than 4"]
    even = question(options=options("Osteoblasts", "Osteoclasts", "Platelets", "Red blood cells"))
    assert hits("convergence", even) == []


def test_a_negative_ask_must_be_emphasized():
    flawed = question(stem="Lena has pain. Which is not a sign of anemia?")
    assert hits("negative-stem", flawed) == ["“not” in the ask is not emphasized (write it as NOT)"]
    assert hits("negative-stem", question(stem="Lena has pain. Which is NOT a sign of anemia?")) == []
    # A "not" in the scenario is not the ask.
    assert hits("negative-stem", question(stem="Rest does not help her pain. Which sign is this?")) == []


def test_a_distractor_whose_rationale_names_no_misconception_is_implausible():
    flawed = question(options=options("Osteoblasts", "Osteoclasts", "Platelets"))
    assert hits("implausible-distractor", flawed) == [
        "option 2 (“Osteoclasts”): its rationale names no misconception",
        "option 3 (“Platelets”): its rationale names no misconception",
    ]
    assert hits("implausible-distractor", question()) == []


def test_options_of_very_unequal_length_are_found():
    flawed = question(options=options("Osteoblasts", "Cells that remove old bone from the skeleton", "Red"))
    assert hits("unequal-length", flawed) == ["options run from 3 to 44 characters"]
    assert hits("unequal-length", question()) == []


def matrix(*answers: str) -> dict:
    return question(
        kind="matrix",
        options=None,
        columns=["Osteolytic", "Osteoblastic"],
        rows=[{"text": f"Row {i}", "answer": a, "rationale": "Why."} for i, a in enumerate(answers, 1)],
    )


def test_matrix_rows_in_column_order_and_one_column_answering_all_are_found():
    assert hits("matrix-column-order", matrix("Osteolytic", "Osteolytic", "Osteoblastic")) == [
        "the rows are in the order of their answers' columns"
    ]
    assert hits("matrix-column-order", matrix("Osteoblastic", "Osteolytic", "Osteoblastic")) == []
    lopsided = matrix("Osteoblastic", "Osteolytic", "Osteolytic", "Osteolytic", "Osteolytic")
    assert hits("matrix-one-column", lopsided) == ["“Osteolytic” answers 4 of 5 rows"]
    assert hits("matrix-one-column", matrix("Osteoblastic", "Osteolytic", "Osteolytic", "Osteoblastic")) == []


def ordering(stem: str, difficulty: int = 2) -> dict:
    steps = ["Cancer spreads to the spine", "The tumor squeezes the cord", "Legs feel weak", "Paralysis follows"]
    return question(kind="ordering", options=None, stem=stem, difficulty=difficulty,
                    items=[{"text": t, "rationale": "Why."} for t in steps])  # fmt: skip


def test_an_ordering_stem_that_names_the_first_or_last_step_is_found():
    flawed = ordering("Starting when cancer spreads to the spine, put the steps in order.")
    assert hits("ordering-giveaway", flawed) == ["the stem repeats the first step (“Cancer spreads to the spine”)"]
    assert hits("ordering-giveaway", ordering("Put these steps in the order they happen.")) == []


def test_an_item_the_format_or_stem_gives_away_is_not_rated_hard():
    assert hits("giveaway-rated-hard", question(kind="true_false", difficulty=3)) == ["a true/false item is rated 3"]
    assert hits("giveaway-rated-hard", ordering("Starting when cancer spreads to the spine, order them.", 3)) != []
    assert hits("giveaway-rated-hard", ordering("Put these steps in the order they happen.", 3)) == []
    assert hits("giveaway-rated-hard", question(kind="true_false", difficulty=2)) == []


def test_a_statement_that_drops_its_quotes_hedge_is_found():
    cite = [{"passage": "p-1", "quote": "Bone metastasis may cause severe bone pain in the spine."}]
    flawed = question(explanation="Bone metastasis causes severe bone pain.", citations=cite)
    assert hits("hedge-dropped", flawed) == [
        "explanation states as certain “Bone metastasis causes severe bone pain.”; the quote says may"
    ]
    kept = question(explanation="Bone metastasis can cause severe bone pain.", citations=cite)
    assert hits("hedge-dropped", kept) == []


def test_sources_named_as_what_they_are_not_and_who_said_it_rationales_are_found():
    assert hits("misnamed-source", question(explanation="The Consensus review lists four types.")) == [
        "explanation: “Consensus review”"
    ]
    assert hits("misnamed-source", question(explanation="Consensus, an AI search engine's summary, lists them.")) == []
    says = question(options=options("Osteoblasts", "Osteoclasts", "X"))
    says["options"][1]["rationale"] = "August says osteoclasts break bone down."
    assert hits("source-says", says) == ["option 2 rationale: “August says”"]
    assert hits("source-says", question()) == []


def test_a_rationale_that_shares_nothing_with_its_citations_is_found():
    flawed = question()
    flawed["options"][1]["citations"] = [{"passage": "p-1", "quote": "Osteoblasts are cells that build new bone."}]
    flawed["options"][1]["rationale"] = "Platelets clot blood during an injury."
    assert hits("citation-off-claim", flawed) == ["option 2: its rationale shares 0 word(s) with its citations"]
    flawed["options"][1]["rationale"] = "Osteoblasts are the cells that build new bone; osteoclasts remove it."
    assert hits("citation-off-claim", flawed) == []


def test_a_patient_item_with_a_red_flag_says_to_call_the_care_team_right_away():
    flawed = question(audience="patient", stem="Her legs feel numb. What should she do?",
                      plain_explanation="Numb legs can be a sign of pressure on the spinal cord.")  # fmt: skip
    assert hits("red-flag-urgency", flawed) == [
        "it mentions numb or weak legs; the plain explanation must say to contact the care team right away"
    ]
    urgent = "Numb legs can mean the spinal cord is squeezed. Call your care team right away."
    safe = question(audience="patient", stem="Her legs feel numb. What should she do?", plain_explanation=urgent)
    assert hits("red-flag-urgency", safe) == []
    student = question(audience="student", stem="Her legs feel numb. What should she do?")
    assert hits("red-flag-urgency", student) == []  # students read the clinical explanation


def test_patient_text_must_not_rank_one_red_flag_below_another():
    flawed = question(audience="patient", plain_explanation="Thirst matters too, but it points to other problems.")
    assert hits("ranks-red-flags", flawed) == [
        "plain explanation: “matters too, but”",
        "plain explanation: “points to other problems”",
    ]
    assert hits("ranks-red-flags", question(audience="patient", plain_explanation="Tell your team right away.")) == []


def test_an_accepted_screened_flaw_needs_a_reason_and_a_refused_one_cannot_be_accepted():
    flawed = question(options=options("Osteoblasts", "Osteoclasts", "Platelets"))
    assert any(f.startswith("implausible-distractor") for f in flaws.refused(flawed))
    flawed["accepted"] = {"implausible-distractor": "Both are cells a learner mixes up with bone builders."}
    assert flaws.refused(flawed) == []
    assert flaws.warnings(flawed)[0].startswith("implausible-distractor: option 2")
    flawed["accepted"] = {"implausible-distractor": " "}
    assert "accepted: implausible-distractor needs a reason an editor can read" in flaws.refused(flawed)
    spelled = question(explanation="Tumours grow.", accepted={"british-spelling": "The author prefers it."})
    assert "accepted: 'british-spelling' is not a screened rule that can be accepted" in flaws.refused(spelled)


def test_bank_wide_measures_are_held_to_their_limits():
    long_key = question(options=options("Osteoblasts build", "Osteoclasts", "Platelets"))
    by_name = {m.name: m for m in flaws.measures([long_key] * 5 + [question()] * 5)}
    assert by_name["single-best-answer items whose key is the longest option"].value == 50
    assert not by_name["single-best-answer items whose key is the longest option"].ok
    never = {m.name: m for m in flaws.measures([question()] * 10)}[
        "single-best-answer items whose key is the longest option"
    ]
    assert not never.ok and str(never).endswith("(limit 10 to 30%) — UNDER")  # never the longest cues too
    few = {m.name: m for m in flaws.measures([long_key] * 9)}  # too few items for a share to mean much
    assert few["single-best-answer items whose key is the longest option"].ok
    absolutes = question(options=options("Osteoblasts", "Always osteoclasts", "Never platelets"))
    gap = {m.name: m for m in flaws.measures([absolutes] * 10)}["absolute terms in distractors minus in keys"]
    assert gap.value == 100 and str(gap) == "absolute terms in distractors minus in keys: 100.0 pp (limit 3 pp) — OVER"


def test_check_fails_a_bank_over_a_measures_limit_and_prints_every_measure():
    bank = {
        "topics": [{"slug": "basics"}],
        "sources": [{"passages": [{"id": k, "text": v} for k, v in PASSAGES.items()]}],
        "questions": [
            question(id=f"basics-q{i}", options=options("Osteoblasts", "Osteoclast", "Platelet")) for i in range(10)
        ],  # fmt: skip
    }
    report = check(bank)
    assert (
        "bank: single-best-answer items whose key is the longest option: 100.0% (limit 10 to 30%) — OVER"
        in report.faults
    )
    assert sum(1 for line in report.summary if "(limit " in line) == len(flaws.measures([]))


def test_an_accepted_flaw_is_kept_through_a_json_import_and_export(db, bank):
    import json

    from quizzes.exchange import export_question, import_bank
    from quizzes.models import Question

    q = copy.deepcopy(next(q for q in fixture_bank()["questions"] if q["kind"] == "single"))
    q["accepted"] = {"hedge-dropped": "The quote's hedge is about timing, not the part restated."}
    q["id"], q["status"] = "imported-with-accepted", "published"
    import_bank(json.dumps({"questions": [q]}), "json")
    question = Question.objects.get(key="imported-with-accepted")
    assert question.status == "published"  # it keeps every rule, the accepted flaw with its reason
    assert export_question(question)["accepted"] == q["accepted"]


def test_words_meet_across_plural_and_verb_forms():
    assert flaws.words("bones passes spreading cells") == flaws.words("bone pass spread cell")
    assert flaws.words("Which bones?") & flaws.words("Pain in a bone")  # the echo a reader found
    echo = question(stem="Which new problem is the first sign in her bones?",
                    options=options("Pain in a bone", "Fevers and chills", "Bruising"))  # fmt: skip
    assert hits("key-echoes-stem", echo) == ["only the key repeats the stem's bone"]


def test_a_hedge_only_in_the_key_is_found_and_measured_across_the_bank():
    flawed = question(options=options("Osteoblasts may build it", "Osteoclasts build it", "Platelets build it"))
    assert hits("vague-in-key", flawed) == ["only the key says may"]
    both = question(options=options("Osteoblasts may build it", "Osteoclasts can build it", "Platelets build it"))
    assert hits("vague-in-key", both) == []
    gap = {m.name: m for m in flaws.measures([flawed] * 10)}["vague terms in keys minus in distractors"]
    assert gap.value == 100 and not gap.ok
    even = {m.name: m for m in flaws.measures([both] * 10)}["vague terms in keys minus in distractors"]
    assert even.value == 50 and not even.ok  # one of two distractors hedges, every key does
    assert {m.name: m for m in flaws.measures([question()] * 10)}["vague terms in keys minus in distractors"].ok
