"""What a visitor may see of a question: the one place every view and aggregate asks.

Two rules keep a score something a learner earns by knowing:

- Nothing of a question's key (verdict, right answer, rationales, explanation) is shown before the visitor has
  answered it in the attempt at hand, and in an exam not before the exam is over.
- While the visitor has an open exam, its questions are held back everywhere else: no way of starting a practice
  draws them, no other attempt shows their feedback or verdict, and the exam's saved answers count in no pool,
  dashboard or statistic until it is finished (``Response.objects.counted()``).

Views build one ``Visibility`` per request with ``Visibility.of(request)`` (one small query, none for a visitor
with no attempts) and ask it; a new view that shows questions or starts practices should do the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpRequest

from quizzes.models import Attempt, Response


@dataclass(frozen=True)
class Visibility:
    held_back: frozenset[int] = frozenset()  # questions of the visitor's open exams
    open_exams: dict[int, str] = field(default_factory=dict)  # attempt pk -> title, of those exams

    @classmethod
    def of(cls, request: HttpRequest) -> Visibility:
        """The visitor's visibility, worked out once per request however many helpers ask."""
        if not hasattr(request, "_visibility"):
            request._visibility = cls._read(request)
        return request._visibility

    @classmethod
    def _read(cls, request: HttpRequest) -> Visibility:
        if not request.user.is_authenticated and not request.session.get("attempt_ids"):
            return cls()  # no attempts, so no open exam: save the query
        exams = Attempt.objects.owned_by(request).open_exams().select_related("topic")
        return cls.of_exams(exams.only("pk", "question_ids", "label", "topic__name"))

    @classmethod
    def of_exams(cls, exams: Iterable[Attempt]) -> Visibility:
        """What these open exams hold back (for a caller that has already read them)."""
        held: set[int] = set()
        titles = {}
        for exam in exams:
            held.update(exam.question_ids)
            titles[exam.pk] = exam.title
        return cls(frozenset(held), titles)

    def holds_back(self, attempt: Attempt, question_id: int) -> bool:
        """True where `attempt` is not the open exam that holds this question, so it must show nothing of it."""
        return question_id in self.held_back and attempt.pk not in self.open_exams

    def holds_back_any(self, attempt: Attempt) -> bool:
        return attempt.pk not in self.open_exams and not self.held_back.isdisjoint(attempt.question_ids)

    def shows_key(self, attempt: Attempt, question_id: int, answered: bool) -> bool:
        """Whether `attempt` may show this question's verdict, right answer and rationales."""
        if not attempt.shows_feedback or self.holds_back(attempt, question_id):
            return False
        return answered or attempt.finished is not None

    def drawable(self, ids: Iterable[int]) -> list[int]:
        """The ids a new practice may draw: all but the open exams' questions."""
        return [pk for pk in ids if pk not in self.held_back]

    def exam_title(self) -> str:
        """The title of an open exam, for messages ("finish <title> first")."""
        return next(iter(self.open_exams.values()), "")


def counted_responses(request: HttpRequest):
    """The answers this visitor has given that count: their account's or this browser session's, open exams aside."""
    if request.user.is_authenticated:
        return Response.objects.counted().filter(attempt__user=request.user)
    return Response.objects.counted().filter(attempt__in=Attempt.objects.owned_by(request))
