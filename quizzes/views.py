from __future__ import annotations

import random
from itertools import groupby

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from quizzes import mydata
from quizzes import progress as learner_progress
from quizzes.forms import (
    BuilderForm,
    CaseStartForm,
    DeleteAccountForm,
    DeleteLmsAccountForm,
    ProfileForm,
    SignupForm,
    StartForm,
    positive_int,
)
from quizzes.judgment import STEP_LABELS, STEP_SLUGS, STEPS
from quizzes.models import (
    AnswerError,
    Assignment,
    Attempt,
    AttemptClosed,
    CaseEntry,
    CaseMovedOn,
    CaseStudy,
    Citation,
    Cohort,
    Flag,
    Membership,
    Passage,
    Profile,
    Question,
    QuestionVersion,
    Report,
    Response,
    ReviewCard,
    Source,
    Topic,
    exam_deadline,
)
from quizzes.throttle import login_address_limit, throttle
from quizzes.visibility import Visibility, counted_responses

PATIENT_SET_SIZE = 5
REVIEW_BATCH = 20

# -- access helpers: each returns the object or raises 404 -----------------------


def _attempt_for(request: HttpRequest, pk: int) -> Attempt:
    """The visitor's own attempt; anyone else's is indistinguishable from none.

    An exam whose time is up is finished here, so every page sees it ended.
    """
    attempt = get_object_or_404(Attempt.objects.owned_by(request).select_related("topic"), pk=pk)
    attempt.close_if_expired()
    return attempt


def _question_for(attempt: Attempt, number: int) -> Question:
    question = attempt.question_at(number)
    if question is None:
        raise Http404("No such question in this attempt.")
    return question


def _remember_attempt(request: HttpRequest, attempt: Attempt) -> None:
    if attempt.user_id is None:
        request.session["attempt_ids"] = [*request.session.get("attempt_ids", []), attempt.pk]


def _flagged_ids(request: HttpRequest) -> set[int]:
    if request.user.is_authenticated:
        return set(Flag.objects.filter(user=request.user).values_list("question_id", flat=True))
    return set(request.session.get("flagged_ids", []))


def _allowance(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        profile = Profile.objects.filter(user=request.user).only("time_allowance").first()
        if profile:
            return profile.time_allowance
    return Profile.TimeAllowance.STANDARD


def _safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to: a path on this site from the form, or the default."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") and not target.startswith("//") else default


# -- pages -----------------------------------------------------------------------
# Pages that show a learner's own work carry never_cache (Cache-Control: private, no-store): a shared computer's
# browser or a proxy must not keep or replay them.


def _home_context(request: HttpRequest) -> dict:
    unfinished = (
        Attempt.objects.owned_by(request).unfinished().select_related("topic").annotate(answered=Count("responses"))
    )
    due = next_review = None
    if request.user.is_authenticated:
        held = Visibility.of(request).held_back
        cards = ReviewCard.objects.filter(user=request.user).exclude(question_id__in=held)
        due = cards.due().count()
        if due == 0:
            next_review = next_review_sentence(cards.next_review())
    assignments = []
    if request.user.is_authenticated:
        mine = {
            a.assignment_id: a
            for a in Attempt.objects.filter(user=request.user, assignment__isnull=False).order_by("started")
        }
        for assignment in Assignment.objects.for_learner(request.user).open().select_related("cohort"):
            assignments.append({"assignment": assignment, "attempt": mine.get(assignment.pk)})
    return {
        "topics": Topic.objects.with_published_counts(),
        "form": StartForm(),
        "unfinished": [a for a in unfinished[:5] if a.is_open()],
        "due": due,
        "next_review": next_review,
        "assignments": assignments,
    }


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/home.html", _home_context(request))


@throttle("start", "started practices without an account", anonymous_only=True)
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    form = StartForm(request.POST)
    if not form.is_valid():
        context = _home_context(request) | {"error_topic": topic.slug, "error_form": form}
        return render(request, "quizzes/home.html", context, status=400)
    ids = Visibility.of(request).drawable(topic.questions.standalone().values_list("pk", flat=True))
    if not ids:
        return _nothing_to_draw(request, "This bank has no published questions yet.")
    chosen = random.sample(ids, min(form.cleaned_data["count"], len(ids)))
    return _begin(request, chosen, topic=topic)


def _nothing_to_draw(request: HttpRequest, message: str) -> HttpResponse:
    """No question left to practise: say why (an open exam holds them back, or there are none) and go home."""
    visibility = Visibility.of(request)
    if not visibility.open_exams:
        raise Http404(message)
    messages.info(
        request,
        f"The questions left here are in your open exam “{visibility.exam_title()}”. "
        "They come back to practice once you finish that exam.",
    )
    return redirect(_safe_next(request, reverse("home")))


def _begin(request: HttpRequest, question_ids: list[int], **fields) -> HttpResponse:
    """Create the visitor's attempt over these questions and go to the first."""
    attempt = Attempt.objects.create(
        user=request.user if request.user.is_authenticated else None,
        question_ids=question_ids,
        seed=random.randrange(1 << 30),
        **fields,
    )
    _remember_attempt(request, attempt)
    return redirect("question", attempt.pk, 1)


@throttle("start", "started practices without an account", anonymous_only=True)
@require_POST
def practise_passage(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """A practice of exactly the published questions that cite one passage."""
    passage = get_object_or_404(Passage.objects.select_related("source"), source__slug=slug, key=key)
    ids = Visibility.of(request).drawable(Question.objects.standalone().citing(passage).values_list("pk", flat=True))
    if not ids:
        return _nothing_to_draw(request, "No published question cites this passage yet.")
    random.shuffle(ids)
    label = f"{passage.source.title}: {passage.heading or 'passage'}"
    return _begin(request, ids, label=label[:200])


def _question_context(
    request: HttpRequest,
    attempt: Attempt,
    number: int,
    question: Question,
    response: Response | None,
    posted=None,
    visibility: Visibility | None = None,
) -> dict:
    visibility = visibility or Visibility.of(request)
    held_back = visibility.holds_back(attempt, question.pk)
    show_feedback = response is not None and visibility.shows_key(attempt, question.pk, answered=True)
    flagged = _flagged_ids(request)
    context = {
        "attempt": attempt,
        "number": number,
        "question": question,
        "response": response,
        "show_feedback": show_feedback,
        "held_back": held_back,
        "exam_title": visibility.exam_title() if held_back else "",
        "editable": attempt.is_open() and (response is None or attempt.is_exam) and not held_back,
        "form_parts": question.form_parts(
            attempt.seed, attempt.keys_for(question), response.answer if response else None, posted
        ),
        "is_last": number == attempt.total,
        "is_flagged": question.pk in flagged,
        "patient_mode": attempt.mode == Attempt.Mode.PATIENT,
    }
    if show_feedback:
        context["parts"] = question.feedback(response.answer)
    if question.case_id:
        context |= _case_context(question.case_id, question.case_step)
    if attempt.is_exam:
        context |= _navigator(attempt, flagged)
        context["seconds_left"] = attempt.seconds_left()
    return context


def _case_context(case_id: int, case_step: str) -> dict:
    """The client record beside a case study's question, as it stands at that question's step (in a review
    or a mistakes practice too, so the question always reads with what it depends on)."""
    case = (
        CaseStudy.objects.prefetch_related(
            Prefetch("entries", queryset=CaseEntry.objects.select_related("passage__source"))
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        return {}
    step = STEP_SLUGS.index(case_step) + 1 if case_step in STEP_SLUGS else len(STEP_SLUGS)
    return {"case": case, "case_step": step, "case_step_label": STEP_LABELS.get(case_step, ""),
            "case_record": case.record_at(step)}  # fmt: skip


def _navigator(attempt: Attempt, flagged: set[int]) -> dict:
    """The exam's question navigator: each question answered or not, flagged or not."""
    answered = set(attempt.responses.values_list("question_id", flat=True))
    items = [
        {"number": n, "answered": qid in answered, "flagged": qid in flagged}
        for n, qid in enumerate(attempt.question_ids, start=1)
    ]
    return {"navigator": items, "answered_count": len(answered)}


@never_cache
@require_GET
def question(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _question_page(request, _attempt_for(request, pk), number)


def _question_page(request: HttpRequest, attempt: Attempt, number: int) -> HttpResponse:
    """Question `number` of the attempt: the whole page, or with htmx the #quiz partial."""
    if attempt.case_id and attempt.is_open() and number > (turn := attempt.case_turn()):
        # The record unfolds with the questions: what a later step shows would give away an earlier answer.
        messages.info(request, f"This case unfolds in order: answer question {turn} first.")
        target = reverse("question", args=[attempt.pk, turn])
        return HttpResponse(headers={"HX-Redirect": target}) if request.htmx else redirect(target)
    question = _question_for(attempt, number)
    response = Response.objects.filter(attempt=attempt, question=question).first()
    if response is not None and not (attempt.is_exam and attempt.is_open()):
        question = response.shown_question(question)  # as it was when answered, even if edited since
    context = _question_context(request, attempt, number, question, response)
    template = "quizzes/question.html#quiz" if request.htmx else "quizzes/question.html"
    return render(request, template, context | {"swapped": bool(request.htmx)})


def _gave_nothing(data) -> bool:
    """True when a posted answer form has nothing chosen or typed (placeholders post empty values)."""
    given = (value for key, values in data.lists() if key not in ("csrfmiddlewaretoken", "go") for value in values)
    return not any(given)


class _NothingToSave(Exception):
    """An exam move with nothing chosen on the page: there is nothing to save, so nothing is refused."""


def _refuse(request: HttpRequest, context: dict, message: str, status: int) -> HttpResponse:
    """Show the question again with a message; htmx swaps just the form."""
    context = context | {"error": message, "swapped": bool(request.htmx)}
    if request.htmx:
        page = render(request, "quizzes/question.html#question-form", context, status=status)
        return reswap(retarget(page, "#question-form"), "outerHTML")
    return render(request, "quizzes/question.html", context, status=status)


@never_cache
@require_POST
def answer(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    question = _question_for(attempt, number)
    response = Response.objects.filter(attempt=attempt, question=question).first()
    visibility = Visibility.of(request)
    if visibility.holds_back(attempt, question.pk):
        context = _question_context(request, attempt, number, question, response, visibility=visibility)
        message = (
            f"This question is also in your open exam “{visibility.exam_title()}”, "
            "so it cannot be answered here until you finish that exam."
        )
        return _refuse(request, context, message, 409)
    # In an exam, Previous, Next, the navigator and Submit post the form too (field "go"), so a choice made
    # without pressing Save is saved on the way; moving on with nothing chosen saves nothing and loses nothing.
    go = request.POST.get("go", "") if attempt.is_exam else ""
    if attempt.is_exam and attempt.case_id and not go and number < attempt.total:
        go = str(number + 1)  # a timed case keeps a saved answer, so saving moves the case on
    move_to = positive_int(go, upper=attempt.total) if go and go != "submit" else None
    moving = go == "submit" or move_to is not None
    if response is None or attempt.is_exam:
        try:
            if moving and _gave_nothing(request.POST):
                raise _NothingToSave
            given = question.parse_answer(request.POST, attempt.keys_for(question))
            response, _ = attempt.record_answer(question, given)
        except _NothingToSave:
            pass
        except AnswerError as exc:
            context = _question_context(
                request, attempt, number, question, response, posted=request.POST, visibility=visibility
            )
            # 422, not 400: an answer that cannot be scored is an expected, well-formed request. htmx swaps it in
            # place (base.html's responseHandling), and django-htmx's DEBUG error handler, which replaces the
            # whole document on a 400, leaves it alone, so `make run` behaves as production does.
            return _refuse(request, context | {"missing": exc.missing}, str(exc), 422)
        except CaseMovedOn:
            turn = attempt.case_turn()
            message = (
                f"This case has moved on to question {turn}, so this answer is kept as it was saved."
                if turn > number
                else f"This case unfolds in order: answer question {turn} first."
            )
            context = _question_context(request, attempt, number, question, response, visibility=visibility)
            return _refuse(request, context, message, 409)
        except AttemptClosed:
            attempt.close_if_expired()
            message = (
                "Time is up: this exam has ended, so answers can no longer be changed. Your saved answers count."
                if attempt.is_exam
                else "This practice is finished, so answers can no longer be changed."
            )
            context = _question_context(request, attempt, number, question, response, visibility=visibility)
            return _refuse(request, context, message, 409)
    if attempt.is_exam:
        if go == "submit":
            target = reverse("submit_exam", args=[attempt.pk])
            return HttpResponse(headers={"HX-Redirect": target}) if request.htmx else redirect(target)
        if move_to is not None:
            if request.htmx:
                page = _question_page(request, attempt, move_to)
                page["HX-Push-Url"] = reverse("question", args=[attempt.pk, move_to])
                return reswap(retarget(page, "#quiz"), "outerHTML")
            return redirect("question", attempt.pk, move_to)
        # "Save answer" stays on the question, with JavaScript and without
        if request.htmx:
            context = _question_context(request, attempt, number, question, response, visibility=visibility)
            context |= {"saved": True}
            return render(request, "quizzes/question.html#exam-saved", context)
        later = "It is kept: submit when you are ready." if attempt.case_id else "You can change it until you submit."
        messages.success(request, f"Your answer to question {number} is saved. {later}")
        return redirect("question", attempt.pk, number)
    if request.htmx:
        context = _question_context(request, attempt, number, question, response, visibility=visibility)
        return render(request, "quizzes/question.html#answered", context)
    return redirect("question", attempt.pk, number)


@never_cache
@require_http_methods(["GET", "POST"])
def submit_exam(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and end an exam. With questions unanswered it asks first (GET, or a POST without confirm)."""
    attempt = _attempt_for(request, pk)
    if not attempt.is_exam or attempt.finished is not None:
        return redirect("review" if attempt.shows_feedback else "results", attempt.pk)
    answered = set(attempt.responses.values_list("question_id", flat=True))
    unanswered = [n for n, qid in enumerate(attempt.question_ids, start=1) if qid not in answered]
    if request.method == "POST" and (not unanswered or request.POST.get("confirm") == "yes"):
        attempt.finish()
        return redirect("review", attempt.pk)
    context = {"attempt": attempt, "unanswered": unanswered, "answered": attempt.total - len(unanswered)}
    return render(request, "quizzes/submit.html", context)


@never_cache
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    visibility = Visibility.of(request)
    responses = {r.question_id: r for r in attempt.responses.all()}
    questions = Question.objects.in_bulk(attempt.question_ids)
    rows = [
        {
            "number": n,
            "question": questions.get(qid),
            "response": responses.get(qid),
            "held_back": visibility.holds_back(attempt, qid),
        }
        for n, qid in enumerate(attempt.question_ids, start=1)
    ]
    answered = [r for r in rows if r["response"]]
    if attempt.finished is not None:
        score = attempt.score
    else:
        score = sum(r["response"].score for r in answered) / len(answered) if answered else None
    next_open = next((r["number"] for r in rows if not r["response"]), None) if attempt.is_open() else None
    context = {"attempt": attempt, "rows": rows, "answered": len(answered), "score": score, "next_open": next_open}
    if visibility.holds_back_any(attempt):
        # One verdict or even the total of a short practice would tell an open exam's key.
        context |= {"score": None, "held_back_title": visibility.exam_title()}
    return render(request, "quizzes/results.html", context)


@never_cache
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Every question of an attempt with the learner's answer, the right answer, rationales and citations."""
    attempt = _attempt_for(request, pk)
    if not attempt.shows_feedback:
        messages.info(request, "Answers and rationales appear when the exam is over.")
        return redirect("question", attempt.pk, 1)
    visibility = Visibility.of(request)
    responses = {r.question_id: r for r in attempt.responses.all()}
    questions = Question.objects.with_parts().in_bulk(attempt.question_ids)
    earlier = QuestionVersion.as_answered(responses.values(), questions)
    items = []
    for n, qid in enumerate(attempt.question_ids, start=1):
        question, response = questions.get(qid), responses.get(qid)
        if question is None:  # deleted since the attempt began (it was never answered, or it could not be)
            continue
        if response is not None:
            question = response.shown_question(question, earlier)
        # While the attempt is open, an unanswered question shows nothing of its key (reading the review first
        # must not be a way to score without knowing), nor does a question of an open exam.
        shown = visibility.shows_key(attempt, qid, answered=response is not None)
        items.append(
            {
                "number": n,
                "question": question,
                "step_label": STEP_LABELS.get(question.case_step, "") if attempt.case_id else "",
                "response": response,
                "held_back": visibility.holds_back(attempt, qid),
                "parts": question.feedback(response.answer if response else {}) if shown else None,
                "text": question.answered_text(response.answer if response else {}) if shown else [],
            }
        )
    context = {"attempt": attempt, "items": items}
    if attempt.case_id:  # the whole record, as it stood at the last step
        context |= _case_context(attempt.case_id, STEP_SLUGS[-1])
    if visibility.holds_back_any(attempt):
        context["held_back_title"] = visibility.exam_title()
    return render(request, "quizzes/review.html", context)


# -- building a quiz ---------------------------------------------------------------


def _builder_questions(request: HttpRequest, data: dict, visibility: Visibility):
    qs = Question.objects.matching(
        topics=data["topics"], kinds=data["kinds"], difficulties=data["difficulties"], audience=data["audience"]
    ).exclude(pk__in=visibility.held_back)
    pool = data["pool"]
    if pool == "unseen":
        qs = qs.exclude(pk__in=counted_responses(request).values("question_id"))
    elif pool == "wrong":
        qs = qs.last_answered_wrong(counted_responses(request))
    elif pool == "flagged":
        qs = qs.filter(pk__in=_flagged_ids(request))
    return qs


@throttle("start", "started practices without an account", anonymous_only=True)
@require_http_methods(["GET", "POST"])
def build(request: HttpRequest) -> HttpResponse:
    """The quiz builder: POST starts the quiz, or with action=count only counts the matching questions (the
    button for that without JavaScript); htmx counts by GET as the choices change."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = BuilderForm(data, initial={"allowance": _allowance(request)})
    starting = request.method == "POST" and request.POST.get("action") != "count"
    matches = None
    visibility = Visibility.of(request)
    if form.is_bound and form.is_valid():
        choices = form.cleaned_data
        rows = list(_builder_questions(request, choices, visibility).values_list("pk", "kind"))
        matches = len(rows)
        if starting and rows:
            chosen = _draw(rows, choices["count"], mix=choices["mix"])
            exam = choices["mode"] == Attempt.Mode.EXAM
            now = timezone.now()
            topics = list(choices["topics"])
            label = topics[0].name if len(topics) == 1 else f"Mixed practice ({len(topics) or 'all'} banks)"
            return _begin(
                request,
                chosen,
                mode=choices["mode"],
                label=label,
                started=now,
                deadline=exam_deadline(now, choices["minutes"], choices["allowance"]) if exam else None,
            )
        if starting:
            form.add_error(None, "No questions match these choices. Tick more banks or kinds, or choose another pool.")
    context = {"form": form, "matches": matches, "held_back_title": visibility.exam_title()}
    if request.htmx and request.method == "GET":
        return render(request, "quizzes/build.html#match-count", context)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "quizzes/build.html", context, status=status)


def _draw(rows: list[tuple[int, str]], count: int, mix: bool) -> list[int]:
    """`count` question ids at random from (id, kind) rows; with `mix`, round-robin over the kinds (in random
    order) so each kind that matches gets an equal share, as far as it has questions."""
    if not mix:
        return random.sample([pk for pk, _ in rows], min(count, len(rows)))
    by_kind: dict[str, list[int]] = {}
    for pk, kind in rows:
        by_kind.setdefault(kind, []).append(pk)
    pools = [random.sample(ids, len(ids)) for ids in by_kind.values()]
    random.shuffle(pools)
    chosen: list[int] = []
    while len(chosen) < count and any(pools):
        for pool in pools:
            if pool and len(chosen) < count:
                chosen.append(pool.pop())
    random.shuffle(chosen)  # the kinds are mixed in the order too, not dealt in turn
    return chosen


@throttle("start", "started practices without an account", anonymous_only=True)
@require_POST
def practise_mistakes(request: HttpRequest) -> HttpResponse:
    wrong = Question.objects.published().last_answered_wrong(counted_responses(request))
    ids = Visibility.of(request).drawable(wrong.values_list("pk", flat=True))
    if not ids:
        messages.info(request, "There are no mistakes to review: every question you answered was right last time.")
        return redirect(_safe_next(request, reverse("home")))
    random.shuffle(ids)
    return _begin(request, ids[:REVIEW_BATCH], mode=Attempt.Mode.MISTAKES, label="Review my mistakes")


@login_required
@require_POST
def review_due(request: HttpRequest) -> HttpResponse:
    ids = list(
        ReviewCard.objects.filter(user=request.user, question__status=Question.Status.PUBLISHED)
        .due()
        .exclude(question_id__in=Visibility.of(request).held_back)
        .order_by("due")
        .values_list("question_id", flat=True)[:REVIEW_BATCH]
    )
    if not ids:
        upcoming = ReviewCard.objects.filter(user=request.user, question__status=Question.Status.PUBLISHED)
        messages.info(request, "Nothing is due for review yet. " + next_review_sentence(upcoming.next_review()))
        return redirect(_safe_next(request, reverse("home")))
    return _begin(request, ids, mode=Attempt.Mode.REVIEW, label="Spaced review")


def next_review_sentence(upcoming: tuple | None, now=None) -> str:
    """“Your next review is due tomorrow, with 3 questions.”: when the queue comes back, in words."""
    if upcoming is None:
        return "Questions you answer come back here for review, sooner the less sure you were of them."
    due, count = upcoming
    now, local = timezone.localtime(now or timezone.now()), timezone.localtime(due)
    days = (local.date() - now.date()).days
    if days == 0:
        when = f"later today, from {local:%H:%M}"
    elif days == 1:
        when = "tomorrow"
    else:
        when = f"on {local:%A}, {local:%B} {local.day}"
    return f"Your next review is due {when}, with {count} question{pluralize(count)}."


@require_POST
def toggle_flag(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.published(), pk=pk)
    if request.user.is_authenticated:
        flag, created = Flag.objects.get_or_create(user=request.user, question=question)
        if not created:
            flag.delete()
        is_flagged = created
    else:
        ids = set(request.session.get("flagged_ids", []))
        is_flagged = question.pk not in ids
        ids = ids | {question.pk} if is_flagged else ids - {question.pk}
        request.session["flagged_ids"] = sorted(ids)
    if request.htmx:
        context = {"question": question, "is_flagged": is_flagged, "flag_next": request.POST.get("next", "")}
        # on an exam page the navigator shows flags too: update it with the button (an out-of-band swap)
        exam_pk = positive_int(request.POST.get("attempt"))
        exams = Attempt.objects.owned_by(request).filter(mode=Attempt.Mode.EXAM)
        attempt = exams.filter(pk=exam_pk).first() if exam_pk else None
        if attempt is not None and question.pk in attempt.question_ids:
            number = attempt.question_ids.index(question.pk) + 1
            context |= {"attempt": attempt, "number": number, "oob": True} | _navigator(attempt, _flagged_ids(request))
            return render(request, "quizzes/question.html#flag-and-navigator", context)
        return render(request, "quizzes/question.html#flag", context)
    messages.success(request, "Flagged for later." if is_flagged else "Flag removed.")
    return redirect(_safe_next(request, reverse("home")))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    instance, _ = Profile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            request.session[Profile.PATIENT_KEY] = saved.role == Profile.Role.PATIENT
            messages.success(request, "Your settings are saved.")
            return redirect("profile")
        return render(request, "quizzes/profile.html", {"form": form}, status=400)
    return render(request, "quizzes/profile.html", {"form": form})


@never_cache
@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything the app holds about the learner, as a JSON file to keep (quizzes/mydata.py)."""
    data = mydata.export_for(request.user)
    name = f"my-data-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.json"
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@never_cache
@login_required
@login_address_limit  # the password is checked as a login is: the same per-address pause applies
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Say plainly what is deleted and what is kept, ask for the password, then delete it all in one go."""
    page = "quizzes/delete_account.html"
    if refusal := mydata.why_not_deletable(request.user):
        return render(request, page, {"refusal": refusal}, status=409 if request.method == "POST" else 200)
    kind = DeleteAccountForm if request.user.has_usable_password() else DeleteLmsAccountForm
    form = kind(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            mydata.delete_account(request.user)
            logout(request)
            messages.success(request, "Your account and your data are deleted.")
            return redirect("home")
        form.focus_first_error()
        return render(request, page, {"form": form}, status=400)
    return render(request, page, {"form": form})


# -- cohorts, assignments and reports ----------------------------------------------


@login_required
@throttle("join", "tried join codes", methods=("GET", "POST"))
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort, join_code=code.strip().upper())
    if request.method == "POST":
        Membership.objects.get_or_create(cohort=cohort, user=request.user)
        messages.success(request, f"You joined {cohort.name}. Its assignments are on your home page.")
        return redirect("home")
    member = cohort.memberships.filter(user=request.user).exists()
    return render(request, "quizzes/join.html", {"cohort": cohort, "member": member})


@login_required
@throttle("join", "tried join codes", methods=("POST",))
@require_POST
def join_with_code(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "").strip().upper()
    if not Cohort.objects.filter(join_code=code).exists():
        messages.error(request, "No class has that code. Check it with your instructor and try again.")
        return redirect("home")
    return redirect("join", code)


@login_required
@require_POST
def start_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or resume) a learner's attempt at an assignment of one of their cohorts."""
    assignment = get_object_or_404(Assignment.objects.for_learner(request.user).open(), pk=pk)
    existing = Attempt.objects.filter(user=request.user, assignment=assignment).order_by("-started").first()
    if existing is not None:
        existing.close_if_expired()
        if existing.is_open():
            return redirect("results", existing.pk)
        return redirect("review" if existing.shows_feedback else "results", existing.pk)
    ids = assignment.draw_questions()
    if not ids:
        raise Http404("This assignment has no published questions.")
    visibility = Visibility.of(request)
    if len(visibility.drawable(ids)) < len(ids):
        # Graded work keeps its questions; it waits rather than start without some of them.
        messages.info(
            request,
            f"This assignment shares questions with your open exam “{visibility.exam_title()}”. "
            "Finish that exam first, then start the assignment.",
        )
        return redirect("home")
    now = timezone.now()
    timed = assignment.mode == Attempt.Mode.EXAM and assignment.time_limit
    # Extra time on an instructor's exam is what the instructor granted this learner in the class, never the
    # learner's own setting (which applies to the practice exams they build).
    membership = Membership.objects.get(cohort_id=assignment.cohort_id, user=request.user)
    deadline = exam_deadline(now, assignment.time_limit, membership.time_allowance) if timed else None
    return _begin(
        request,
        ids,
        assignment=assignment,
        mode=assignment.mode,
        label=assignment.title,
        started=now,
        deadline=deadline,
    )


@throttle("report", "sent reports without an account", anonymous_only=True)
@require_POST
def report_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.published(), pk=pk)
    comment = " ".join(request.POST.get("comment", "").split())[:2000]
    if not comment:
        messages.error(request, "Say what looks wrong, so the instructors can check it.")
    else:
        Report.objects.create(question=question, user=request.user if request.user.is_authenticated else None,
                              comment=comment)  # fmt: skip
        messages.success(request, "Thank you: the instructors will check this question against its sources.")
    return redirect(_safe_next(request, reverse("home")))


# -- the patient self-check --------------------------------------------------------


PASSAGES_TO_REREAD = 5


@never_cache
@require_GET
def check(request: HttpRequest) -> HttpResponse:
    """The patient's home: the topics to check, what this visitor has checked, and what to read again.

    No scores: a check someone did not get fully right only leads to the passages behind it.
    """
    friendly = Q(questions__status=Question.Status.PUBLISHED, questions__audience__in=["patient", "both"])
    topics = list(Topic.objects.annotate(count=Count("questions", filter=friendly)).filter(count__gte=3))
    checks = list(
        Attempt.objects.owned_by(request)
        .filter(mode=Attempt.Mode.PATIENT)
        .select_related("topic")
        .annotate(looked=Count("responses"))
        .order_by("-started")[:10]
    )
    reread = []
    if checks:
        # the newest checks first; an open exam's questions say nothing here until it ends
        unsure = list(
            Response.objects.filter(attempt__in=[c.pk for c in checks], score__lt=1)
            .exclude(question_id__in=Visibility.of(request).held_back)
            .order_by("-created")
            .values_list("question_id", flat=True)[:20]
        )
        cites = Citation.objects.filter(question_id__in=unsure, option__isnull=True).select_related("passage__source")
        by_question: dict[int, list[Citation]] = {}
        for cite in cites:
            by_question.setdefault(cite.question_id, []).append(cite)
        seen: set[int] = set()
        for cite in (c for qid in unsure for c in by_question.get(qid, [])):
            if cite.passage_id not in seen and len(reread) < PASSAGES_TO_REREAD:
                seen.add(cite.passage_id)
                reread.append(cite)
    checked = {c.topic_id for c in checks}
    context = {
        "topics": topics,
        "set_size": PATIENT_SET_SIZE,
        "checks": checks,
        "reread": reread,
        "not_checked": [t for t in topics if t.pk not in checked] if checks else [],
    }
    return render(request, "quizzes/check.html", context)


@throttle("start", "started practices without an account", anonymous_only=True)
@require_POST
def start_check(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    plain = Question.objects.published().for_patients().filter(topic=topic)
    ids = Visibility.of(request).drawable(plain.values_list("pk", flat=True))
    if not ids:
        return _nothing_to_draw(request, "This topic has no plain-language questions yet.")
    chosen = random.sample(ids, min(PATIENT_SET_SIZE, len(ids)))
    return _begin(request, chosen, topic=topic, mode=Attempt.Mode.PATIENT)


# -- the source reader -----------------------------------------------------------


@never_cache
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The unfolding case studies, each with how to take it and the visitor's last finished try."""
    cases = list(CaseStudy.objects.ready().select_related("topic"))
    done = {}
    for attempt in Attempt.objects.owned_by(request).filter(case__in=cases, finished__isnull=False):
        done.setdefault(attempt.case_id, attempt)  # newest first (Attempt's ordering)
    for case in cases:
        case.last_attempt = done.get(case.pk)
    form = CaseStartForm(initial={"allowance": _allowance(request)})
    return render(request, "quizzes/case_list.html", {"cases": cases, "form": form, "steps": STEPS})


@throttle("start", "started practices without an account", anonymous_only=True)
@require_POST
def start_case(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a case study: its six questions in the model's order, never shuffled."""
    case = get_object_or_404(CaseStudy.objects.ready().select_related("topic"), key=slug)
    form = CaseStartForm(request.POST)
    if not form.is_valid():
        cases = list(CaseStudy.objects.ready().select_related("topic"))
        context = {"cases": cases, "form": form, "steps": STEPS, "error_case": case.key}
        return render(request, "quizzes/case_list.html", context, status=400)
    ids = [q.pk for q in case.ordered_questions() if q.status == Question.Status.PUBLISHED]
    visibility = Visibility.of(request)
    if visibility.drawable(ids) != ids:  # a step is in an open exam (an assignment picked it): not until it ends
        messages.info(request, f"A question of this case is in your open exam “{visibility.exam_title()}”. "
                      "The case can be taken once you finish that exam.")  # fmt: skip
        return redirect("case_list")
    exam = form.cleaned_data["mode"] == Attempt.Mode.EXAM
    now = timezone.now()
    deadline = exam_deadline(now, form.cleaned_data["minutes"], form.cleaned_data["allowance"]) if exam else None
    label = f"Case study: {case.title}"[:200]
    return _begin(request, ids, mode=form.cleaned_data["mode"], label=label, case=case, started=now, deadline=deadline)


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.annotate(count=Count("passages"))
    return render(request, "quizzes/source_list.html", {"sources": sources})


@require_GET
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    published = Q(citations__question__status=Question.Status.PUBLISHED)
    passages = list(source.passages.annotate(cited_by=Count("citations__question", filter=published, distinct=True)))
    cite = None
    if cite_id := positive_int(request.GET.get("cite")):  # an unknown cite shows the source unmarked
        cite = (
            Citation.objects.filter(pk=cite_id, passage__source=source, question__status=Question.Status.PUBLISHED)
            .select_related("passage")
            .first()
        )
    sections = []
    for heading, group in groupby(passages, key=lambda p: (p.heading, p.heading_level)):
        blocks = []
        for kind, items in groupby(group, key=lambda p: (p.kind, p.extra.get("caption", ""))):
            items = list(items)
            for p in items:
                p.highlight = cite.quote if cite and cite.passage_id == p.pk else ""
                p.marked_for_view = p.marked(p.highlight)
                p.marked_cells_for_view = p.marked_cells(p.highlight) if p.kind == "table-row" else []
            blocks.append({"kind": kind[0], "caption": kind[1], "passages": items})
        sections.append(
            {
                "heading": heading[0],
                "level": heading[1],
                # a passage's anchor is "<section>-<n>", so its section's id follows from it
                "id": f"{source.slug}-{blocks[0]['passages'][0].anchor.rsplit('-', 1)[0]}" if heading[0] else "",
                "blocks": blocks,
            }
        )
    return render(request, "quizzes/source_detail.html", {"source": source, "sections": sections, "cite": cite})


# -- accounts and progress -------------------------------------------------------


@throttle("signup", "tried to sign up")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("after_login")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("after_login")
        form.focus_first_error()
        return render(request, "registration/signup.html", {"form": form}, status=400)
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_GET
def after_login(request: HttpRequest) -> HttpResponse:
    """Where logging in leads without a `next`: instructors to Teaching, a patient account to its checks,
    everyone else to their progress."""
    if request.user.has_perm("quizzes.view_cohort"):
        return redirect("teach")
    return redirect("check" if request.session.get(Profile.PATIENT_KEY) else "progress")


@never_cache
@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    if request.session.get(Profile.PATIENT_KEY):
        return redirect("check")  # a patient account's home: what they checked, with no scores
    Attempt.objects.filter(user=request.user).close_expired()
    page = positive_int(request.GET.get("page"), upper=10_000) or 1  # no one pages back 200,000 practices
    held_back = Visibility.of(request).held_back
    context = learner_progress.dashboard(request.user, page=page, held_back=held_back)
    return render(request, "quizzes/progress.html", context)
