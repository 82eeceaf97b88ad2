"""Each item kind lives in one place (quizzes/kinds/ and its templates); nothing else branches on a kind's name."""

import re
from pathlib import Path

import pytest
from django.template.loader import get_template

from quizzes.kinds import KINDS, Kind, kind_of
from quizzes.models import Question

ROOT = Path(__file__).resolve().parent.parent
NAMES = "|".join(KINDS)
# Outside the kinds: the app's Python and templates (migrations, tests and fixtures are exempt).
SCANNED = ("quizzes", "quizsite")
KIND_DIRS = (ROOT / "quizzes" / "kinds", ROOT / "quizzes" / "templates" / "quizzes" / "kinds")
# Every literal name of a kind counts: kind == "matrix", kind in ("single", ...), {"cloze": ...}, kind__in=["short"].
PYTHON_BRANCHES = [
    re.compile(rf"\bKind\.({'|'.join(name.upper() for name in KINDS)})\b"),  # Question.Kind.MATRIX
    re.compile(rf"[\"']({NAMES})[\"']"),
]
TEMPLATE_BRANCHES = [
    re.compile(rf"\{{%[^%]*[\"']({NAMES})[\"'][^%]*%\}}"),  # {% if question.kind == "matrix" %}, {% if kind == 'x' %}
    re.compile(r"\{%[^%]*\bquestion\.kind\s*(==|!=|\bin\b|\bnot\b)[^%]*%\}"),
]


def _files(suffix: str) -> list[Path]:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob(f"*{suffix}")):
            if "migrations" in path.parts or any(d in path.parents for d in KIND_DIRS):
                continue
            found.append(path)
    return found


def _hits(paths: list[Path], patterns: list[re.Pattern]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in paths
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(p.search(line) for p in patterns)
    ]


def test_the_scan_sees_the_app():
    assert ROOT / "quizzes" / "views.py" in _files(".py")
    assert ROOT / "quizzes" / "templates" / "quizzes" / "question.html" in _files(".html")
    assert not any("kinds" in p.relative_to(ROOT).parts for p in _files(".py") + _files(".html"))


def test_no_python_outside_the_kinds_branches_on_a_kind():
    assert _hits(_files(".py"), PYTHON_BRANCHES) == []


def test_no_template_outside_the_kinds_branches_on_a_kind():
    assert _hits(_files(".html"), TEMPLATE_BRANCHES) == []


@pytest.mark.parametrize(
    "line",
    [
        "if question.kind == Question.Kind.MATRIX:",
        'if q.get("kind") in ("single", "multiple"):',
        "if kind != 'cloze':",
        'KIND_NAMES = {"highlight": "phrase"}',
        'firsts.filter(question__kind__in=["short"])',
        "Question.objects.filter(kind=Question.Kind.HIGHLIGHT)",
    ],
)
def test_the_scan_catches_a_branch(line):
    assert any(p.search(line) for p in PYTHON_BRANCHES)


@pytest.mark.parametrize(
    "line",
    [
        '<fieldset{% if not editable and question.kind != "matrix" %} disabled{% endif %}>',
        "{% if question.kind == 'multiple' %}checkbox{% endif %}",
        "{% if question.kind in kinds %}",
    ],
)
def test_the_scan_catches_a_template_branch(line):
    assert any(p.search(line) for p in TEMPLATE_BRANCHES)


def test_the_registry_names_every_kind_once_with_its_module():
    assert list(KINDS) == [
        "single",
        "multiple",
        "true_false",
        "matrix",
        "ordering",
        "cloze",
        "highlight",
        "short",
        "bowtie",
    ]
    for name, kind in KINDS.items():
        assert kind.name == name and issubclass(kind, Kind)
        assert kind.__module__ == f"quizzes.kinds.{name}"
        assert kind_of(name) is kind
    assert kind_of("essay") is Kind and kind_of(None) is Kind


def test_question_kinds_are_the_registry():
    assert Question.Kind.choices == [(name, kind.label) for name, kind in KINDS.items()]
    assert Question._meta.get_field("kind").default == "single"


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_has_its_templates(name):
    kind = KINDS[name](Question(kind=name))
    assert Question(kind=name).kind_obj.__class__ is KINDS[name]
    assert get_template(kind.template).origin.name.endswith(f"quizzes/kinds/{name}.html")
    assert get_template(kind.feedback_template).origin.name.endswith(f"quizzes/kinds/{name}_feedback.html")


@pytest.mark.parametrize("name", ["cloze", "highlight"])
def test_the_kinds_with_a_text_show_it_answered(name):
    kind = KINDS[name](Question(kind=name))
    assert get_template(kind.answered_text_template)


def test_the_kinds_gift_cannot_say_say_so():
    assert {name for name, kind in KINDS.items() if kind.gift is None} == {"ordering", "highlight", "bowtie"}
    assert len({kind.gift for kind in KINDS.values() if kind.gift}) == 6
