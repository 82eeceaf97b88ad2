"""Unfolding case studies: the bank rules for a case, loading and exporting one, and taking one through the
pages as a learner would (the record unfolding, answers kept once the case moves on, feedback after each step in
practice and at the end when timed, the case's score, the dashboard by step of clinical judgment)."""

import copy
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.bank import check, read_bank_files
from quizzes.exchange import export_bank, load_questions
from quizzes.judgment import STEP_SLUGS
from quizzes.models import Attempt, CaseStudy, Question, Response
from tests.factories import PassageFactory, QuestionFactory, UserFactory, answer_form
from tests.test_bank_rules import GOOD

pytestmark = pytest.mark.django_db

QUOTE = "Osteoblasts are cells that build new bone."


# -- the bank's rules for a case (on the JSON shape) --------------------------------


def case_bank(**changes) -> dict:
    """A bank in export shape with one sound case study of six single-choice steps."""
    questions = []
    for n, step in enumerate(STEP_SLUGS):
        stem = f"At step {n} of the case, which cells build new bone?"
        own = {"id": f"case-builders-{step}", "audience": "student", "case": "case-builders", "step": step}
        own["stem"] = stem
        q = copy.deepcopy(GOOD) | own
        questions.append(q)
    case = {
        "id": "case-builders",
        "topic": "basics",
        "title": "A client with a healing bone",
        "intro": "Ana, 60, comes to the clinic.",
        "position": 1,
        "record": [
            {"tab": "history", "step": 1, "text": "Ana is 60.", "situation": True},
            {"tab": "notes", "step": 2, "text": "New bone is forming.", "citation": {"passage": "p-1", "quote": QUOTE}},
        ],
    }
    case |= changes
    return {
        "sources": [{"slug": "s", "passages": [{"id": "p-1", "text": QUOTE}]}],
        "topics": [{"slug": "basics", "name": "Basics"}],
        "questions": questions,
        "case_studies": [case],
    }


def case_faults(bank: dict) -> list[str]:
    return [f for f in check(bank).faults if "near" not in f and "stem is" not in f]


def test_a_sound_case_has_no_fault():
    assert case_faults(case_bank()) == []


def test_a_case_needs_one_question_per_step():
    bank = case_bank()
    bank["questions"][4]["step"] = "analyze"  # two analyze steps, no act
    assert any("one per step" in f for f in case_faults(bank))
    bank = case_bank()
    del bank["questions"][5]
    assert any("one per step" in f for f in case_faults(bank))


def test_a_record_entry_cites_a_passage_or_says_it_is_the_invented_situation():
    bank = case_bank()
    del bank["case_studies"][0]["record"][0]["situation"]
    assert any(
        'record entry 1: cite the passage that supports it, or mark it "situation": true' in f
        for f in case_faults(bank)
    )
    bank = case_bank()
    bank["case_studies"][0]["record"][1]["citation"]["quote"] = "Osteoblasts build bone fast."
    assert any("record entry 2 citation 1: quote is not verbatim" in f for f in case_faults(bank))


def test_record_tabs_and_steps_are_checked():
    record = [{"tab": "labs", "step": 7, "text": "x", "situation": True}]
    faults = case_faults(case_bank(record=record))
    assert any("tab must be one of history, notes, findings, orders" in f for f in faults)
    assert any("step must be the question it appears at, 1 to 6" in f for f in faults)
    assert any("nothing to show at question 1" in f for f in faults)


def test_case_questions_are_for_students_and_in_the_case_topic():
    bank = case_bank()
    bank["questions"][0]["audience"] = "both"
    bank["questions"][1]["topic"] = "other"
    faults = case_faults(bank)
    assert any("case-builders-recognize: a case study is for students" in f for f in faults)
    assert any("case-builders-analyze: in topic 'other'" in f for f in faults)


def test_a_question_naming_an_unknown_case_is_refused():
    bank = case_bank()
    bank["questions"][0]["case"] = "case-nobody"
    assert any("unknown case study 'case-nobody'" in f for f in case_faults(bank))


def test_the_shipped_case_studies_keep_every_rule():
    bank = read_bank_files()
    cases = bank["case_studies"]
    assert len(cases) >= 4
    assert sum(1 for q in bank["questions"] if q.get("case")) == 6 * len(cases)


# -- in the database ---------------------------------------------------------------


def start(client, case, mode="tutor", minutes="20"):
    page = client.post(reverse("start_case", args=[case.key]), {"mode": mode, "minutes": minutes, "allowance": "1"})
    assert page.status_code == 302
    return Attempt.objects.latest("started")


def right(attempt, number):
    question = attempt.question_at(number)
    return answer_form(attempt, number, question.correct_answer())


def wrong(attempt, number):
    question = attempt.question_at(number)
    other = next(o.pk for o in question.options.all() if not o.is_correct)
    return answer_form(attempt, number, {"option": other})


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_case_list_offers_each_ready_case_with_its_modes(client, case):
    page = client.get(reverse("case_list"))
    text = visible(page.content.decode())
    assert "<title>Case studies · Bone metastasis quiz</title>" in page.content.decode()
    assert "Ana's healing bone" in text or "Ana&#x27;s healing bone" in text
    assert "Practice: see the answer and why after each question" in text
    assert "Timed: see answers and rationales at the end" in text
    assert "Recognize cues" in text and "Evaluate outcomes" in text


def test_a_case_missing_a_published_step_is_not_offered(client, case):
    case.questions.filter(case_step="act").update(status=Question.Status.DRAFT)
    listed = visible(client.get(reverse("case_list")).content.decode())
    assert "healing bone" not in listed and "No case study is ready yet." in listed
    page = client.post(reverse("start_case", args=[case.key]), {"mode": "tutor", "minutes": "20", "allowance": "1"})
    assert page.status_code == 404


def test_a_case_runs_its_questions_in_the_order_of_the_steps(client, case):
    attempt = start(client, case)
    steps = [Question.objects.get(pk=pk).case_step for pk in attempt.question_ids]
    assert steps == list(STEP_SLUGS)
    assert attempt.case == case and attempt.title == "Case study: Ana's healing bone"


def test_the_record_unfolds_with_the_questions(client, case):
    attempt = start(client, case)
    first = client.get(reverse("question", args=[attempt.pk, 1])).content.decode()
    assert "Client record" in first and "Reports an ache in the hip." in first
    assert "Step 1 of 6: Recognize cues" in visible(first)
    assert "The X-ray shows new bone." not in first and "A week later" not in first
    client.post(reverse("answer", args=[attempt.pk, 1]), right(attempt, 1))
    second = client.get(reverse("question", args=[attempt.pk, 2])).content.decode()
    assert "The X-ray shows new bone." in second
    assert 'href="#record-findings">Findings (new)</a>' in second  # the tab with what is new says so
    assert "New: </span>The X-ray shows new bone." in second


def test_the_record_does_not_quote_its_sources_while_the_case_runs(client, case):
    # "These symptoms could indicate ..." beside an entry would answer a later step.
    attempt = start(client, case)
    page = client.get(reverse("question", args=[attempt.pk, 1])).content.decode()
    assert "What the source says</summary>" not in page
    for n in range(1, 7):
        client.post(reverse("answer", args=[attempt.pk, n]), right(attempt, n))
    review = client.get(reverse("review", args=[attempt.pk])).content.decode()
    assert "What the source says</summary>" in review and "<mark>" + QUOTE + "</mark>" in review
    assert "A week later the ache is gone." in review


def test_later_questions_wait_until_the_earlier_ones_are_answered(client, case):
    attempt = start(client, case)
    page = client.get(reverse("question", args=[attempt.pk, 3]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("question", args=[attempt.pk, 1])
    assert "This case unfolds in order: answer question 1 first." in page.content.decode()
    refused = client.post(reverse("answer", args=[attempt.pk, 3]), right(attempt, 3))
    assert refused.status_code == 409
    assert "answer question 1 first" in refused.content.decode()
    assert not Response.objects.filter(attempt=attempt).exists()


def test_in_practice_each_step_gets_its_feedback_and_its_answer_stands(client, case):
    attempt = start(client, case)
    page = client.post(reverse("answer", args=[attempt.pk, 1]), wrong(attempt, 1), follow=True)
    assert "Not quite." in page.content.decode()
    again = client.post(reverse("answer", args=[attempt.pk, 1]), right(attempt, 1), follow=True)
    assert "Not quite." in again.content.decode()  # a repeated post returns the saved result
    assert Response.objects.get(attempt=attempt).score == 0.0


def test_timed_case_keeps_feedback_to_the_end_and_answers_once_it_moves_on(client, case):
    attempt = start(client, case, mode="exam", minutes="10")
    assert attempt.deadline is not None
    page = client.post(reverse("answer", args=[attempt.pk, 1]), wrong(attempt, 1), follow=True)
    assert "Not quite." not in page.content.decode() and "Right." not in page.content.decode()
    changed = client.post(reverse("answer", args=[attempt.pk, 1]), right(attempt, 1))
    assert changed.status_code == 409
    assert "This case has moved on to question 2, so this answer is kept as it was saved." in changed.content.decode()
    assert Response.objects.get(attempt=attempt).score == 0.0
    for n in range(2, 7):
        client.post(reverse("answer", args=[attempt.pk, n]), right(attempt, n))
    client.post(reverse("submit_exam", args=[attempt.pk]), {"confirm": "yes"})
    attempt.refresh_from_db()
    assert attempt.finished is not None
    assert attempt.score == pytest.approx(5 / 6)  # the mean of its six items
    review = visible(client.get(reverse("review", args=[attempt.pk])).content.decode())
    assert "Question 1 (Recognize cues)." in review and "Question 6 (Evaluate outcomes)." in review


def test_the_case_score_is_the_mean_of_its_items_in_practice(client, case):
    attempt = start(client, case)
    for n in range(1, 7):
        client.post(reverse("answer", args=[attempt.pk, n]), right(attempt, n) if n % 2 else wrong(attempt, n))
    attempt.refresh_from_db()
    assert attempt.finished is not None and attempt.score == pytest.approx(0.5)


def test_case_questions_stay_out_of_bank_practice_and_the_builder(client, case):
    loose = QuestionFactory(topic=case.topic)
    client.post(reverse("start", args=[case.topic.slug]), {"count": "10"})
    assert Attempt.objects.latest("started").question_ids == [loose.pk]
    assert list(Question.objects.matching()) == [loose]


def test_a_case_question_reviewed_later_reads_beside_its_record(client, case):
    user = UserFactory()
    client.force_login(user)
    attempt = start(client, case)
    client.post(reverse("answer", args=[attempt.pk, 1]), wrong(attempt, 1))
    client.post(reverse("practise_mistakes"))
    mistakes = Attempt.objects.latest("started")
    assert mistakes.case is None and mistakes.question_ids == [attempt.question_ids[0]]
    page = client.get(reverse("question", args=[mistakes.pk, 1])).content.decode()
    assert "Client record" in page and "Reports an ache in the hip." in page


def test_the_dashboard_shows_case_answers_by_step(client, case):
    user = UserFactory()
    client.force_login(user)
    empty = visible(client.get(reverse("progress")).content.decode())
    assert "You have not answered a case study yet." in empty
    attempt = start(client, case)
    for n in range(1, 7):
        client.post(reverse("answer", args=[attempt.pk, n]), wrong(attempt, n) if n == 3 else right(attempt, n))
    text = visible(client.get(reverse("progress")).content.decode())
    assert "Your weakest step so far: Prioritize hypotheses (0% on average)." in text
    assert "1. Recognize cues 1 1 100%" in text
    assert "3. Prioritize hypotheses 1 0 0%" in text


def test_bad_start_choices_get_a_message_and_start_nothing(client, case):
    page = client.post(reverse("start_case", args=[case.key]), {"mode": "cheat", "minutes": "20", "allowance": "1"})
    assert page.status_code == 400
    assert "Select a valid choice." in page.content.decode()
    assert not Attempt.objects.exists()


def test_another_visitor_cannot_open_a_case_attempt(client, case):
    attempt = start(client, case)
    other = client.__class__()
    assert other.get(reverse("question", args=[attempt.pk, 1])).status_code == 404


# -- loading and exporting ---------------------------------------------------------


def test_a_case_loads_and_exports_in_the_bank_shape_and_reloads_in_place():
    passage = PassageFactory(key="p-1", text=QUOTE)
    bank = case_bank()
    for q in bank["questions"]:
        q["citations"] = [{"passage": passage.key, "quote": QUOTE}]
        for option in q["options"]:
            option.pop("citations", None)
    load_questions(bank)
    case = CaseStudy.objects.get(key="case-builders")
    assert [q.case_step for q in case.ordered_questions()] == list(STEP_SLUGS)
    entries = list(case.entries.values_list("pk", "tab", "step", "quote"))
    assert entries[1][1:] == ("notes", 2, QUOTE)
    exported = export_bank()
    assert exported["case_studies"] == [
        {"id": "case-builders", "topic": "basics", "title": "A client with a healing bone",
         "intro": "Ana, 60, comes to the clinic.", "position": 1, "record": bank["case_studies"][0]["record"]}
    ]  # fmt: skip
    assert {(q["case"], q["step"]) for q in exported["questions"]} == {("case-builders", s) for s in STEP_SLUGS}
    load_questions(exported)
    assert list(case.entries.values_list("pk", "tab", "step", "quote")) == entries
    assert CaseStudy.objects.count() == 1


def test_a_case_imports_whole_from_json_or_not_at_all():
    import json

    from quizzes.exchange import BankError, import_bank

    PassageFactory(key="p-1", text=QUOTE)
    bank = case_bank()
    for q in bank["questions"]:
        q["citations"] = [{"passage": "p-1", "quote": QUOTE}]
        q["status"] = "published"
    broken = copy.deepcopy(bank)
    del broken["questions"][2]
    with pytest.raises(BankError) as refused:
        import_bank(json.dumps(broken), "json")
    assert any("case_studies[0]: the questions must be one per step" in f for f in refused.value.args[0])
    assert not CaseStudy.objects.exists() and not Question.objects.exists()
    assert import_bank(json.dumps(bank), "json") == 6
    case = CaseStudy.objects.get(key="case-builders")
    assert case.questions.count() == 6 and case.entries.count() == 2
    assert CaseStudy.objects.ready().get() == case


def test_gift_leaves_a_case_question_out():
    from quizzes.gift import write_gift

    bank = case_bank()
    loose = copy.deepcopy(GOOD)
    text, left_out = write_gift([*bank["questions"], loose])
    assert left_out == [q["id"] for q in bank["questions"]]
    assert "Which cells build new bone?" in text


def test_a_case_waits_while_one_of_its_steps_is_in_an_open_exam(client, case):
    user = UserFactory()
    client.force_login(user)
    step = case.ordered_questions()[2]
    Attempt.objects.create(user=user, mode=Attempt.Mode.EXAM, question_ids=[step.pk], label="Week 2 exam",
                           deadline=timezone.now() + timedelta(minutes=30))  # fmt: skip
    page = client.post(reverse("start_case", args=[case.key]), {"mode": "tutor", "minutes": "20", "allowance": "1"},
                       follow=True)  # fmt: skip
    assert "A question of this case is in your open exam “Week 2 exam”." in page.content.decode()
    assert not Attempt.objects.filter(case=case).exists()
