"""The item kinds, one module each, after Moodle's question/type/<name>/ (see base.py for the interface).

Adding a kind: a module here with its class, listed below, and its two templates in
quizzes/templates/quizzes/kinds/ (<name>.html, the input, and <name>_feedback.html). A kind added after the
first migration also needs a migration for the new choice of Question.kind.
"""

from quizzes.kinds.base import AnswerError, FeedbackPart, Kind, ShownPart
from quizzes.kinds.bowtie import Bowtie
from quizzes.kinds.cloze import Cloze
from quizzes.kinds.highlight import Highlight
from quizzes.kinds.matrix import Matrix
from quizzes.kinds.multiple import Multiple
from quizzes.kinds.ordering import Ordering
from quizzes.kinds.short import Short
from quizzes.kinds.single import Single
from quizzes.kinds.true_false import TrueFalse

KINDS: dict[str, type[Kind]] = {
    kind.name: kind for kind in (Single, Multiple, TrueFalse, Matrix, Ordering, Cloze, Highlight, Short, Bowtie)
}
DEFAULT_KIND = Single.name


def kind_of(name: str | None) -> type[Kind]:
    """The kind called `name`. An unknown name gets the base Kind, plain options that cannot be answered
    (the bank rules refuse the name itself)."""
    return KINDS.get(name or "", Kind)


__all__ = ["AnswerError", "DEFAULT_KIND", "FeedbackPart", "KINDS", "Kind", "ShownPart", "kind_of"]
