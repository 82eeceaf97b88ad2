"""Instructor screens: cohorts, gradebook, item analysis, reports, previews.

Every view here needs an instructor's permission (learners get 403), and an
instructor reaches only their own cohorts (another's is a 404). Aggregates
come from the database in a fixed number of queries, whatever the cohort size.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, Prefetch, Q, Sum
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import flaws, roster
from quizzes.exchange import export_question
from quizzes.forms import AccommodationForm, AssignmentForm, CohortForm, positive_int
from quizzes.kinds import KINDS, kind_of
from quizzes.models import (
    AnswerKeys,
    Assignment,
    Attempt,
    Citation,
    Cohort,
    ItemTally,
    Option,
    Passage,
    Question,
    Report,
    Response,
    Topic,
)

instructor_required = permission_required("quizzes.view_cohort", raise_exception=True)
FLAG_EASY, FLAG_HARD, FLAG_DISCRIMINATION, MIN_ANSWERS = 0.9, 0.2, 0.2, 5


def _own_cohorts(request: HttpRequest):
    cohorts = Cohort.objects.all()
    return cohorts if request.user.is_superuser else cohorts.taught_by(request.user)


def _cohort_for(request: HttpRequest, pk: int) -> Cohort:
    """The instructor's own cohort; anyone else's is a 404."""
    return get_object_or_404(_own_cohorts(request), pk=pk)


@login_required
@instructor_required
@require_GET
def teach_home(request: HttpRequest) -> HttpResponse:
    cohorts = _own_cohorts(request).annotate(
        n=Count("memberships", distinct=True), a=Count("assignments", distinct=True)
    )
    open_reports = Report.objects.filter(resolved=False).count()
    return render(request, "teach/home.html", {"cohorts": cohorts, "open_reports": open_reports})


# -- cohorts and assignments, made and changed here (the admin has them too) ---------------


def _assignment_for(request: HttpRequest, pk: int) -> Assignment:
    """An assignment of one of the instructor's own cohorts; anyone else's is a 404."""
    return get_object_or_404(Assignment.objects.filter(cohort__in=_own_cohorts(request)), pk=pk)


@login_required
@instructor_required
@require_http_methods(["GET", "POST"])
def cohort_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new cohort (pk None) or one renamed; it lands on the cohort's gradebook, with its join code."""
    cohort = _cohort_for(request, pk) if pk else None
    needed = "quizzes.change_cohort" if cohort else "quizzes.add_cohort"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            if cohort is None:
                saved.owner = request.user
            saved.save()
            verb = "renamed" if cohort else "created: give your learners its join code"
            messages.success(request, f"Cohort “{saved.name}” {verb}.")
            return redirect("gradebook", saved.pk)
        return render(request, "teach/cohort_form.html", {"form": form, "cohort": cohort}, status=400)
    return render(request, "teach/cohort_form.html", {"form": form, "cohort": cohort})


@login_required
@instructor_required
@require_http_methods(["GET", "POST"])
def assignment_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new assignment (for ?cohort=N, or the first cohort) or one changed; it lands on the cohort's gradebook."""
    assignment = _assignment_for(request, pk) if pk else None
    needed = "quizzes.change_assignment" if assignment else "quizzes.add_assignment"
    if not request.user.has_perm(needed):
        raise PermissionDenied
    cohorts = _own_cohorts(request)
    if not cohorts.exists():
        messages.info(request, "Create a cohort first: an assignment is set for a cohort.")
        return redirect("cohort_new")
    initial = {}
    if assignment is None and (cohort_id := positive_int(request.GET.get("cohort"))):
        initial["cohort"] = cohorts.filter(pk=cohort_id).first()
    form = AssignmentForm(request.POST or None, instance=assignment, cohorts=cohorts, initial=initial)
    context = {"form": form, "assignment": assignment}
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"Assignment “{saved.title}” {'saved' if assignment else 'set'}.")
            return redirect("gradebook", saved.cohort_id)
        return render(request, "teach/assignment_form.html", context, status=400)
    return render(request, "teach/assignment_form.html", context)


# -- gradebook -----------------------------------------------------------------------


@dataclass
class Cell:
    score: float | None = None
    answered: int = 0
    total: int = 0
    seconds: int = 0
    finished: bool = False
    late: bool = False
    attempt_pk: int | None = None

    @property
    def status(self) -> str:
        if self.attempt_pk is None:
            return "Not started"
        if not self.finished:
            return "In progress"
        return "Late" if self.late else "Done"


@dataclass
class Row:
    user: object
    cells: list[Cell] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        scores = [c.score for c in self.cells if c.score is not None]
        return sum(scores) / len(scores) if scores else None


def _gradebook(cohort: Cohort, sort: str) -> tuple[list, list[Row]]:
    assignments = list(cohort.assignments.all())
    members = [m.user for m in cohort.memberships.select_related("user").order_by("user__username")]
    attempts = (
        Attempt.objects.filter(assignment__cohort=cohort)
        .annotate(answered=Count("responses"), seconds=Sum("responses__seconds"))
        .values("pk", "user_id", "assignment_id", "score", "finished", "answered", "seconds", "question_ids")
        .order_by("started")
    )
    due = {a.pk: a.due for a in assignments}
    latest: dict[tuple[int, int], dict] = {}
    for attempt in attempts:  # the latest attempt of each learner at each assignment counts
        latest[(attempt["user_id"], attempt["assignment_id"])] = attempt
    rows = []
    for user in members:
        row = Row(user=user)
        for assignment in assignments:
            a = latest.get((user.pk, assignment.pk))
            row.cells.append(
                Cell()
                if a is None
                else Cell(
                    score=a["score"],
                    answered=a["answered"],
                    total=len(a["question_ids"]),
                    seconds=a["seconds"] or 0,
                    finished=a["finished"] is not None,
                    late=(a["finished"] or due[assignment.pk]) > due[assignment.pk],
                    attempt_pk=a["pk"],
                )
            )
        rows.append(row)
    key, _, direction = sort.partition(":")
    score_of = None
    if key.startswith("a") and (assignment_id := positive_int(key[1:])):
        index = next((i for i, a in enumerate(assignments) if a.pk == assignment_id), None)
        if index is not None:
            score_of = lambda r: r.cells[index].score  # noqa: E731
    elif key == "mean":
        score_of = lambda r: r.mean  # noqa: E731
    if score_of is None:
        rows.sort(key=lambda r: r.user.get_username(), reverse=direction == "desc")
    else:  # learners without a score stay last whichever way the column is sorted
        scored = sorted((r for r in rows if score_of(r) is not None), key=score_of, reverse=direction == "desc")
        rows = scored + [r for r in rows if score_of(r) is None]
    return assignments, rows


@never_cache  # learners' names and scores
@login_required
@instructor_required
@require_GET
def gradebook(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk)
    sort = request.GET.get("sort", "name")
    assignments, rows = _gradebook(cohort, sort)
    key, _, direction = sort.partition(":")

    def column(name: str, label: str, assignment=None) -> dict:
        active = key == name
        return {
            "label": label,
            "assignment": assignment,
            "href": f"?sort={name}{':desc' if active and direction != 'desc' else ''}",
            "aria_sort": ("descending" if direction == "desc" else "ascending") if active else "none",
        }

    columns = [column(f"a{a.pk}", a.title, a) for a in assignments]
    context = {"cohort": cohort, "rows": rows, "sort": sort, "columns": columns,
               "name_column": column("name", "Learner"), "mean_column": column("mean", "Average")}  # fmt: skip
    return render(request, "teach/gradebook.html", context)


@login_required
@instructor_required
@require_POST
def roster_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the LMS course's roster into the cohort, in the background (quizzes/roster.py)."""
    cohort = _cohort_for(request, pk)
    if not roster.can_sync(cohort):
        messages.error(request, "This cohort is not an LMS course whose roster the LMS shares with the quiz.")
        return redirect("gradebook", cohort.pk)
    transaction.on_commit(lambda: roster.sync_roster.enqueue(cohort.pk))
    messages.info(request, "The roster is being read from the LMS. Reload this page in a minute to see it.")
    return redirect("gradebook", cohort.pk)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(text: str) -> str:
    """Text a spreadsheet would take for a formula (a learner could be called =HYPERLINK(...)) is kept as text.

    OWASP's advice for CSV injection: a leading single quote. Only text cells go through here; numbers such as
    scores stay numbers.
    """
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@never_cache  # learners' names and scores
@login_required
@instructor_required
@require_GET
def gradebook_csv(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk)
    assignments, rows = _gradebook(cohort, request.GET.get("sort", "name"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{cohort.pk}.csv"'
    writer = csv.writer(response)
    header = ["learner"]
    for a in assignments:
        header += [f"{a.title}: score %", f"{a.title}: answered", f"{a.title}: minutes", f"{a.title}: status"]
    writer.writerow([_text_cell(h) for h in header])
    for row in rows:
        line = [_text_cell(row.user.get_username())]
        for c in row.cells:
            score = "" if c.score is None else f"{c.score * 100:.0f}"
            line += [score, f"{c.answered}/{c.total}", f"{c.seconds / 60:.1f}", c.status]
        writer.writerow(line)
    return response


@never_cache  # learners' names and scores
@login_required
@instructor_required
@require_http_methods(["GET", "POST"])
def learner_detail(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """One learner's attempts at the cohort's assignments, and the extra time granted to them (POST)."""
    cohort = _cohort_for(request, pk)
    membership = get_object_or_404(cohort.memberships.select_related("user"), user_id=user_pk)
    form = AccommodationForm(request.POST if request.method == "POST" else None, instance=membership)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("quizzes.change_membership"):
            return HttpResponse("You may read this class but not change it.", status=403)
        if form.is_valid():
            form.save()
            messages.success(
                request,
                f"{membership.user.get_username()} now has {membership.get_time_allowance_display().lower()} "
                "on this class's timed assignments, from the next attempt they start.",
            )
            return redirect("learner_detail", cohort.pk, membership.user_id)
        status = 400
    attempts = (
        Attempt.objects.filter(assignment__cohort=cohort, user_id=user_pk)
        .select_related("assignment")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("question")
                .prefetch_related(Prefetch("question__options", queryset=Option.objects.order_by("position")))
                .order_by("created"),
            )
        )
        .order_by("assignment__due", "started")
    )
    context = {"cohort": cohort, "learner": membership.user, "attempts": attempts, "form": form}
    return render(request, "teach/learner.html", context, status=status)


# -- item analysis ---------------------------------------------------------------------


def item_statistics(questions, learners=None) -> list[dict]:
    """Facility, discrimination, option picks and mean time per question, over first answers.

    A learner's first answer to a question is the one that counts, as in
    Moodle's quiz statistics. Discrimination is the upper-lower 27% index:
    facility among the best 27% of learners (by their mean first-answer
    score) minus facility among the lowest 27%.

    Over every learner, the first answers of deleted accounts count too, from
    their anonymous tallies (ItemTally): the number of answers, facility, mean
    time and picks stay as they were when a learner deletes their account.
    Discrimination ranks the learners still here, and a cohort's statistics
    count its members.
    """
    answered = Response.objects.filter(question__in=questions)
    if learners is not None:
        answered = answered.filter(attempt__user__in=learners)
    firsts = answered.first_answers()
    totals = dict(firsts.values("attempt__user").annotate(t=Avg("score")).values_list("attempt__user", "t"))
    ranked = sorted(totals, key=lambda u: totals[u])
    k = max(1, round(len(ranked) * 0.27))
    lower, upper = ranked[:k], ranked[-k:]

    def facility_of(users) -> dict[int, float]:
        rows = firsts.filter(attempt__user__in=users).values("question").annotate(f=Avg("score"))
        return {r["question"]: r["f"] for r in rows}

    up, low = (facility_of(upper), facility_of(lower)) if len(ranked) >= 2 else ({}, {})
    per_question = {
        r["question"]: r
        for r in firsts.values("question").annotate(n=Count("id"), points=Sum("score"), seconds=Sum("seconds"))
    }
    tallies = {t.question_id: t for t in ItemTally.objects.filter(question__in=questions)} if learners is None else {}
    picks: dict[int, dict[str, int]] = {pk: dict(t.picks) for pk, t in tallies.items()}
    # How often each option was picked, for the kinds whose answers are picks of options (Kind.picked_key).
    one_pick = [name for name, kind in KINDS.items() if kind.picked_key == "option"]
    several = [name for name, kind in KINDS.items() if kind.picked_key not in ("", "option")]
    single = firsts.filter(question__kind__in=one_pick).annotate(opt=KT("answer__option"))
    for r in single.values("question", "opt").annotate(n=Count("id")):
        counts = picks.setdefault(r["question"], {})
        counts[str(r["opt"])] = counts.get(str(r["opt"]), 0) + r["n"]
    for qid, kind, answer in firsts.filter(question__kind__in=several).values_list(
        "question", "question__kind", "answer"
    ):
        for option in kind_of(kind).picks_of(answer):
            picks.setdefault(qid, {})[str(option)] = picks.get(qid, {}).get(str(option), 0) + 1

    stats = []
    for question in questions:
        s = per_question.get(question.pk) or {"n": 0, "points": 0.0, "seconds": 0}
        t = tallies.get(question.pk) or ItemTally()
        n = s["n"] + t.answers
        facility = (s["points"] + t.score_sum) / n if n else None
        time = (s["seconds"] + t.seconds_sum) / n if n else None
        discrimination = up[question.pk] - low[question.pk] if question.pk in up and question.pk in low else None
        reasons = []
        if n >= MIN_ANSWERS and facility is not None:
            if facility > FLAG_EASY:
                reasons.append("very easy (facility above 0.9)")
            if facility < FLAG_HARD:
                reasons.append("very hard (facility below 0.2)")
            if discrimination is not None and discrimination < FLAG_DISCRIMINATION:
                reasons.append("does not separate stronger from weaker learners (discrimination below 0.2)")
        counts = picks.get(question.pk, {})
        options = [
            SimpleNamespace(text=o.text, correct=o.is_correct, picked=counts.get(str(o.pk), 0))
            for o in question.options.all()
        ]
        stats.append(
            {
                "question": question,
                "n": n,
                "facility": facility,
                "discrimination": discrimination,
                "time": time,
                "options": options if question.kind_obj.picked_key else [],
                "flags": reasons,
            }
        )
    stats.sort(key=lambda s: (not s["flags"], s["question"].topic.position, s["question"].key))
    return stats


def item_flaws(question: Question) -> list[str]:
    """The flaw screen's findings for one question (prefetched options and citations), named for an instructor."""
    errors, kept = flaws.sorted_out(export_question(question))
    names = dict.fromkeys(rule.name for rule, _ in errors)
    names |= {rule.name: f" (accepted: {reason})" for rule, _, reason in kept}
    return [f"{name}{note or ''}" for name, note in names.items()]


ITEM_SORTS = {
    "key": lambda s: s["question"].key,
    "n": lambda s: s["n"],
    "facility": lambda s: (s["facility"] is None, s["facility"] or 0),
    "discrimination": lambda s: (s["discrimination"] is None, s["discrimination"] or 0),
    "time": lambda s: (s["time"] is None, s["time"] or 0),
}


@login_required
@instructor_required
@require_GET
def item_analysis(request: HttpRequest) -> HttpResponse:
    """One bank's item statistics: a table sortable by each column (as Moodle's quiz statistics), flagged
    questions first unless another order is chosen, then each question's detail beside the passage it cites."""
    # Only banks with questions that learners can meet (published or retired) are offered; drafts have no answers
    topics = list(
        Topic.objects.annotate(count=Count("questions", filter=~Q(questions__status=Question.Status.DRAFT))).filter(
            count__gt=0
        )
    )
    cohorts = _own_cohorts(request)
    chosen = request.GET.get("topic", "")
    topic = next((t for t in topics if t.slug == chosen), topics[0] if topics else None)
    cohort_id = positive_int(request.GET.get("cohort"))  # anything else means every learner
    cohort = cohorts.filter(pk=cohort_id).first() if cohort_id else None
    questions = (
        Question.objects.filter(topic=topic)
        .exclude(status=Question.Status.DRAFT)
        .select_related("topic")
        .prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position")),
            Prefetch("citations", queryset=Citation.objects.select_related("passage__source").order_by("position")),
        )
    )
    learners = cohort.members.all() if cohort else None
    stats = item_statistics(list(questions), learners) if topic else []
    for s in stats:
        # Its item-writing flaws beside its numbers: is a flawed item also one that does not discriminate?
        s["flaws"] = item_flaws(s["question"])
        s["cites"] = [c for c in s["question"].citations.all() if c.option_id is None]
    sort = request.GET.get("sort", "")
    field = sort.removeprefix("-")
    if field in ITEM_SORTS:
        stats.sort(key=ITEM_SORTS[field], reverse=sort.startswith("-"))
    else:
        sort = ""
    columns = [
        ("key", "Question"), ("n", "First answers"), ("facility", "Facility"),
        ("discrimination", "Discrimination"), ("time", "Mean time"),
    ]  # fmt: skip
    headers = [
        {
            "label": label,
            "sort": f"-{name}" if sort == name else name,  # a second click reverses
            "aria_sort": "ascending" if sort == name else "descending" if sort == f"-{name}" else "",
        }
        for name, label in columns
    ]
    context = {"topics": topics, "topic": topic, "cohorts": cohorts, "cohort": cohort, "stats": stats,
               "min_answers": MIN_ANSWERS, "headers": headers, "sort": sort}  # fmt: skip
    return render(request, "teach/items.html", context)


# -- reports, previews, passages --------------------------------------------------------


@login_required
@permission_required("quizzes.view_report", raise_exception=True)
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm("quizzes.change_report"):
            return HttpResponse(status=403)
        pk = positive_int(request.POST.get("report"))
        if pk is None:
            raise Http404("No such report.")
        report = get_object_or_404(Report, pk=pk)
        report.resolved = True
        report.save(update_fields=["resolved"])
        messages.success(request, "Marked as dealt with.")
        return redirect("teach_reports")
    open_reports = (
        Report.objects.shown_to(request.user)
        .filter(resolved=False)
        .select_related("question")
        .prefetch_related(
            Prefetch(
                "question__citations",
                queryset=Citation.objects.filter(option__isnull=True).select_related("passage__source"),
            )
        )
    )
    return render(request, "teach/reports.html", {"reports": open_reports})


@login_required
@permission_required("quizzes.view_question", raise_exception=True)
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's view of any question, drafts included, with the feedback for the right answer."""
    question = get_object_or_404(Question.objects.with_parts(), pk=pk)
    answer = question.correct_answer()
    attempt = SimpleNamespace(pk=0, total=1, is_exam=False, title="Preview", finished=None, mode="tutor")
    context = {
        "attempt": attempt,
        "number": 1,
        "question": question,
        "response": SimpleNamespace(score=question.score(answer), verdict="right", answer=answer),
        "form_parts": question.form_parts(0, AnswerKeys(0, 0, question.pk)),
        "editable": False,
        "show_feedback": True,
        "is_last": False,
        "preview": True,
        "parts": question.feedback(answer),
    }
    return render(request, "teach/preview.html", context)


@login_required
@permission_required("quizzes.view_passage", raise_exception=True)
@require_GET
def passage_json(request: HttpRequest, pk: int) -> JsonResponse:
    passage = get_object_or_404(Passage, pk=pk)
    return JsonResponse({"key": passage.key, "text": passage.text})
