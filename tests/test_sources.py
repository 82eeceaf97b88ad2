"""The source documents become verbatim passages; page furniture does not."""

import pytest

from quizzes.exchange import load_sources
from quizzes.models import Passage, Source
from quizzes.sources import SOURCES_DIR, fold, load_metadata, parse_all, parse_source


@pytest.fixture(scope="module")
def parsed():
    return {s.slug: s for s in parse_all()}


def test_every_passage_is_verbatim_from_its_file(parsed):
    for source in parsed.values():
        folded = fold((SOURCES_DIR / source.file).read_text(encoding="utf-8"))
        for p in source.passages:
            # 004's "[more]" link is furniture cut from the end of a paragraph.
            assert p.text in folded.replace(" [more]", ""), p.key


def test_page_furniture_is_not_a_passage(parsed):
    texts = [p.text for s in parsed.values() for p in s.passages]
    furniture = [
        "Skip to content",
        "Font Size",
        "General Information About Skin Cancer",
        "1 | 2 | 3",
        "Today on WebMD",
        "Created at:10/10/2025",
        "Question on this topic? Get an instant answer from August.",
        "Click 'Topic Index' to return to the index for the current topic.",
        "anatomy of the long bones",
        "Online Medical Reviewer",
        "The StayWell Company",
        "Researched byConsensus",
        "Table of Contents",
        "[more]",
        "Leave a Reply",
        "Akismet",
    ]
    for junk in furniture:
        assert not any(junk in t for t in texts), junk
    assert "Sources" not in texts


def test_passages_keep_their_order_and_headings(parsed):
    staywell = parsed["staywell"]
    keys = [p.key for p in staywell.passages]
    assert keys[:3] == ["staywell-overview-1", "staywell-overview-2", "staywell-bone-basics-1"]
    builders = next(p for p in staywell.passages if p.text == "Osteoblasts are cells that build new bone.")
    assert (builders.kind, builders.heading, builders.key) == ("list-item", "Bone basics", "staywell-bone-basics-3")
    assert [p.position for p in staywell.passages] == list(range(1, len(keys) + 1))


def test_table_rows_are_passages_with_cells(parsed):
    rows = [p for p in parsed["consensus"].passages if p.kind == "table-row"]
    assert len(rows) == 19
    pain = rows[0]
    assert pain.extra["cells"] == ["Pain", "Persistent, often severe bone pain", "Up to 75% of patients", "1 2 3"]
    assert pain.extra["columns"][0] == "Symptom"
    assert pain.extra["caption"] == "Table 1: Key Symptoms of Bone Metastasis"


def test_faq_answers_sit_under_their_question(parsed):
    faq = [p for p in parsed["august"].passages if p.kind == "faq-answer"]
    assert len(faq) == 5
    assert faq[1].heading == "Q2:Can bone metastasis be cured?"
    assert faq[1].text.startswith("While bone metastasis is generally considered incurable")


def test_lead_ins_of_lost_lists_are_not_testable(parsed):
    lead_in = next(
        p for p in parsed["august"].passages if p.text == "Here are the most common symptoms to be aware of:"
    )
    assert not lead_in.testable
    assert sum(p.testable for s in parsed.values() for p in s.passages) == 211


def test_a_changed_source_file_that_breaks_a_table_is_reported(tmp_path):
    meta = next(m for m in load_metadata() if m["slug"] == "consensus")
    text = (SOURCES_DIR / meta["file"]).read_text(encoding="utf-8").replace("Up to 75% of patients", "Most patients")
    (tmp_path / meta["file"]).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="do not make the line"):
        parse_source(meta, tmp_path)


@pytest.mark.django_db
def test_loading_twice_keeps_the_same_passages():
    load_sources()
    first = dict(Passage.objects.values_list("key", "pk"))
    assert load_sources() == (5, 226)
    assert dict(Passage.objects.values_list("key", "pk")) == first
    assert Source.objects.count() == 5
    assert Source.objects.get(slug="staywell").toc[0] == ["Bone basics", 2, "staywell-bone-basics"]
