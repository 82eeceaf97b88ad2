"""Loading the bank again: an unchanged bank keeps every citation id and every question version (the parts
cache key), so "Read it in the source" links handed out before still find their highlight; a changed quote
keeps its row and gives its question a new version."""

import copy

import pytest
from django.core.management import call_command

from quizzes.exchange import load_questions, read_bank_files
from quizzes.models import Citation, Question, question_with_parts

pytestmark = pytest.mark.django_db


def snapshot_ids():
    return (
        dict(Citation.objects.values_list("pk", "quote")),
        dict(Question.objects.values_list("key", "version")),
    )


def test_loading_an_unchanged_bank_again_keeps_every_citation_and_version(bank):
    before = snapshot_ids()
    call_command("load_bank", verbosity=0)
    assert snapshot_ids() == before


def test_a_reader_link_handed_out_before_a_reload_still_highlights(client, bank):
    question = Question.objects.published().filter(citations__isnull=False).order_by("key").first()
    shown = question_with_parts(question.pk)  # what a running server keeps in its parts cache
    cite = next(c for c in shown.citations.all() if c.option_id is None)
    load_questions(read_bank_files())
    assert question_with_parts(question.pk).citations.all()[0].pk == shown.citations.all()[0].pk
    page = client.get(cite.reader_url()).content.decode()
    assert "<mark" in page and cite.quote.split()[0] in page


def test_a_changed_quote_updates_its_row_and_the_version(bank):
    bank_data = read_bank_files()
    changed = copy.deepcopy(bank_data)
    entry = next(q for q in changed["questions"] if q.get("citations"))
    question = Question.objects.get(key=entry["id"])
    row = Citation.objects.get(question=question, option=None, position=1)
    entry["citations"][0]["quote"] = entry["citations"][0]["quote"].split(".")[0][:40]
    load_questions(changed)
    row.refresh_from_db()
    question.refresh_from_db()
    assert row.quote == entry["citations"][0]["quote"]  # the same row, so old links still resolve
    assert question.version == Question.objects.get(pk=question.pk).versions.count() > 1
    others = Citation.objects.exclude(question=question)
    assert set(others.values_list("pk", flat=True)) <= set(snapshot_ids()[0])


def test_a_citation_dropped_from_the_bank_is_deleted(bank):
    bank_data = read_bank_files()
    changed = copy.deepcopy(bank_data)
    entry = next(q for q in changed["questions"] if len(q.get("citations", [])) >= 2)
    question = Question.objects.get(key=entry["id"])
    count = question.citations.filter(option=None).count()
    entry["citations"] = entry["citations"][:1]
    load_questions(changed)
    assert question.citations.filter(option=None).count() == 1 < count
