from __future__ import annotations

import random
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Avg, Count, Exists, Min, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from fsrs import Card, Rating, Scheduler

from quizzes.judgment import STEPS, TABS
from quizzes.kinds import DEFAULT_KIND, KINDS, kind_of
from quizzes.kinds.base import AnswerError, FeedbackPart  # noqa: F401 (AnswerError: what parse_answer raises)
from quizzes.kinds.base import Kind as ItemKind


class Audience(models.TextChoices):
    STUDENT = "student", "Nursing students"
    PATIENT = "patient", "Patients"
    BOTH = "both", "Students and patients"


class Source(models.Model):
    """One of the documents the bank is drawn from."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200)
    byline = models.CharField(max_length=300, blank=True)
    date_text = models.CharField("date as the page states it", max_length=100, blank=True)
    file_name = models.CharField(max_length=100)
    audience = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    toc = models.JSONField("table of contents", default=list, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("source", args=[self.slug])


class Passage(models.Model):
    """A paragraph, list item, table row or FAQ answer of a source, verbatim."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph"
        LIST_ITEM = "list-item"
        TABLE_ROW = "table-row"
        FAQ_ANSWER = "faq-answer"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    key = models.SlugField(max_length=120, unique=True)
    anchor = models.SlugField(max_length=120)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    heading = models.CharField(max_length=200, blank=True)
    heading_level = models.PositiveSmallIntegerField(default=2)
    text = models.TextField()
    testable = models.BooleanField(default=True, help_text="False for lines that only introduce a lost list.")
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["source", "position"]

    def __str__(self) -> str:
        return f"{self.key}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return f"{self.source.get_absolute_url()}#{self.key}"

    def marked(self, quote: str = "") -> SafeString:
        """The passage as HTML with the quoted words inside <mark>."""
        return mark_text(self.text, quote)

    def marked_cells(self, quote: str = "") -> list[SafeString]:
        """A table row's cells, each escaped, with the quote's words marked."""
        cells = self.extra.get("cells", [])
        start = self.text.find(quote) if quote else -1
        end = start + len(quote)
        out, offset = [], 0
        for cell in cells:
            at = self.text.find(cell, offset)
            cell_start, cell_end = at, at + len(cell)
            lo, hi = max(start, cell_start), min(end, cell_end)
            if start >= 0 and lo < hi:
                html = escape(cell[: lo - at]) + "<mark>" + escape(cell[lo - at : hi - at]) + "</mark>"
                html += escape(cell[hi - at :])
                out.append(mark_safe(html))
            else:
                out.append(escape(cell))
            offset = cell_end
        return out


def mark_text(text: str, quote: str) -> SafeString:
    """Escape text and wrap the first occurrence of quote in <mark>."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return escape(text)
    end = at + len(quote)
    return mark_safe(f"{escape(text[:at])}<mark>{escape(text[at:end])}</mark>{escape(text[end:])}")


class TopicQuerySet(models.QuerySet):
    def with_published_counts(self) -> TopicQuerySet:
        """Banks that have published stand-alone questions, each with `count` of them (a case study's
        questions are answered in their case, beside its record)."""
        published = Q(questions__status="published", questions__case__isnull=True)
        return self.annotate(count=Count("questions", filter=published)).filter(count__gt=0)


class Topic(models.Model):
    """A bank of questions on one theme."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet):
    def published(self) -> QuestionQuerySet:
        return self.filter(status=Question.Status.PUBLISHED)

    def standalone(self) -> QuestionQuerySet:
        """Published questions that stand alone, the ones practices draw: a case study's questions depend on
        its record and on each other, so they are answered in the case, in order."""
        return self.published().filter(case__isnull=True)

    def matching(self, *, topics=(), kinds=(), difficulties=(), audience: str = "any") -> QuestionQuerySet:
        """Stand-alone published questions that fit a quiz builder's choices (an empty choice means any)."""
        qs = self.standalone()
        if topics:
            qs = qs.filter(topic__in=topics)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        if difficulties:
            qs = qs.filter(difficulty__in=difficulties)
        if audience == Audience.PATIENT:
            qs = qs.for_patients()
        elif audience == Audience.STUDENT:
            qs = qs.filter(audience__in=[Audience.STUDENT, Audience.BOTH])
        return qs

    def last_answered_wrong(self, responses) -> QuestionQuerySet:
        """Questions whose latest answer among `responses` was not fully right."""
        latest = responses.filter(question=OuterRef("pk")).order_by("-created").values("score")[:1]
        return self.annotate(last_score=Subquery(latest)).filter(last_score__lt=1.0)

    def citing(self, passage: Passage) -> QuestionQuerySet:
        """Questions that quote the passage, in their own citations or an option's."""
        return self.filter(citations__passage=passage).distinct()

    def for_patients(self) -> QuestionQuerySet:
        return self.filter(audience__in=[Audience.PATIENT, Audience.BOTH])

    def with_parts(self) -> QuestionQuerySet:
        """Everything needed to show, score and explain a question, in 3 queries."""
        return self.select_related("topic").prefetch_related(
            models.Prefetch("options", queryset=option_rows()),
            models.Prefetch("citations", queryset=citation_rows()),
        )


def option_rows() -> models.QuerySet:
    return Option.objects.order_by("position")


def citation_rows() -> models.QuerySet:
    return Citation.objects.select_related("passage__source").order_by("position")


class AnswerKeys:
    """The names one attempt's page gives a question's answer parts, instead of database ids.

    Option ids follow the order the bank was written in (often the key first),
    so a page that carried them would give the answer away to anyone reading
    the HTML. Every part (option, matrix column) is named by an HMAC of the
    attempt, its seed, the question and the part; parsing maps the names back.
    The names say nothing about the key, and differ from attempt to attempt.
    """

    def __init__(self, attempt_pk: int, seed: int, question_pk: int) -> None:
        self.base = f"{attempt_pk}:{seed}:{question_pk}"

    def __call__(self, part: object) -> str:
        return "k" + salted_hmac("quizzes.answer-keys", f"{self.base}:{part}", algorithm="sha256").hexdigest()[:15]

    def column(self, index: int) -> str:
        return self(f"column-{index}")


class Question(models.Model):
    # The kinds and their labels come from the registry (quizzes/kinds/), in its order.
    Kind = models.TextChoices("Kind", [(name.upper(), (name, kind.label)) for name, kind in KINDS.items()])

    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        RETIRED = "retired"

    class Difficulty(models.IntegerChoices):
        RECALL = 1
        UNDERSTANDING = 2
        APPLICATION = 3

    key = models.SlugField("id", max_length=120, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=DEFAULT_KIND)
    stem = models.TextField()
    explanation = models.TextField(help_text="Clinical voice, for students.")
    plain_explanation = models.TextField(help_text="Plain language, grade 8 or below, for patients.")
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, default=Difficulty.RECALL)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.STUDENT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    columns = models.JSONField(default=list, blank=True, help_text="Matrix only: the column labels.")
    template = models.TextField(
        blank=True, help_text="Cloze: text with {1}, {2} blanks. Highlight: text with [[phrases]]."
    )
    case = models.ForeignKey(
        "CaseStudy", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions",
        help_text="The unfolding case study this question is a step of; it is then answered only in the case.",
    )  # fmt: skip
    case_step = models.CharField(
        "case step", max_length=10, blank=True, choices=[(slug, label) for slug, label, _ in STEPS],
        help_text="The step of the clinical judgment model this question asks for.",
    )  # fmt: skip
    accepted_flaws = models.JSONField(
        "accepted flaws",
        default=dict,
        blank=True,
        help_text="Screened item-writing flaws an editor kept on purpose: {rule name: the reason an editor can read}.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["topic__position", "key"]
        indexes = [models.Index(fields=["topic", "status"])]

    def __str__(self) -> str:
        return self.key

    # -- what the kind decides (quizzes/kinds/) ------------------------------------

    @property
    def kind_obj(self) -> ItemKind:
        """This question as its kind: how it is shown, answered, scored and explained."""
        return kind_of(self.kind)(self)

    def options_for(self, seed: int) -> list[Option]:
        """The options in the order one attempt shows them, stable within it."""
        return self.kind_obj.shown_parts(seed)

    def form_parts(
        self, seed: int, keys: AnswerKeys, answer: dict | None = None, posted: Mapping | None = None
    ) -> dict:
        """What the answer form shows for one attempt: parts under opaque keys, filled in (Kind.form_parts)."""
        return self.kind_obj.form_parts(seed, keys, answer, posted)

    def answered_text(self, answer: dict) -> list[tuple[str, object]]:
        """A cloze or highlight text as the learner saw it, with their answer and the right one in place."""
        return self.kind_obj.answered_text(answer)

    def parse_answer(self, data: Mapping, keys: AnswerKeys) -> dict:
        """Turn posted form data into an answer, or raise AnswerError saying why not."""
        return self.kind_obj.parse(data, keys)

    def score(self, answer: dict) -> float:
        """Partial credit between 0 and 1; the rules are in fixtures/bank/README.md."""
        return self.kind_obj.score(answer)

    def feedback(self, answer: dict) -> list[FeedbackPart]:
        """What the learner gave against what is right, part by part, with rationales."""
        return self.kind_obj.feedback(answer)

    def describe_answer(self, answer: dict) -> str:
        """What the learner gave, in words (for instructors' pages), the way the review shows it."""
        return self.kind_obj.summary(answer) or "No answer"

    def correct_answer(self) -> dict:
        """The answer that scores 1, in the shape parse_answer returns (for previews and tests)."""
        return self.kind_obj.correct()

    def snapshot(self) -> dict:
        """Everything a learner was shown and scored against, with the option ids answers refer to."""
        fields = ("key", "topic_id", "kind", "stem", "explanation", "plain_explanation", "difficulty", "audience",
                  "columns", "template")  # fmt: skip
        return {
            "fields": {f: getattr(self, f) for f in fields},
            "options": [
                {
                    "pk": o.pk,
                    "position": o.position,
                    "text": o.text,
                    "is_correct": o.is_correct,
                    "rationale": o.rationale,
                    "blank": o.blank,
                    "answer": o.answer,
                }  # fmt: skip
                for o in self.options.all()
            ],
            "citations": [
                {"option_id": c.option_id, "passage_id": c.passage_id, "quote": c.quote, "position": c.position}
                for c in self.citations.all()
            ],
        }

    def record_version(self) -> int:
        """Keep a snapshot of the question as it now stands, if it changed; returns the version number.

        Past responses name the version they answered, so an edit never changes
        what an old answer meant or what the review of an old attempt shows.
        """
        # Read afresh: an instance holding prefetched (perhaps cached) parts would snapshot old rows.
        snapshot = Question.objects.get(pk=self.pk).snapshot()
        latest = self.versions.order_by("-number").first()
        if latest and latest.snapshot == snapshot:
            return latest.number
        number = latest.number + 1 if latest else 1
        QuestionVersion.objects.create(question=self, number=number, snapshot=snapshot)
        Question.objects.filter(pk=self.pk).update(version=number)
        self.version = number
        return number

    @classmethod
    def from_snapshot(cls, pk: int, snapshot: dict, passages: dict | None = None) -> Question:
        """An unsaved question built from a snapshot, usable by the same templates and scoring."""
        question = cls(pk=pk, status=cls.Status.RETIRED, **snapshot["fields"])
        options = [Option(question_id=pk, **o) for o in snapshot["options"]]
        if passages is None:
            passages = Passage.objects.select_related("source").in_bulk(
                [c["passage_id"] for c in snapshot["citations"]]
            )
        citations = []
        for c in snapshot["citations"]:
            cite = Citation(question_id=pk, option_id=c["option_id"], passage=passages.get(c["passage_id"]),
                            quote=c["quote"], position=c["position"])  # fmt: skip
            if cite.passage is not None:
                citations.append(cite)
        question._prefetched_objects_cache = {
            "options": _filled(Option.objects.none(), options),
            "citations": _filled(Citation.objects.none(), citations),
        }
        return question

    def clean(self) -> None:
        self.kind_obj.clean()


class Option(models.Model):
    """An answer part: a choice, a matrix row, an ordering item, a cloze choice or a phrase."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0, help_text="Ordering: the item's right place.")
    text = models.TextField()
    is_correct = models.BooleanField(default=False)
    rationale = models.TextField()
    blank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Cloze: the blank this choice fills.")
    answer = models.CharField(max_length=200, blank=True, help_text="Matrix: the right column for this row.")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text[:80]


class Citation(models.Model):
    """A verbatim quote from a passage that supports a question or one option."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="citations")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.passage.key}: {self.quote[:60]}"

    def clean(self) -> None:
        if self.passage_id and self.quote not in self.passage.text:
            raise ValidationError({"quote": "The quote must be copied word for word from the passage."})

    def marked(self) -> SafeString:
        return self.passage.marked(self.quote)

    def marked_cells(self) -> list[SafeString]:
        return self.passage.marked_cells(self.quote)

    def reader_url(self) -> str:
        return f"{self.passage.source.get_absolute_url()}?cite={self.pk}#{self.passage.key}"


# Options and citations only change when a question gets a new version (every
# save in the admin and every load records one), so each process keeps the
# parts of recently shown (question, version) pairs: a question page then reads
# the question row alone. The key changes with every edit, so nothing stale is
# served; the lock guards the threaded development server.
PARTS_CACHE_SIZE = 4096
_parts_cache: OrderedDict[tuple[int, int], tuple[list, list]] = OrderedDict()
_parts_lock = threading.Lock()


def question_with_parts(pk: int) -> Question | None:
    """A question with its options and citations (and their passages) ready to show and score."""
    question = Question.objects.select_related("topic").filter(pk=pk).first()
    if question is None:
        return None
    key = (question.pk, question.version)
    with _parts_lock:
        parts = _parts_cache.get(key)
        if parts is not None:
            _parts_cache.move_to_end(key)
    if parts is None:
        options = list(option_rows().filter(question=question))
        citations = list(citation_rows().filter(question=question))
        parts = (options, citations)
        with _parts_lock:
            _parts_cache[key] = parts
            while len(_parts_cache) > PARTS_CACHE_SIZE:
                _parts_cache.popitem(last=False)
    question._prefetched_objects_cache = {
        "options": _filled(question.options.all(), parts[0]),
        "citations": _filled(question.citations.all(), parts[1]),
    }
    return question


def _filled(queryset: models.QuerySet, items: list) -> models.QuerySet:
    """A queryset that already holds its rows, as Django's own prefetching leaves one."""
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    return queryset


def clear_parts_cache() -> None:
    with _parts_lock:
        _parts_cache.clear()


class QuestionVersion(models.Model):
    """What a question was at one version: kept so that past answers keep their meaning."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="one_snapshot_per_version")]
        ordering = ["question", "number"]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    @classmethod
    def as_answered(cls, responses, questions: dict[int, Question]) -> dict[tuple[int, int], Question]:
        """Every older version these responses answered, rebuilt, in two queries (none if none)."""
        wanted = Q()
        for r in responses:
            current = questions.get(r.question_id)
            if current is not None and r.version != current.version:
                wanted |= Q(question_id=r.question_id, number=r.version)
        if not wanted:
            return {}
        versions = list(cls.objects.filter(wanted))
        passage_ids = {c["passage_id"] for v in versions for c in v.snapshot["citations"]}
        passages = Passage.objects.select_related("source").in_bulk(passage_ids)
        return {
            (v.question_id, v.number): Question.from_snapshot(v.question_id, v.snapshot, passages) for v in versions
        }


class CaseStudyQuerySet(models.QuerySet):
    def ready(self) -> CaseStudyQuerySet:
        """Case studies a learner can take: every one of their six steps has a published question."""
        steps = Count("questions", filter=Q(questions__status=Question.Status.PUBLISHED), distinct=True)
        # explicit order: Django leaves Meta.ordering out of a GROUP BY query
        return self.annotate(published_steps=steps).filter(published_steps=len(STEPS)).order_by("position", "title")


class CaseStudy(models.Model):
    """An unfolding case study: one client, a record that grows, and six questions, one per step of the
    NCSBN Clinical Judgment Measurement Model, answered in order."""

    key = models.SlugField("id", max_length=120, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="case_studies")
    title = models.CharField(max_length=200)
    intro = models.TextField("introduction", help_text="Who the client is and where; shown above the record.")
    position = models.PositiveSmallIntegerField(default=0)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title

    def ordered_questions(self) -> list[Question]:
        """The case's questions in the model's order of steps."""
        order = {slug: n for n, (slug, _, _) in enumerate(STEPS)}
        return sorted(self.questions.all(), key=lambda q: order.get(q.case_step, len(order)))

    def record_at(self, number: int) -> list[dict]:
        """The record as the learner sees it at question `number` (1-based): each tab with the entries that
        have appeared by then, the newest marked new. Tabs with nothing yet are left out."""
        entries = [e for e in self.entries.all() if e.step <= number]
        tabs = []
        for slug, label in TABS:
            mine = [e for e in entries if e.tab == slug]
            if mine:
                tabs.append(
                    {"slug": slug, "label": label, "entries": mine, "new": any(e.step == number > 1 for e in mine)}
                )
        return tabs


class CaseEntry(models.Model):
    """One line of a case's client record, shown from question `step` on; it may cite a passage."""

    case = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="entries")
    tab = models.CharField(max_length=10, choices=TABS)
    step = models.PositiveSmallIntegerField(
        "shown from question", default=1, help_text="The entry appears when the case reaches this question (1-6)."
    )
    text = models.TextField()
    passage = models.ForeignKey(Passage, null=True, blank=True, on_delete=models.PROTECT, related_name="case_entries")
    quote = models.TextField(blank=True, help_text="Verbatim from the passage: what supports this entry.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "case entries"

    def __str__(self) -> str:
        return f"{self.get_tab_display()}: {self.text[:60]}"

    def clean(self) -> None:
        if self.passage_id and self.quote not in self.passage.text:
            raise ValidationError({"quote": "The quote must be copied word for word from the passage."})
        if self.passage_id and not self.quote.strip():
            raise ValidationError({"quote": "Quote the words of the passage that support this entry."})
        if not 1 <= self.step <= len(STEPS):
            raise ValidationError({"step": f"Choose a question from 1 to {len(STEPS)}."})

    def marked(self) -> SafeString:
        return self.passage.marked(self.quote)

    def reader_url(self) -> str:
        return f"{self.passage.source.get_absolute_url()}?entry={self.pk}#{self.passage.key}"


class CaseMovedOn(Exception):
    """An answer to a case question out of turn: a later step is already answered, or an earlier one is not."""


class AttemptClosed(Exception):
    """An answer to an attempt that is finished or past its deadline."""


class AttemptQuerySet(models.QuerySet):
    def owned_by(self, request) -> AttemptQuerySet:
        """The attempts this visitor may see: their own, or this browser session's."""
        if request.user.is_authenticated:
            return self.filter(user=request.user)
        return self.filter(user__isnull=True, pk__in=request.session.get("attempt_ids", []))

    def unfinished(self) -> AttemptQuerySet:
        return self.filter(finished__isnull=True)

    def open_exams(self, now=None) -> AttemptQuerySet:
        """Exams still running: not finished and not past their deadline."""
        return self.filter(mode=Attempt.Mode.EXAM, finished__isnull=True).filter(
            Q(deadline__isnull=True) | Q(deadline__gt=now or timezone.now())
        )

    def close_expired(self, now=None) -> int:
        """Finish every exam whose deadline has passed, scored as it stands.

        The server, not the browser, ends an exam: whatever was saved by the
        deadline counts, whether or not the learner pressed Submit. Few exams
        are ever overdue at once, so each is finished on its own.
        """
        expired = list(self.filter(finished__isnull=True, deadline__lte=now or timezone.now()))
        for attempt in expired:
            attempt.finish(attempt.deadline)
        return len(expired)


class Attempt(models.Model):
    class Mode(models.TextChoices):
        TUTOR = "tutor", "Practice with feedback"
        EXAM = "exam", "Timed exam"
        MISTAKES = "mistakes", "Review my mistakes"
        REVIEW = "review", "Spaced review"
        PATIENT = "patient", "Check what I understood"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts")
    assignment = models.ForeignKey(
        "Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    case = models.ForeignKey(CaseStudy, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts")
    label = models.CharField(max_length=200, blank=True, help_text="What the practice covers, when not one bank.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TUTOR)
    question_ids = models.JSONField(default=list)
    seed = models.PositiveIntegerField(default=0)
    started = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True, help_text="Exams only; set on the server at the start.")
    finished = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["user", "-started"])]

    def __str__(self) -> str:
        return f"Attempt {self.pk} ({self.title})"

    @property
    def title(self) -> str:
        return self.topic.name if self.topic_id else (self.label or "Practice")

    @property
    def is_late(self) -> bool:
        """Finished (or still open) after its assignment's due date."""
        if self.assignment_id is None:
            return False
        return (self.finished or timezone.now()) > self.assignment.due

    @property
    def total(self) -> int:
        return len(self.question_ids)

    @property
    def is_exam(self) -> bool:
        return self.mode == self.Mode.EXAM

    @property
    def shows_feedback(self) -> bool:
        """Exams keep every answer's feedback back until the exam is over."""
        return not self.is_exam or self.finished is not None

    def is_exam_open(self, now=None) -> bool:
        return self.is_exam and self.is_open(now)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.finished is None and (self.deadline is None or now < self.deadline)

    def close_if_expired(self, now=None) -> bool:
        """Finish an exam whose time is up; True if it is (now) finished."""
        if self.finished is None and self.deadline is not None and (now or timezone.now()) >= self.deadline:
            self.finish(self.deadline)
        return self.finished is not None

    def seconds_left(self, now=None) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))

    def question_at(self, number: int) -> Question | None:
        """The question shown at place `number` (1-based), with its parts, or None."""
        if not 1 <= number <= self.total:
            return None
        return question_with_parts(self.question_ids[number - 1])

    def case_turn(self) -> int:
        """In a case study, the question that may be answered now (1-based): the first unanswered one, or
        total + 1 when all are answered. The record unfolds with the questions, so later ones wait; a saved
        answer is kept once the case moves on, in an exam too."""
        answered = set(self.responses.values_list("question_id", flat=True))
        return next((n for n, qid in enumerate(self.question_ids, 1) if qid not in answered), self.total + 1)

    def keys_for(self, question: Question) -> AnswerKeys:
        return AnswerKeys(self.pk, self.seed, question.pk)

    def form_data(self, question: Question, answer: dict) -> dict:
        """The form fields a learner would post for `answer` on this attempt's page (the inverse of parsing)."""
        return question.kind_obj.form_data(self.keys_for(question), answer)

    def record_answer(self, question: Question, answer: dict, now=None) -> tuple[Response, bool]:
        """Save one answer in one transaction; a repeat returns the saved response.

        Returns (response, created). The unique (attempt, question) constraint
        settles a race between two identical posts: the loser reads the winner's
        row. In an open exam a new answer replaces the saved one (the learner may
        change their mind until the end); elsewhere the first answer stands.
        Raises AttemptClosed after the attempt is finished or its deadline passed.
        """
        now = now or timezone.now()
        if not self.is_open(now):
            raise AttemptClosed
        if self.case_id and self.case_turn() != self.question_ids.index(question.pk) + 1:
            raise CaseMovedOn
        score = question.score(answer)
        if self.is_exam:
            updated = Response.objects.filter(attempt=self, question=question).update(
                answer=answer, score=score, created=now, version=question.version
            )
            if updated:
                response = Response.objects.get(attempt=self, question=question)
                from quizzes import xapi

                xapi.record_answer(self, question, response)  # a changed exam answer is an answer too
                return response, False
        try:
            with transaction.atomic():
                so_far = self.responses.aggregate(last=models.Max("created"), count=Count("id"))
                previous = so_far["last"] or self.started
                response = Response.objects.create(
                    attempt=self,
                    question=question,
                    answer=answer,
                    score=score,
                    version=question.version,
                    seconds=max(0, int((now - previous).total_seconds())),
                    created=now,
                )
                from quizzes import xapi  # xapi reads these models

                xapi.record_answer(self, question, response)
                if not self.is_exam:
                    if self.user_id:
                        ReviewCard.record(self.user_id, question, response, now)
                    if so_far["count"] + 1 >= self.total and self.finished is None:
                        self.finish(now)
        except IntegrityError:
            return Response.objects.get(attempt=self, question=question), False
        return response, True

    def finish(self, when=None) -> None:
        """Close the attempt; its score counts every question, unanswered ones as 0. An attempt launched from an
        LMS queues its score for the LMS's gradebook in the same transaction (quizzes/grades.py)."""
        points = self.responses.aggregate(points=Sum("score"))["points"] or 0.0
        self.score = points / self.total if self.total else 0.0
        self.finished = when or timezone.now()
        with transaction.atomic():
            self.save(update_fields=["score", "finished"])
            from quizzes import grades, xapi  # they import these models

            grades.queue_score(self)
            xapi.record_finish(self)


class Profile(models.Model):
    """A learner's settings: whom the account is for, and the extra time they need for timed exams (WCAG 2.2.1).

    A patient account gets the patient's pages (plain checks, what to read next, no scores or exam settings).
    The choice only shapes what is shown; it grants nothing, so it is also kept in the session (PATIENT_KEY)
    for the header, which would otherwise cost a query on every page.
    """

    PATIENT_KEY = "patient_account"

    class Role(models.TextChoices):
        STUDENT = "student", "A nursing student, to practice for exams"
        PATIENT = "patient", "A patient, or someone who looks after one, to check what I understood"

    class TimeAllowance(models.TextChoices):
        STANDARD = "1", "Standard time"
        HALF_AGAIN = "1.5", "1.5 times the time"
        DOUBLE = "2", "Double time"
        UNLIMITED = "none", "No time limit"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("This account is for", max_length=8, choices=Role.choices, default=Role.STUDENT)
    time_allowance = models.CharField(max_length=4, choices=TimeAllowance.choices, default=TimeAllowance.STANDARD)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @classmethod
    def is_patient(cls, user) -> bool:
        return user.is_authenticated and cls.objects.filter(user=user, role=cls.Role.PATIENT).exists()


def exam_deadline(start, minutes: int, allowance: str):
    """The deadline of an exam of `minutes`, stretched by the learner's allowance; None for no limit."""
    if allowance == Profile.TimeAllowance.UNLIMITED:
        return None
    return start + timedelta(minutes=minutes * float(allowance))


class Flag(models.Model):
    """A learner's mark on a question, to come back to it later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_flag_per_question")]

    def __str__(self) -> str:
        return f"{self.user} flagged {self.question}"


# A daily queue: no minute-long learning steps, and no random fuzz so that the
# same answers always give the same schedule.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
EASY_SECONDS = 15  # a right answer this fast is rated Easy


NEXT_DAY_LIMIT = 1000


class ReviewCardQuerySet(models.QuerySet):
    def due(self, now=None) -> ReviewCardQuerySet:
        return self.filter(due__lte=now or timezone.now())

    def next_review(self, now=None) -> tuple[datetime, int] | None:
        """When the next review falls due after `now`, and how many questions fall due that day; or None.

        One query: the next dues in order, counted in Python (a day holds at most NEXT_DAY_LIMIT of them here).
        """
        now = now or timezone.now()
        dues = list(self.filter(due__gt=now).order_by("due").values_list("due", flat=True)[:NEXT_DAY_LIMIT])
        if not dues:
            return None
        day = timezone.localtime(dues[0]).date()
        return dues[0], sum(1 for due in dues if timezone.localtime(due).date() == day)


class ReviewCard(models.Model):
    """A learner's FSRS memory state for one question, and when it is next due."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.JSONField(default=dict)
    due = models.DateTimeField()
    reviews = models.PositiveIntegerField(default=0)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_card_per_question")]
        indexes = [models.Index(fields=["user", "due"])]

    def __str__(self) -> str:
        return f"{self.user}/{self.question}: due {self.due:%Y-%m-%d}"

    @staticmethod
    def rating_for(response: Response) -> Rating:
        if response.score < 1.0:
            return Rating.Again
        return Rating.Easy if response.seconds <= EASY_SECONDS else Rating.Good

    @classmethod
    def record(cls, user_id: int, question: Question, response: Response, now) -> ReviewCard:
        """Schedule the question's next review from this answer (inside the answer's transaction)."""
        row = cls.objects.select_for_update().filter(user_id=user_id, question=question).first()
        card = Card.from_dict(row.state) if row and row.state else Card(due=now)
        card, _ = SCHEDULER.review_card(card, cls.rating_for(response), review_datetime=now)
        if row is None:
            return cls.objects.create(user_id=user_id, question=question, state=card.to_dict(), due=card.due, reviews=1)
        row.state, row.due, row.reviews = card.to_dict(), card.due, row.reviews + 1
        row.save(update_fields=["state", "due", "reviews"])
        return row


class ResponseQuerySet(models.QuerySet):
    def counted(self) -> ResponseQuerySet:
        """Answers that may count in pools, dashboards and statistics: all but those of unfinished exams.

        An exam's saved answers can change until it ends; counting them earlier would let a learner try each
        option and watch a count move (quizzes/visibility.py).
        """
        return self.exclude(attempt__mode=Attempt.Mode.EXAM, attempt__finished__isnull=True)

    def first_answers(self) -> ResponseQuerySet:
        """Each learner's first counted answer to each question among these, the one item statistics count (as
        Moodle's quiz statistics do); anonymous visitors' answers are not counted there."""
        answered = self.counted().filter(attempt__user__isnull=False)
        first_ids = answered.values("attempt__user", "question").annotate(first=Min("id")).values("first")
        return Response.objects.filter(id__in=Subquery(first_ids))

    def accuracy_by_topic(self):
        """Per bank: answers given, mean score and answers fully right, in one query."""
        return (
            self.values("question__topic__slug", "question__topic__name")
            .annotate(answered=Count("id"), mean=Avg("score"), right=Count("id", filter=Q(score=1.0)))
            .order_by("question__topic__position")
        )


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    answer = models.JSONField()
    score = models.FloatField()
    version = models.PositiveIntegerField(default=1, help_text="The version of the question that was answered.")
    seconds = models.PositiveIntegerField(default=0, help_text="Time since the previous answer or the start.")
    created = models.DateTimeField(default=timezone.now)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="one_response_per_question")]
        indexes = [models.Index(fields=["question", "score"])]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.score:.2f}"

    def shown_question(self, current: Question, earlier: dict | None = None) -> Question:
        """The question as it was when answered: the current one, or its snapshot from then.

        `earlier` (from QuestionVersion.as_answered) saves queries per response on pages that show many.
        """
        if self.version == current.version:
            return current
        if earlier is None:
            earlier = QuestionVersion.as_answered([self], {self.question_id: current})
        shown = earlier.get((self.question_id, self.version), current)
        # Where it sits in a case study is not part of what was answered: an old version reads beside the record.
        shown.case_id, shown.case_step = current.case_id, current.case_step
        return shown

    @property
    def answer_given(self) -> str:
        return self.question.describe_answer(self.answer)

    @property
    def duration(self) -> str:
        """The time spent on this answer, for people: "45 s", "2 min 5 s", "1 h 3 min"."""
        minutes, seconds = divmod(self.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        if hours:
            return f"{hours} h {minutes} min"
        if minutes:
            return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
        return f"{seconds} s"

    @property
    def verdict(self) -> str:
        if self.score >= 1.0:
            return "right"
        return "partly right" if self.score > 0 else "not right"


class ItemTally(models.Model):
    """What the first answers of deleted accounts still add to one question's item statistics: counts only.

    Deleting an account deletes its attempts and every answer in them (quizzes/mydata.py). Its first answer to
    each question, the one item statistics count, is added here first, so that the question's number of first
    answers, facility, mean time and option picks read the same after the learner has gone. Nothing here says
    whose answers they were, when they were given, or which of them one person gave.
    """

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="tally")
    answers = models.PositiveIntegerField(default=0)
    score_sum = models.FloatField(default=0.0)
    seconds_sum = models.PositiveBigIntegerField(default=0)
    picks = models.JSONField(default=dict, blank=True, help_text="How often each option was picked, by option id.")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.answers} answers of deleted accounts"

    @classmethod
    def add(cls, firsts: list[Response]) -> None:
        """Add these first answers (with their questions) to their questions' tallies, inside the caller's
        transaction; the rows are locked, so two accounts deleted at once both count."""
        question_ids = {r.question_id for r in firsts}
        cls.objects.bulk_create([cls(question_id=pk) for pk in question_ids], ignore_conflicts=True)
        tallies = {t.question_id: t for t in cls.objects.select_for_update().filter(question_id__in=question_ids)}
        for response in firsts:
            tally = tallies[response.question_id]
            tally.answers += 1
            tally.score_sum += response.score
            tally.seconds_sum += response.seconds
            for option in kind_of(response.question.kind).picks_of(response.answer):
                tally.picks[str(option)] = tally.picks.get(str(option), 0) + 1
        cls.objects.bulk_update(tallies.values(), ["answers", "score_sum", "seconds_sum", "picks"])


def new_join_code() -> str:
    # Eight characters with no look-alikes (0/O, 1/I/L): easy to read out in class.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class CohortQuerySet(models.QuerySet):
    def taught_by(self, user) -> CohortQuerySet:
        """The cohorts `user` runs: their own, and the LMS courses they teach beside the cohort's owner."""
        return self.filter(Q(owner=user) | Q(teachers=user)).distinct()


class Cohort(models.Model):
    """A class an instructor runs; learners join it with its code."""

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cohorts_taught")
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    created = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="cohorts", blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cohorts_cotaught",
        help_text="Instructors who run this cohort beside its owner (an LMS course's other instructors).",
    )  # fmt: skip
    lti_context = models.OneToOneField(
        "lti_tool.LtiContext", null=True, blank=True, on_delete=models.SET_NULL, related_name="cohort",
        help_text="The LMS course this cohort stands for, when it came from an LTI launch.",
    )  # fmt: skip
    roster_synced = models.DateTimeField(null=True, blank=True, help_text="When the LMS roster was last read in.")
    roster_note = models.CharField(max_length=300, blank=True, help_text="What the last roster sync did or why not.")

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("gradebook", args=[self.pk])

    def join_url(self) -> str:
        return reverse("join", args=[self.join_code])


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined = models.DateTimeField(default=timezone.now)
    time_allowance = models.CharField(
        max_length=4,
        choices=Profile.TimeAllowance.choices,
        default=Profile.TimeAllowance.STANDARD,
        help_text="Extra time this learner has on the class's timed assignments (an accommodation the instructor "
        "grants; the learner's own setting applies only to the practice exams they build).",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="one_membership_per_cohort")]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


class AssignmentQuerySet(models.QuerySet):
    def for_learner(self, user) -> AssignmentQuerySet:
        return self.filter(cohort__memberships__user=user)

    def open(self, now=None) -> AssignmentQuerySet:
        return self.filter(opens__lte=now or timezone.now())


class Assignment(models.Model):
    """A fixed quiz set for a cohort: chosen questions, or a rule (a bank and a number)."""

    class Mode(models.TextChoices):
        TUTOR = "tutor", "Practice with feedback"
        EXAM = "exam", "Timed exam"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    questions = models.ManyToManyField(Question, blank=True, related_name="assignments",
                                       help_text="Chosen questions. Leave empty to use the rule below.")  # fmt: skip
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT,
                              help_text="Rule: draw questions from this bank (or every bank when empty).")  # fmt: skip
    count = models.PositiveSmallIntegerField(default=10, help_text="Rule: how many questions to draw.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TUTOR)
    time_limit = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Minutes, for exams.")
    opens = models.DateTimeField(default=timezone.now)
    due = models.DateTimeField()
    created = models.DateTimeField(default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.cohort})"

    def clean(self) -> None:
        if self.opens and self.due and self.due <= self.opens:
            raise ValidationError({"due": "The due date must come after the opening date."})
        if self.mode == self.Mode.EXAM and not self.time_limit:
            raise ValidationError({"time_limit": "A timed exam needs a time limit in minutes."})

    def draw_questions(self) -> list[int]:
        """The question ids one learner's attempt gets: the chosen ones, or a draw by the rule."""
        chosen = list(self.questions.published().values_list("pk", flat=True))
        if chosen:
            return chosen
        pool = Question.objects.standalone()
        if self.topic_id:
            pool = pool.filter(topic_id=self.topic_id)
        ids = list(pool.values_list("pk", flat=True))
        return random.sample(ids, min(self.count, len(ids)))


class ReportQuerySet(models.QuerySet):
    def shown_to(self, user) -> ReportQuerySet:
        """Every report, marked `taught` where `user` may know who wrote it: a learner in a cohort they run.

        Every instructor looks after the one shared bank, so every report is theirs to read and resolve; who
        wrote it is learner data, and only the learner's own instructors (and superusers) see that.
        """
        qs = self.select_related("user")
        if user.is_superuser:
            return qs.annotate(taught=models.Value(True))
        mine = Cohort.objects.taught_by(user).values("pk")
        return qs.annotate(taught=Exists(Membership.objects.filter(user=OuterRef("user"), cohort__in=mine)))


class Report(models.Model):
    """A learner's note that a question may be wrong, for instructors to look into."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    comment = models.TextField(max_length=2000)
    created = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["resolved", "-created"]

    def __str__(self) -> str:
        return f"Report on {self.question}: {self.comment[:60]}"

    @property
    def reporter(self) -> str:
        """Who wrote it, as the instructor reading may know them (from Report.objects.shown_to)."""
        if self.user_id is None:
            return "A visitor"
        return self.user.get_username() if getattr(self, "taught", False) else "A learner outside your cohorts"


class LtiAttempt(models.Model):
    """An attempt launched from an LMS: who launched it, from which link, and the gradebook column its score
    goes back to (the line item of the Assignment and Grade Services claim)."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="lti")
    lti_user = models.ForeignKey("lti_tool.LtiUser", on_delete=models.CASCADE, related_name="quiz_attempts")
    resource_link = models.ForeignKey(
        "lti_tool.LtiResourceLink", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lineitem_url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.attempt} from {self.resource_link}"


class ScoreSend(models.Model):
    """An LMS-launched attempt's score on its way to the LMS gradebook (LTI Assignment and Grade Services).

    Written in the transaction that finishes the attempt, so no finished attempt is without one, and sent by a
    background task (quizzes/grades.py) with retries. The score is fixed when the attempt finishes: a retry or a
    resend sends the same grade again (with a newer timestamp), never a different one.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying (the LMS did not answer)"
        FAILED = "failed", "Refused by the LMS"
        GAVE_UP = "gave_up", "Not sent: too many tries"

    lti_attempt = models.OneToOneField(LtiAttempt, on_delete=models.CASCADE, related_name="score_send")
    score_given = models.FloatField()
    score_maximum = models.FloatField(default=1.0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    tries = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    timestamp = models.DateTimeField(help_text="The timestamp of the last score sent (AGS asks for a rising one).")
    created = models.DateTimeField(default=timezone.now)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Score of {self.lti_attempt.attempt}: {self.get_state_display()}"


class XapiStatement(models.Model):
    """An xAPI statement in the outbox: written in the transaction of the answer (or the finish) it tells of, and
    sent to the LRS by a task (quizzes/xapi.py). Never written for visitors without an account."""

    statement_id = models.UUIDField(unique=True)
    statement = models.JSONField()
    attempt = models.ForeignKey(Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="statements")
    created = models.DateTimeField(default=timezone.now)
    sent = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["sent", "created"])]

    def __str__(self) -> str:
        return f"{self.statement.get('verb', {}).get('display', {}).get('en-US', '?')} ({self.statement_id})"
