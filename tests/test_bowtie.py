"""Bow-tie items (quizzes/kinds/bowtie.py): the shape the bank keeps, NCSBN's 0/1 scoring over five elements,
and answering one through the pages, with a partial answer kept and what is missing named."""

import copy
import re

import pytest
from django.urls import reverse

from quizzes.bank import question_faults
from quizzes.exchange import export_question
from quizzes.models import Response
from tests.factories import AttemptFactory, QuestionFactory
from tests.test_bank_rules import PASSAGES

pytestmark = pytest.mark.django_db

ACTIONS = ["Report the new signs right away", "Prepare for an MRI of the spine", "Give a second pain pill",
           "Encourage a long walk", "Offer a warm drink"]  # fmt: skip
CONDITIONS = ["Spinal cord compression", "High blood calcium", "Anemia from the marrow", "A bone infection"]
PARAMETERS = ["Leg strength and feeling", "Bladder and bowel function", "Hair growth", "Skin color",
              "Appetite for sweets"]  # fmt: skip
PARTS = (
    [{"text": t, "is_correct": i < 2, "blank": 1} for i, t in enumerate(ACTIONS)]
    + [{"text": t, "is_correct": i == 0, "blank": 2} for i, t in enumerate(CONDITIONS)]
    + [{"text": t, "is_correct": i < 2, "blank": 3} for i, t in enumerate(PARAMETERS)]
)


@pytest.fixture
def bowtie():
    return QuestionFactory(kind="bowtie", parts=copy.deepcopy(PARTS), stem="Lena's legs are numb. Complete it.")


def pks(question, *texts):
    return sorted(o.pk for o in question.options.all() if o.text in texts)


def answer(question, actions, condition, parameters):
    return {"actions": pks(question, *actions), "condition": pks(question, condition)[0],
            "parameters": pks(question, *parameters)}  # fmt: skip


def test_each_right_element_scores_one_of_five(bowtie):
    kind = bowtie.kind_obj
    assert kind.score(kind.correct()) == 1.0
    assert kind.score(answer(bowtie, ACTIONS[:2], CONDITIONS[1], PARAMETERS[:2])) == pytest.approx(0.8)
    assert kind.score(answer(bowtie, ACTIONS[1:3], CONDITIONS[0], PARAMETERS[1:3])) == pytest.approx(0.6)
    assert kind.score(answer(bowtie, ACTIONS[2:4], CONDITIONS[3], PARAMETERS[3:5])) == 0.0


def test_feedback_goes_group_by_group_with_every_element(bowtie):
    parts = bowtie.kind_obj.feedback(answer(bowtie, ACTIONS[1:3], CONDITIONS[0], PARAMETERS[:2]))
    assert [p.group for p in parts] == ["Actions to take"] * 5 + ["Condition most likely"] * 4 + [
        "Parameters to monitor"
    ] * 5
    by_text = {p.text: p for p in parts}
    assert by_text[ACTIONS[0]].correct and not by_text[ACTIONS[0]].chosen and not by_text[ACTIONS[0]].right
    assert by_text[ACTIONS[2]].chosen and not by_text[ACTIONS[2]].correct
    assert by_text[CONDITIONS[0]].right


def test_the_bank_shape_round_trips_and_its_rules_hold(bowtie):
    shape = export_question(bowtie)
    assert [len(shape[k]) for k in ("actions", "conditions", "parameters")] == [5, 4, 5]
    assert [e["text"] for e in shape["conditions"]] == CONDITIONS
    assert not [f for f in question_faults(shape, PASSAGES) if "bow-tie" in f]
    broken = copy.deepcopy(shape)
    broken["actions"][2]["correct"] = True
    broken["conditions"].pop()
    faults = question_faults(broken, PASSAGES)
    assert "a bow-tie needs 5 actions, 2 of them right" in faults
    assert "a bow-tie needs 4 conditions, 1 of them right" in faults


def test_the_flaw_screen_reads_a_bowties_own_cues(bowtie):
    shape = export_question(bowtie)
    shape["conditions"][0]["text"] = "Compression of the spinal cord by a tumor pressing on it from the spine"
    shape["actions"][3]["text"] = "Always encourage a long walk"
    found = {f.split(":")[0] for f in question_faults(shape, PASSAGES)}
    assert {"bowtie-longest-key", "bowtie-absolutes"} <= found


def post(client, attempt, data):
    return client.post(reverse("answer", args=[attempt.pk, 1]), data, follow=True)


def test_a_learner_answers_a_bowtie_and_sees_feedback_by_group(client, learner, bowtie):
    attempt = AttemptFactory(user=learner, question_ids=[bowtie.pk])
    page = client.get(reverse("question", args=[attempt.pk, 1])).content.decode()
    for legend in ("Actions to take", "Condition most likely", "Parameters to monitor"):
        assert re.search(rf"<legend>{legend} <span class=\"meta\">\(choose (one|two)\)</span>", page)
    assert page.count('type="checkbox" name="action"') == 5 and page.count('type="radio" name="condition"') == 4
    given = attempt.form_data(bowtie, answer(bowtie, ACTIONS[:2], CONDITIONS[0], PARAMETERS[1:3]))
    response = post(client, attempt, given)
    assert response.status_code == 200
    assert Response.objects.get().score == pytest.approx(0.8)
    feedback = response.content.decode()
    assert "Partly right." in feedback and "Score 80%" in feedback
    assert (
        feedback.index("Actions to take")
        < feedback.index("Condition most likely")
        < feedback.index("Parameters to monitor")
    )
    again = post(client, attempt, given)  # a repeated POST returns the saved result
    assert again.status_code == 200 and Response.objects.count() == 1


def test_a_bowtie_with_a_group_left_or_overfilled_is_refused_and_keeps_what_was_given(client, learner, bowtie):
    attempt = AttemptFactory(user=learner, question_ids=[bowtie.pk])
    keys = attempt.keys_for(bowtie)
    actions = [keys(pk) for pk in pks(bowtie, *ACTIONS[:3])]
    response = post(client, attempt, {"action": actions, "parameter": [keys(pks(bowtie, PARAMETERS[0])[0])]})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose the condition, two actions, not 3 and two parameters, not 1 before you submit." in page
    for key in actions:  # still ticked
        assert re.search(rf'value="{key}" id="action-{key}" checked', page)
    assert page.count("bowtie-group bowtie-") == 3 and page.count(" is-missing") == 3
    assert Response.objects.count() == 0


def test_item_statistics_count_how_often_each_element_was_picked(bowtie):
    from quizzes.models import Response
    from quizzes.teaching import item_statistics
    from tests.factories import UserFactory

    given = [
        answer(bowtie, ACTIONS[:2], CONDITIONS[0], PARAMETERS[:2]),
        answer(bowtie, ACTIONS[1:3], CONDITIONS[1], PARAMETERS[:2]),
        answer(bowtie, ACTIONS[:2], CONDITIONS[0], PARAMETERS[2:4]),
    ]
    for picked in given:
        attempt = AttemptFactory(user=UserFactory(), question_ids=[bowtie.pk])
        Response.objects.create(attempt=attempt, question=bowtie, answer=picked, score=bowtie.score(picked))
    (stats,) = item_statistics([bowtie])
    picks = {o.text: o.picked for o in stats["options"]}
    assert picks[ACTIONS[0]] == 2 and picks[ACTIONS[1]] == 3 and picks[ACTIONS[2]] == 1
    assert picks[CONDITIONS[0]] == 2 and picks[CONDITIONS[1]] == 1 and picks[CONDITIONS[3]] == 0
    assert picks[PARAMETERS[0]] == 2 and picks[PARAMETERS[3]] == 1
    assert stats["facility"] == pytest.approx((1.0 + 0.6 + 0.6) / 3)


def test_an_instructor_edits_a_bowtie_in_the_admin_and_a_broken_group_is_refused(client, bank):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from quizzes.models import Question
    from tests.test_admin import form_fields

    call_command("seed_demo")
    client.force_login(User.objects.get(username="instructor"))
    question = Question.objects.filter(kind="bowtie").order_by("key").first()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    page = client.get(url).content.decode()
    import re as _re

    screen = _re.sub(r"\s+", " ", _re.sub("<[^>]+>", " ", page[page.index("Item-writing flaws") :]))[:1500]
    assert "Bow-tie element" in page, _re.findall(r"<h3>.{0,80}", page)[:3]
    assert "Error: " not in screen, screen  # it keeps every rule (an accepted hit shows as a warning)
    data = form_fields(page)
    data.pop("_saveasnew", None)
    assert client.post(url, data).status_code == 302  # saved unchanged
    wrong = next(k for k, v in data.items() if k.endswith("-blank") and v == "2")  # a condition...
    data[wrong] = "1"  # ...moved to the actions: six actions, three conditions
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A bow-tie needs 5 actions, 2 of them right" in response.content.decode()
