"""The source reader: each document as passages, with the cited words marked."""

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Citation, Passage
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_sources_page_lists_the_five_documents(client, sources):
    page = client.get(reverse("sources")).content.decode()
    for title in (
        "Bone Metastasis: What Happens",
        "Bone metastasis",
        "Bone Metastases: When Cancer Spreads to the Bones",
        "Bone Metastasis: Symptoms, Types, Causes and Treatment",
        "When Cancer Spreads: Understanding Metastasis",
    ):
        assert title in page


def test_reader_shows_metadata_contents_and_every_passage(client, sources, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        page = client.get(reverse("source", args=["staywell"])).content.decode()
    assert "The StayWell Company (health library)" in page and "Last reviewed 6/1/2018" in page
    assert '<a href="#staywell-bone-basics">Bone basics</a>' in page
    assert '<h2 id="staywell-bone-basics">Bone basics</h2>' in page
    for passage in Passage.objects.filter(source__slug="staywell"):
        assert f'id="{passage.key}"' in page
    assert "anatomy of the long bones" not in page  # furniture stays out


def test_table_rows_render_as_a_table(client, sources):
    page = client.get(reverse("source", args=["consensus"])).content.decode()
    assert "<caption>Table 2: Types of Bone Metastasis</caption>" in page
    assert '<tr id="consensus-types-of-bone-metastasis-3"' in page
    assert "<td>Osteoblastic</td><td>Excess new bone formation</td><td>Prostate</td>" in page


def test_a_citation_link_lands_on_its_passage_with_the_quote_marked(client, sources):
    passage = Passage.objects.get(key="staywell-bone-basics-4")
    question = QuestionFactory(cite=passage)
    citation = question.citations.get()
    Citation.objects.filter(pk=citation.pk).update(quote="break down, or reabsorb, old bone")
    url = citation.reader_url()
    assert url == f"/sources/staywell/?cite={citation.pk}#staywell-bone-basics-4"
    page = client.get(url).content.decode()
    assert '<li id="staywell-bone-basics-4" class="passage is-cited">' in page
    assert "Osteoclasts are cells that <mark>break down, or reabsorb, old bone</mark>." in page
    assert page.count("<mark>") == 1
    assert "1 question cite this." in page


def test_a_quote_in_a_table_row_is_marked_in_its_cell(client, sources):
    passage = Passage.objects.get(key="consensus-types-of-bone-metastasis-3")
    question = QuestionFactory(cite=passage)
    citation = question.citations.get()
    Citation.objects.filter(pk=citation.pk).update(quote="Excess new bone formation")
    page = client.get(citation.reader_url()).content.decode()
    assert "<td><mark>Excess new bone formation</mark></td>" in page


def test_draft_citations_are_not_marked(client, sources):
    passage = Passage.objects.get(key="staywell-bone-basics-4")
    citation = QuestionFactory(cite=passage, status="draft").citations.get()
    page = client.get(citation.reader_url()).content.decode()
    assert "<mark>" not in page and "question cite" not in page


@pytest.mark.parametrize("cite", ["abc", "999999", "-1", ""])
def test_a_bad_cite_parameter_just_shows_the_source(client, sources, cite):
    response = client.get(reverse("source", args=["webmd"]), {"cite": cite})
    assert response.status_code == 200 and "<mark>" not in response.content.decode()


def test_unknown_source_is_404(client, sources):
    assert client.get(reverse("source", args=["nope"])).status_code == 404


def test_test_me_on_this_passage_starts_a_practice_of_exactly_its_questions(client, sources):
    passage = Passage.objects.get(key="staywell-bone-basics-3")
    citing = {QuestionFactory(cite=passage).pk for _ in range(3)}
    QuestionFactory(cite=passage, status="draft")  # not published: left out
    QuestionFactory()  # cites another passage
    page = client.get(reverse("source", args=["staywell"])).content.decode()
    url = reverse("practise_passage", args=["staywell", passage.key])
    assert f'action="{url}"' in page and "3 questions cite this." in page
    response = client.post(url)
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("question", args=[attempt.pk, 1])
    assert set(attempt.question_ids) == citing
    assert attempt.title == "Bone Metastases: When Cancer Spreads to the Bones: Bone basics"
    assert "Question 1 of 3" in client.get(response["Location"]).content.decode()


def test_an_option_citation_counts_for_the_passage(client, sources):
    passage = Passage.objects.get(key="staywell-bone-basics-4")
    question = QuestionFactory()
    Citation.objects.create(question=question, option=question.options.first(), passage=passage, quote="Osteoclasts")
    client.post(reverse("practise_passage", args=["staywell", passage.key]))
    assert Attempt.objects.get().question_ids == [question.pk]


def test_a_passage_no_question_cites_cannot_be_practised(client, sources):
    assert client.post(reverse("practise_passage", args=["staywell", "staywell-bone-basics-1"])).status_code == 404
    assert client.post(reverse("practise_passage", args=["webmd", "staywell-bone-basics-1"])).status_code == 404
    assert client.get(reverse("practise_passage", args=["staywell", "staywell-bone-basics-1"])).status_code == 405
    assert not Attempt.objects.exists()
