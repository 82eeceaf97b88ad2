"""A learner's progress: mastery per bank, accuracy over time, what is due.

Everything here is computed with database aggregates in a fixed number of
queries, whatever the size of the learner's history: the dashboard never loads
all responses into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from quizzes.judgment import STEPS
from quizzes.models import Attempt, Response, ReviewCard, Topic

# The mastery rules, shown on the dashboard as they are written here.
RECENT = 10  # answers per bank that count as "recent"
FAMILIAR_SHARE = 0.7  # familiar: at least this share of recent answers fully right...
FAMILIAR_MIN = 5  # ...out of at least this many answers
PROFICIENT_RUN = 5  # proficient: this many latest answers in a row fully right
CHART_DAYS = 30
ATTEMPTS_PER_PAGE = 20

LEVELS = ("Not started", "Attempted", "Familiar", "Proficient", "Mastered")
RULES = [
    ("Attempted", "you have answered at least one question in the bank."),
    (
        "Familiar",
        f"at least {FAMILIAR_SHARE:.0%} of your last {RECENT} answers in the bank were fully right "
        f"(counting once you have {FAMILIAR_MIN} answers).",
    ),
    ("Proficient", f"your last {PROFICIENT_RUN} answers in the bank were all fully right."),
    ("Mastered", "proficient, and no spaced review in the bank has been left overdue since before today."),
]


@dataclass
class BankProgress:
    pk: int
    slug: str
    name: str
    questions: int
    answered: int = 0
    right: int = 0
    mean: float | None = None
    due: int = 0
    overdue: int = 0
    recent: tuple[float, ...] = ()

    @property
    def level(self) -> str:
        if not self.answered:
            return "Not started"
        recent_right = [s >= 1.0 for s in self.recent]
        proficient = len(recent_right) >= PROFICIENT_RUN and all(recent_right[:PROFICIENT_RUN])
        if proficient:
            return "Mastered" if not self.overdue else "Proficient"
        if len(recent_right) >= FAMILIAR_MIN and sum(recent_right) / len(recent_right) >= FAMILIAR_SHARE:
            return "Familiar"
        return "Attempted"

    @property
    def level_index(self) -> int:
        return LEVELS.index(self.level)


def _chart(days: list[dict], today: date) -> dict:
    """Points of an SVG line chart of mean score per day over the last CHART_DAYS days."""
    # drawn at a phone's width, so its labels stay readable there; CSS caps how far it grows on a desktop
    width, height, pad = 360, 180, 30
    first = today - timedelta(days=CHART_DAYS - 1)
    step = (width - 2 * pad) / (CHART_DAYS - 1)
    points = []
    for d in days:
        x = pad + (d["day"] - first).days * step
        y = height - pad - d["mean"] * (height - 2 * pad)
        points.append({"x": round(x, 1), "y": round(y, 1), **d})
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "first": first,
        "last": today,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "y100": pad,
        "y50": height / 2,
        "y0": height - pad,
        "x_end": width - pad,
    }


def dashboard(user, now: datetime | None = None, page: int = 1, held_back: frozenset[int] = frozenset()) -> dict:
    """Everything the dashboard shows. Answers of open exams count nowhere here (Response.objects.counted), and
    `held_back` (the questions of those exams, from quizzes.visibility) hides the score of any other attempt that
    holds one, since a short practice's score would tell the exam's key."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_today = timezone.make_aware(datetime.combine(today, time.min))
    responses = Response.objects.counted().filter(attempt__user=user)

    banks = {
        t.slug: BankProgress(pk=t.pk, slug=t.slug, name=t.name, questions=t.count)
        for t in Topic.objects.with_published_counts()
    }
    for row in responses.accuracy_by_topic():
        bank = banks.get(row["question__topic__slug"])
        if bank:
            bank.answered, bank.right, bank.mean = row["answered"], row["right"], row["mean"]
    recent = (
        responses.annotate(
            rn=Window(RowNumber(), partition_by=[F("question__topic_id")], order_by=F("created").desc()),
            topic_slug=F("question__topic__slug"),
        )
        .filter(rn__lte=RECENT)
        .values_list("topic_slug", "rn", "score")
    )
    by_bank: dict[str, list[tuple[int, float]]] = {}
    for slug, rn, score in recent:
        by_bank.setdefault(slug, []).append((rn, score))
    for slug, rows in by_bank.items():
        if slug in banks:
            banks[slug].recent = tuple(score for _, score in sorted(rows))
    due_rows = (
        ReviewCard.objects.filter(user=user)
        .due(now)
        .values("question__topic__slug")
        .annotate(n_due=Count("id"), n_overdue=Count("id", filter=Q(due__lt=start_of_today)))
    )
    for row in due_rows:
        bank = banks.get(row["question__topic__slug"])
        if bank:
            bank.due, bank.overdue = row["n_due"], row["n_overdue"]
    bank_list = list(banks.values())

    days = list(
        responses.filter(created__gte=now - timedelta(days=CHART_DAYS))
        .annotate(day=TruncDate("created"))
        .values("day")
        .annotate(mean=Avg("score"), n=Count("id"))
        .order_by("day")
    )
    start = (page - 1) * ATTEMPTS_PER_PAGE
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("topic")
        .annotate(answered=Count("responses"))
        .order_by("-started")[start : start + ATTEMPTS_PER_PAGE + 1]  # one more says whether older ones exist
    )
    for attempt in attempts:
        attempt.held_back = not attempt.is_exam_open(now) and not held_back.isdisjoint(attempt.question_ids)
    answered = sum(b.answered for b in bank_list)
    steps = _judgment_steps(responses)
    weakest = sorted(
        (b for b in bank_list if b.answered and b.level != "Mastered"), key=lambda b: (b.mean or 0, b.name)
    )[:3]
    return {
        "banks": bank_list,
        "totals": {"answered": answered, "right": sum(b.right for b in bank_list)},
        "due": sum(b.due for b in bank_list),
        "chart": _chart(days, today),
        "days": days,
        "weakest": weakest,
        "attempts": attempts[:ATTEMPTS_PER_PAGE],
        "page": page,
        "older_page": page + 1 if len(attempts) > ATTEMPTS_PER_PAGE else None,
        "newer_page": page - 1 if page > 1 else None,
        "rules": RULES,
        "steps": steps,
        "weakest_step": min((s for s in steps if s["answered"]), key=lambda s: s["mean"], default=None),
    }


def _judgment_steps(responses) -> list[dict]:
    """Accuracy in case studies per step of the clinical judgment model, in the model's order (one query)."""
    rows = {
        row["question__case_step"]: row
        for row in responses.filter(question__case__isnull=False)
        .values("question__case_step")
        .annotate(answered=Count("id"), right=Count("id", filter=Q(score__gte=1.0)), mean=Avg("score"))
    }
    empty = {"answered": 0, "right": 0, "mean": None}
    return [
        {"slug": slug, "label": label, "asks": asks} | {k: rows.get(slug, empty)[k] for k in empty}
        for slug, label, asks in STEPS
    ]
