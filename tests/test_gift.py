"""GIFT import and export (quizzes.gift): pure functions, so no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.bank import read_bank_files
from quizzes.gift import GIFT_KINDS, parse_gift, write_gift

DATA = Path(__file__).parent / "data"
NOT_GIFT = ("ordering", "highlight", "bowtie")


def _parsed(name: str) -> dict[str, dict]:
    questions, faults = parse_gift((DATA / name).read_text(encoding="utf-8"))
    assert faults == []
    return {q["id"]: q for q in questions}


@pytest.fixture(scope="module")
def constructs() -> dict[str, dict]:
    return _parsed("every_construct.gift")


def _round_trip(q: dict) -> dict:
    text, left_out = write_gift([q])
    assert left_out == []
    questions, faults = parse_gift(text)
    assert faults == [], text
    assert len(questions) == 1, text
    return questions[0]


def test_every_construct_reads_without_faults(constructs):
    assert [(q["id"], q["topic"], q["kind"]) for q in constructs.values()] == [
        ("bone-basics-1", "bone-basics", "true_false"),
        ("osteoblasts-break-bone", "bone-basics", "true_false"),
        ("outer-layer", "bone-basics", "single"),
        ("blood-cells", "bone-basics", "multiple"),
        ("lesion-match", "lesions", "matrix"),
        ("resorbing-cell", "lesions", "short"),
        ("lesions-7", "lesions", "cloze"),
        ("weights", "lesions", "multiple"),
        ("escapes-all", "lesions", "single"),
    ]


def test_untitled_true_false_gets_numbered_id_and_defaults(constructs):
    assert constructs["bone-basics-1"] == {
        "id": "bone-basics-1",
        "topic": "bone-basics",
        "kind": "true_false",
        "audience": "student",
        "difficulty": 1,
        "status": "draft",
        "stem": "Bone is living tissue that is always renewing itself.",
        "options": [
            {"text": "True", "correct": True, "rationale": ""},
            {"text": "False", "correct": False, "rationale": ""},
        ],
        "explanation": "",
        "plain_explanation": "",
        "citations": [],
    }


def test_true_false_feedback_metadata_and_format_prefix(constructs):
    cite = {"passage": "staywell-bone-basics-3", "quote": "Osteoblasts are cells that build new bone."}
    assert constructs["osteoblasts-break-bone"] == {
        "id": "osteoblasts-break-bone",
        "topic": "bone-basics",
        "kind": "true_false",
        "audience": "patient",
        "difficulty": 2,
        "status": "published",
        "stem": "Osteoblasts break down old bone.",
        "options": [
            # {F#wrong#right}: the first feedback goes to the wrong answer (True).
            {"text": "True", "correct": False, "rationale": "No: osteoblasts build new bone."},
            {
                "text": "False",
                "correct": True,
                "rationale": "Right, that is the job of osteoclasts.",
                "citations": [cite],
            },
        ],
        "explanation": "Osteoblasts build bone; osteoclasts resorb it.",
        "plain_explanation": "Osteoblasts build bone. Osteoclasts break it down.",
        "citations": [cite],
    }


def test_multi_line_single_choice_with_feedback(constructs):
    assert constructs["outer-layer"] == {
        "id": "outer-layer",
        "topic": "bone-basics",
        "kind": "single",
        "audience": "both",
        "difficulty": 1,
        "status": "draft",
        "stem": "Which part of a bone is its hard outer layer?",
        "options": [
            {"text": "The cortex", "correct": True, "rationale": "Right: the outer layer is called the cortex."},
            {"text": "The marrow", "correct": False, "rationale": "No: the marrow is the spongy centre."},
            {"text": "The periosteum", "correct": False, "rationale": "The sources do not name it."},
        ],
        "explanation": "The outer layer of bone is called the cortex.",
        "plain_explanation": "",
        "citations": [],
    }


def test_weighted_multiple_choice(constructs):
    thirds = constructs["blood-cells"]
    assert thirds["stem"] == "Which cells does bone marrow make? Select all that apply."
    assert thirds["options"] == [
        {"text": "Red blood cells", "correct": True, "rationale": "Yes."},
        {"text": "White blood cells", "correct": True, "rationale": "Yes."},
        {"text": "Platelets", "correct": True, "rationale": "Yes."},
        {"text": "Osteocytes", "correct": False, "rationale": "No, these live in the bone itself."},
    ]
    halves = constructs["weights"]
    assert [o["correct"] for o in halves["options"]] == [True, True, False, False]
    assert halves["options"][2]["rationale"] == "They are denser, not stronger."
    assert halves["explanation"] == "Both kinds weaken bone."


def test_matching_with_distractor_and_row_metadata(constructs):
    assert constructs["lesion-match"] == {
        "id": "lesion-match",
        "topic": "lesions",
        "kind": "matrix",
        "audience": "student",
        "difficulty": 3,
        "status": "draft",
        "stem": "Match each kind of lesion with what it does to bone.",
        "rows": [
            {
                "text": "Osteolytic",
                "answer": "Breaks bone down",
                "rationale": "Osteolytic lesions eat bone away.",
                "citations": [
                    {
                        "passage": "staywell-what-are-bone-metastases-10",
                        "quote": "This creates holes called osteolytic lesions.",
                    }
                ],
            },
            {
                "text": "Osteoblastic",
                "answer": "Builds abnormal bone",
                "rationale": "Osteoblastic lesions build abnormal new bone.",
            },
            {"text": "Mixed", "answer": "Does both", "rationale": ""},
        ],
        "columns": ["Breaks bone down", "Builds abnormal bone", "Does both", "Leaves bone unchanged"],
        "explanation": "",
        "plain_explanation": "",
        "citations": [],
    }


def test_short_answer_with_two_accepted_answers(constructs):
    assert constructs["resorbing-cell"] == {
        "id": "resorbing-cell",
        "topic": "lesions",
        "kind": "short",
        "audience": "student",
        "difficulty": 1,
        "status": "draft",
        "stem": "Which cell breaks down old bone?",
        "options": [
            {"text": "osteoclast", "correct": True, "rationale": "Right."},
            {"text": "osteoclasts", "correct": True, "rationale": "Right, in the plural."},
        ],
        "explanation": "",
        "plain_explanation": "",
        "citations": [],
    }


def test_missing_word_becomes_one_blank_cloze(constructs):
    assert constructs["lesions-7"] == {
        "id": "lesions-7",
        "topic": "lesions",
        "kind": "cloze",
        "audience": "student",
        "difficulty": 2,
        "status": "draft",
        "stem": "Choose the word that completes the sentence.",
        "template": "Prostate cancer most often makes {1} lesions.",
        "blanks": [
            {
                "choices": [
                    {"text": "osteolytic", "correct": False, "rationale": "That is breast cancer."},
                    {
                        "text": "osteoblastic",
                        "correct": True,
                        "rationale": "Yes.",
                        "citations": [
                            {
                                "passage": "consensus-osteoblastic-metastases-1",
                                "quote": "Prostate cancer most commonly leads to osteoblastic lesions",
                            }
                        ],
                    },
                    {"text": "no", "correct": False, "rationale": ""},
                ]
            }
        ],
        "explanation": "",
        "plain_explanation": "",
        "citations": [],
    }


def test_every_escape_is_read(constructs):
    q = constructs["escapes-all"]
    assert q["stem"] == "Which sign is written ~, =, #, {, }, : or \\ in GIFT?\nOne per line."
    assert q["options"] == [
        {"text": "All of them", "correct": True, "rationale": "Each of ~ = # { } : \\ needs a backslash."},
        {"text": "None of them", "correct": False, "rationale": ""},
        {"text": "Only { and }", "correct": False, "rationale": ""},
    ]


def test_faults_file_reports_every_fault_with_its_line():
    questions, faults = parse_gift((DATA / "faults.gift").read_text(encoding="utf-8"))
    assert questions == []
    assert faults == [
        "line 3: unclosed {: the answer block has no }",
        "line 7: text after the answer block: only a =right ~wrong block may sit inside the text (missing word)",
        "line 9: no right answer: mark it with = (or give right answers a positive %weight%)",
        "line 16: bad weight '%fifty%': write a percentage from -100 to 100, such as %50%",
        "line 20: the weights of the right answers add up to 80%, not 100%",
        "line 26: a matching question needs at least 2 pairs",
        "line 30: unknown metadata key 'colour' (keys: kind, audience, difficulty, status)",
        # The kinds come from quizzes.bank, so the list follows it.
        f"line 33: unknown kind 'essay' (kinds: {', '.join(GIFT_KINDS)})",
        "line 36: audience must be one of student, patient, both, not 'everyone'",
        "line 39: difficulty must be 1, 2 or 3, not '4'",
        "line 42: status must be one of draft, published, retired, not 'live'",
        "line 45: a // cite comment needs '<passage-id> | <quote>'",
        "line 48: numerical questions ({#...}) are not supported here",
        "line 50: essay questions ({}) are not supported here",
        "line 52: no answer block: description-only items are not supported here",
    ]


def test_structural_and_metadata_faults():
    text = "\n".join(
        [
            "::Stray::Which cell builds bone? =Osteoblast ~Osteoclast}",  # 1
            "",
            "::Unclosed title Which cell builds bone? {=Osteoblast ~Osteoclast}",  # 3
            "",
            "::Two blocks::Which {=a ~b} cell {=c ~d} builds bone?",  # 5
            "",
            "// meta: kind=multiple",  # 7
            "// cite option 3: staywell-bone-basics-3 | Osteoblasts are cells that build new bone.",
            "::Kind mismatch::Which cell builds bone? {=Osteoblast ~Osteoclast}",
            "",
            "::Lead text::Which cell builds bone? {Osteoblast ~Osteoclast =Osteocyte}",  # 11
            "",
            "::Pairs::Match. {=Osteoblast -> Builds bone =Osteoclast Breaks bone}",  # 13
            "",
            "::Same::Which cell builds bone? {=Osteoblast ~Osteoclast}",  # 15
            "",
            "::Same::Which cell breaks bone? {=Osteoclast ~Osteoblast}",  # 17
            "",
            "$CATEGORY: $course$/top/Cells",  # 19
            "::No blank line::Which cell builds bone? {=Osteoblast ~Osteoclast}",
            "",
            "// plain: dangling",  # 22
        ]
    )
    questions, faults = parse_gift(text)
    assert [q["id"] for q in questions] == ["same"]
    assert faults == [
        "line 1: } without a { before it",
        "line 3: the title opened with :: is not closed",
        "line 5: only one answer block per question",
        "line 7: // meta says kind=multiple but the answer block makes a single",
        "line 8: cite option 3: the question has 2 options",
        "line 11: answers must start with = or ~ (found 'Osteoblast')",
        "line 13: a matching pair needs '->' between question and answer",
        "line 13: a matching question needs at least 2 pairs",
        "line 17: id 'same' is already used on line 15",
        "line 20: a $CATEGORY line must be followed by a blank line",
        "line 22: metadata comment with no question after it",
    ]


def test_round_trip_over_the_shipped_bank():
    bank = read_bank_files()["questions"]
    # load_bank publishes fixture questions, so their export carries status "published".
    questions = [{"status": "published", **q} for q in bank]
    text, left_out = write_gift(questions)
    # a case study's questions read only beside its record, so GIFT leaves them out too
    expected_out = [
        q["id"]
        for q in bank
        if q.get("case") or q["kind"] in NOT_GIFT or (q["kind"] == "cloze" and len(q["blanks"]) > 1)
    ]
    assert left_out == expected_out
    written = [q for q in questions if q["id"] not in left_out]
    assert len(written) > 100
    for q in written:
        assert _round_trip(q) == q, q["id"]
    parsed, faults = parse_gift(text)
    assert faults == []
    assert parsed == written


def test_round_trip_of_every_construct(constructs):
    for q in constructs.values():
        assert _round_trip(q) == q, q["id"]


def test_escapes_survive_writing_and_reading():
    nasty = "a ~ b = c # d { e } f : g \\ h \\n i\nj -> k // l %5% [html]"
    q = {
        "id": "escapes",
        "topic": "bone-basics",
        "kind": "single",
        "audience": "both",
        "difficulty": 2,
        "status": "published",
        "stem": "[html]" + nasty,
        "options": [
            {"text": nasty, "correct": True, "rationale": nasty, "citations": [{"passage": "p-1", "quote": nasty}]},
            {"text": "{plain}", "correct": False, "rationale": "#1 :: \\{"},
            {"text": "\\", "correct": False, "rationale": ""},
        ],
        "explanation": nasty,
        "plain_explanation": nasty,
        "citations": [{"passage": "p-2", "quote": nasty}],
    }
    assert _round_trip(q) == q
    matrix = {
        **{k: q[k] for k in ("id", "topic", "audience", "difficulty", "status", "stem", "explanation")},
        "kind": "matrix",
        "rows": [
            {"text": "x = y : z", "answer": nasty, "rationale": nasty},
            {"text": "{1}", "answer": "~#", "rationale": ""},
        ],
        "columns": ["~#", nasty, "->"],
        "plain_explanation": "",
        "citations": [],
    }
    assert _round_trip(matrix) == matrix


def test_written_gift_looks_like_moodle_gift():
    tf, single, multiple, matrix = (
        {"id": "tf", "topic": "bone-basics", "kind": "true_false", "audience": "both", "difficulty": 1,
         "stem": "Bone is alive.", "options": [
             {"text": "True", "correct": True, "rationale": "Yes."},
             {"text": "False", "correct": False, "rationale": ""}],
         "explanation": "", "plain_explanation": "", "citations": []},
        {"id": "one", "topic": "bone-basics", "kind": "single", "audience": "student", "difficulty": 1,
         "stem": "Pick one.", "options": [
             {"text": "a", "correct": True, "rationale": ""},
             {"text": "b", "correct": False, "rationale": "no"}],
         "explanation": "Because.", "plain_explanation": "", "citations": []},
        {"id": "many", "topic": "lesions", "kind": "multiple", "audience": "student", "difficulty": 1,
         "stem": "Pick all.", "options": [
             {"text": t, "correct": t < "d", "rationale": ""} for t in "abcdef"],
         "explanation": "", "plain_explanation": "", "citations": []},
        {"id": "match", "topic": "lesions", "kind": "matrix", "audience": "student", "difficulty": 1,
         "stem": "Match.", "rows": [
             {"text": "r1", "answer": "A", "rationale": ""},
             {"text": "r2", "answer": "B", "rationale": ""}],
         "columns": ["A", "B", "C"], "explanation": "", "plain_explanation": "", "citations": []},
    )  # fmt: skip
    text, left_out = write_gift([tf, single, multiple, matrix])
    assert left_out == []
    assert text == "\n".join(
        [
            "$CATEGORY: $course$/top/bone-basics",
            "",
            "// meta: kind=true_false audience=both difficulty=1",
            "::tf::Bone is alive. {TRUE##Yes.}",
            "",
            "// meta: kind=single audience=student difficulty=1",
            "::one::Pick one. {",
            "\t=a",
            "\t~b#no",
            "\t####Because.",
            "}",
            "",
            "$CATEGORY: $course$/top/lesions",
            "",
            "// meta: kind=multiple audience=student difficulty=1",
            "::many::Pick all. {",
            "\t~%33.33333%a",
            "\t~%33.33333%b",
            "\t~%33.33333%c",
            "\t~%-33.33333%d",
            "\t~%-33.33333%e",
            "\t~%-33.33333%f",
            "}",
            "",
            "// meta: kind=matrix audience=student difficulty=1",
            "::match::Match. {",
            "\t=r1 -> A",
            "\t=r2 -> B",
            "\t= -> C",
            "}",
            "",
        ]
    )
    # Without a status the question comes back as a draft, to be reviewed before publishing.
    assert parse_gift(text)[0][0] == {**tf, "status": "draft"}


def test_matrix_keeps_column_order_that_rows_do_not_follow():
    q = {
        "id": "order", "topic": "t", "kind": "matrix", "audience": "student", "difficulty": 1, "status": "draft",
        "stem": "Match.", "rows": [
            {"text": "r1", "answer": "B", "rationale": "why 1"},
            {"text": "r2", "answer": "A", "rationale": "why 2"}],
        "columns": ["A", "B"], "explanation": "", "plain_explanation": "", "citations": [],
    }  # fmt: skip
    assert _round_trip(q) == q


def test_short_answer_weights_and_round_trip():
    questions, faults = parse_gift("::w::Name the cell. {=%100%osteoclast =%50%osteoclasts =%0%osteoblast#No.}")
    assert faults == []
    q = questions[0]
    assert q["kind"] == "short"
    assert q["options"] == [
        {"text": "osteoclast", "correct": True, "rationale": ""},
        {"text": "osteoclasts", "correct": True, "rationale": ""},
        {"text": "osteoblast", "correct": False, "rationale": "No."},
    ]
    assert _round_trip(q) == q


def test_kinds_gift_cannot_express_are_left_out():
    cloze = {
        "id": "two-blanks", "topic": "t", "kind": "cloze", "audience": "student", "difficulty": 1, "status": "draft",
        "stem": "Fill in.", "template": "{1} and {2}.",
        "blanks": [{"choices": [{"text": "a", "correct": True, "rationale": ""}]}] * 2,
        "explanation": "", "plain_explanation": "", "citations": [],
    }  # fmt: skip
    choices = [
        {"text": "living", "correct": True, "rationale": ""},
        {"text": "dead", "correct": False, "rationale": ""},
    ]
    one_blank = {**cloze, "id": "one-blank", "template": "Bone is {1} tissue.", "blanks": [{"choices": choices}]}
    at_end = {**one_blank, "id": "at-end", "template": "Bone is {1}"}
    no_wrong = {**one_blank, "id": "no-wrong", "blanks": [{"choices": choices[:1]}]}
    ordering = {**cloze, "id": "ordering", "kind": "ordering"}
    highlight = {**cloze, "id": "highlight", "kind": "highlight"}
    text, left_out = write_gift([cloze, one_blank, at_end, no_wrong, ordering, highlight])
    # A blank at the very end or without a wrong choice would read back as another kind.
    assert left_out == ["two-blanks", "at-end", "no-wrong", "ordering", "highlight"]
    assert "::one-blank::Bone is {=living ~dead} tissue." in text
    assert parse_gift(text)[0] == [one_blank]


def test_an_accepted_flaw_and_its_reason_survive_gift():
    q = next(q for q in read_bank_files()["questions"] if q["kind"] == "single")
    q = {
        "status": "published",
        **q,
        "accepted": {"hedge-dropped": "The quote's hedge is about timing, not the part restated."},
    }
    text, _ = write_gift([q])
    assert "// accepted hedge-dropped: The quote's hedge is about timing, not the part restated." in text
    parsed, faults = parse_gift(text)
    assert faults == [] and parsed[0]["accepted"] == q["accepted"]
