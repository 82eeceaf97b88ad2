"""export_bank prints the contract shape; load_bank reads it back unchanged."""

import json

import pytest
from django.core.management import call_command

from quizzes.exchange import export_bank, load_questions
from quizzes.models import Option, Question, Response
from tests.factories import AttemptFactory

pytestmark = pytest.mark.django_db


def test_export_has_the_documented_shape(bank, capsys):
    call_command("export_bank", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"sources", "topics", "questions", "case_studies"}
    case = data["case_studies"][0]
    assert {"id", "topic", "title", "intro", "position", "record"} == set(case)
    assert {"tab", "step", "text"} <= set(case["record"][0])
    assert sorted(q["step"] for q in data["questions"] if q.get("case") == case["id"]) == sorted(
        ["recognize", "analyze", "prioritize", "generate", "act", "evaluate"]
    )
    source = data["sources"][0]
    assert {"slug", "title", "file", "passages"} <= set(source)
    assert {"id", "heading", "text"} <= set(source["passages"][0])
    assert {t["slug"] for t in data["topics"]} >= {"bone-basics", "spread"}
    kinds = {q["kind"] for q in data["questions"]}
    assert kinds == {"single", "multiple", "true_false", "matrix", "ordering", "cloze", "highlight", "bowtie"}
    for q in data["questions"]:
        assert {"id", "topic", "kind", "audience", "difficulty", "stem", "explanation", "plain_explanation"} <= set(q)
        assert q["citations"]
        if q["kind"] in ("single", "multiple", "true_false"):
            assert all({"text", "correct", "rationale"} <= set(o) for o in q["options"])


def test_export_prints_nothing_but_json():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "export_bank", "--format", "json"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("{")
    assert set(json.loads(result.stdout)) == {"sources", "topics", "questions", "case_studies"}


def test_export_then_load_gives_back_the_same_bank(bank):
    before = export_bank()
    load_questions(before)
    assert export_bank() == before


def test_reloading_keeps_option_ids_so_past_answers_keep_their_meaning(bank):
    question = Question.objects.filter(kind="single").first()
    right = question.options.get(is_correct=True)
    attempt = AttemptFactory(question_ids=[question.pk])
    Response.objects.create(attempt=attempt, question=question, answer={"option": right.pk}, score=1.0)
    call_command("load_bank")
    assert Option.objects.get(pk=right.pk).text == right.text
