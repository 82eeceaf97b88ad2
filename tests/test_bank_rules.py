"""The rules a question must keep to ship, and the check_bank command."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from quizzes import bank
from quizzes.bank import check, fixture_bank, question_faults
from quizzes.models import Citation, Question
from tests.factories import QuestionFactory

PASSAGES = {
    "p-1": "Osteoblasts are cells that build new bone.",
    "p-2": "Osteoclasts are cells that break down, or reabsorb, old bone.",
}
GOOD = {
    "id": "basics-builders",
    "topic": "basics",
    "kind": "single",
    "audience": "both",
    "difficulty": 1,
    "stem": "Which cells build new bone?",
    "explanation": "Osteoblasts build bone.",
    "plain_explanation": "Some cells build bone.",
    "options": [
        {"text": "Osteoblasts", "correct": True, "rationale": "They build bone."},
        {"text": "Osteoclasts", "correct": False, "rationale": "They are bone cells too, but they break bone down."},
        {"text": "Platelets", "correct": False, "rationale": "They are made in the marrow, but they help blood clot."},
    ],
    "citations": [{"passage": "p-1", "quote": "Osteoblasts are cells that build new bone."}],
}


def faults_of(**changes):
    q = copy.deepcopy(GOOD)
    q.update(changes)
    return question_faults(q, PASSAGES, {"basics"})


def test_a_good_question_has_no_fault():
    assert faults_of() == []


def test_a_quote_that_is_not_verbatim_is_refused():
    faults = faults_of(citations=[{"passage": "p-1", "quote": "Osteoblasts build new bone."}])
    assert any("not verbatim" in f for f in faults)


def test_a_quote_of_an_unknown_passage_is_refused():
    assert any("unknown passage" in f for f in faults_of(citations=[{"passage": "nope", "quote": "x"}]))


def test_a_question_without_citation_does_not_ship():
    assert any("no citation" in f for f in faults_of(citations=[]))


def test_no_correct_option_is_refused():
    options = [dict(o, correct=False) for o in GOOD["options"]]
    assert "no correct option" in faults_of(options=options)


def test_an_option_without_rationale_is_refused():
    options = copy.deepcopy(GOOD["options"])
    options[1]["rationale"] = " "
    assert "option 2 has no rationale" in faults_of(options=options)


def test_single_with_two_correct_options_is_refused():
    options = copy.deepcopy(GOOD["options"])
    options[1]["correct"] = True
    assert any("more than one correct" in f for f in faults_of(options=options))


def test_true_false_needs_true_and_false():
    options = [{"text": "Yes", "correct": True, "rationale": "r"}, {"text": "No", "correct": False, "rationale": "r"}]
    assert any("True and False" in f for f in faults_of(kind="true_false", options=options))


def test_matrix_row_must_answer_with_a_column():
    rows = [{"text": "a", "answer": "Build", "rationale": "r"}, {"text": "b", "answer": "Eat", "rationale": "r"}]
    faults = faults_of(kind="matrix", columns=["Build", "Break down"], rows=rows)
    assert any("row 2 answer 'Eat' is not a column" in f for f in faults)


def test_cloze_blanks_must_match_the_template():
    blanks = [{"choices": [{"text": "a", "correct": True, "rationale": "r"}, {"text": "b", "rationale": "r"}]}]
    assert any("{1}..{n}" in f for f in faults_of(kind="cloze", template="No blanks here.", blanks=blanks))
    two_right = [
        {
            "choices": [
                {"text": "a", "correct": True, "rationale": "r"},
                {"text": "b", "correct": True, "rationale": "r"},
            ]
        }
    ]
    assert any("exactly one correct" in f for f in faults_of(kind="cloze", template="A {1}.", blanks=two_right))


def test_highlight_phrases_must_match_the_marked_text():
    phrases = [{"text": "thirsty", "correct": True, "rationale": "r"}, {"text": "cold", "rationale": "r"}]
    faults = faults_of(kind="highlight", template="I feel [[thirsty]] and [[warm]].", phrases=phrases)
    assert any("must match" in f for f in faults)


def test_ordering_needs_three_items():
    items = [{"text": "a", "rationale": "r"}, {"text": "b", "rationale": "r"}]
    assert any("at least 3 items" in f for f in faults_of(kind="ordering", items=items))


def test_patient_text_above_grade_eight_is_refused():
    hard = (
        "Osteolytic metastatic involvement characteristically precipitates pathological fractures, "
        "hypercalcaemia, and intractable nociceptive symptomatology necessitating multidisciplinary intervention."
    )
    assert any("reads at grade" in f for f in faults_of(plain_explanation=hard))
    assert not any("reads at grade" in f for f in faults_of(plain_explanation=hard, audience="student"))


def test_near_duplicate_stems_are_flagged():
    other = dict(copy.deepcopy(GOOD), id="basics-builders-2", stem="Which cells build the new bone?")
    report = check(
        {
            "sources": [{"passages": [{"id": k, "text": t} for k, t in PASSAGES.items()]}],
            "topics": [{"slug": "basics"}],
            "questions": [GOOD, other],
        }
    )
    assert any("like the stem of" in f for f in report.faults)


def test_summary_counts_banks_kinds_and_coverage():
    report = check(
        {
            "sources": [{"passages": [{"id": k, "text": t} for k, t in PASSAGES.items()]}],
            "topics": [{"slug": "basics"}],
            "questions": [GOOD],
        }
    )
    assert report.ok
    assert "per bank: basics 1" in report.summary
    assert "passages cited: 1 of 2 that state a testable fact (50%)" in report.summary
    assert "not cited: p-2" in report.summary


def test_the_shipped_fixtures_keep_every_rule():
    report = check(fixture_bank())
    assert report.faults == []


def test_fixture_reader_names_the_broken_file(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(bank.BankError, match="broken.json"):
        bank.read_bank_files([broken])


# -- the command, on the database --------------------------------------------


@pytest.mark.django_db
def test_check_bank_passes_on_a_sound_bank(capsys):
    QuestionFactory(kind="single")
    call_command("check_bank")
    assert "The bank keeps every rule." in capsys.readouterr().out


@pytest.mark.django_db
def test_check_bank_fails_on_a_broken_quote(capsys):
    question = QuestionFactory(kind="single")
    Citation.objects.filter(question=question).update(quote="Osteoblasts eat bone.")
    with pytest.raises(CommandError, match="1 fault"):
        call_command("check_bank")
    assert f"{question.key}: question citation 1: quote is not verbatim" in capsys.readouterr().err


@pytest.mark.django_db
def test_check_bank_ignores_drafts_unless_asked():
    question = QuestionFactory(kind="single", status=Question.Status.DRAFT)
    question.options.update(is_correct=False)
    call_command("check_bank")
    with pytest.raises(CommandError):
        call_command("check_bank", "--all")


@pytest.mark.django_db
def test_check_bank_on_the_loaded_bank(bank, capsys):
    call_command("check_bank")
    out = capsys.readouterr().out
    assert "The bank keeps every rule." in out
    assert json.loads(json.dumps(out))  # printable summary
