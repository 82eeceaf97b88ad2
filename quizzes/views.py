from __future__ import annotations

import random
from itertools import groupby

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from quizzes.forms import SignupForm, StartForm
from quizzes.models import AnswerError, Attempt, Citation, Passage, Question, Response, Source, Topic

# -- access helpers: each returns the object or raises 404 -----------------------


def _attempt_for(request: HttpRequest, pk: int) -> Attempt:
    """The visitor's own attempt; anyone else's is indistinguishable from none."""
    return get_object_or_404(Attempt.objects.owned_by(request).select_related("topic"), pk=pk)


def _question_for(attempt: Attempt, number: int) -> Question:
    question = attempt.question_at(number)
    if question is None:
        raise Http404("No such question in this attempt.")
    return question


def _remember_attempt(request: HttpRequest, attempt: Attempt) -> None:
    if attempt.user_id is None:
        request.session["attempt_ids"] = [*request.session.get("attempt_ids", []), attempt.pk]


# -- pages -----------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/home.html", {"topics": Topic.objects.with_published_counts(), "form": StartForm()})


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    form = StartForm(request.POST)
    if not form.is_valid():
        context = {
            "topics": Topic.objects.with_published_counts(),
            "form": StartForm(),
            "error_topic": topic.slug,
            "error_form": form,
        }
        return render(request, "quizzes/home.html", context, status=400)
    ids = list(topic.questions.published().values_list("pk", flat=True))
    if not ids:
        raise Http404("This bank has no published questions yet.")
    chosen = random.sample(ids, min(form.cleaned_data["count"], len(ids)))
    return _begin(request, chosen, topic=topic)


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


@require_POST
def practise_passage(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """A practice of exactly the published questions that cite one passage."""
    passage = get_object_or_404(Passage.objects.select_related("source"), source__slug=slug, key=key)
    ids = list(Question.objects.published().citing(passage).values_list("pk", flat=True))
    if not ids:
        raise Http404("No published question cites this passage.")
    random.shuffle(ids)
    label = f"{passage.source.title}: {passage.heading or 'passage'}"
    return _begin(request, ids, label=label[:200])


def _question_context(attempt: Attempt, number: int, question: Question, response: Response | None) -> dict:
    context = {
        "attempt": attempt,
        "number": number,
        "question": question,
        "response": response,
        "options": question.options_for(attempt.seed),
        "is_last": number == attempt.total,
    }
    if question.kind == Question.Kind.CLOZE:
        context["segments"] = question.cloze_segments(attempt.seed)
    elif question.kind == Question.Kind.HIGHLIGHT:
        context["segments"] = question.highlight_segments()
    if response is not None:
        context["parts"] = question.feedback(response.answer)
        context["given"] = _given(question, response.answer)
    return context


def _given(question: Question, answer: dict) -> dict:
    """The learner's answer keyed the way the form's inputs are, to show it again."""
    if "option" in answer:
        return {"options": {answer["option"]}}
    if "options" in answer:
        return {"options": set(answer["options"])}
    if "rows" in answer:
        return {"rows": {int(k): question.columns.index(v) for k, v in answer["rows"].items() if v in question.columns}}
    if "order" in answer:
        return {"places": {pk: i for i, pk in enumerate(answer["order"], start=1)}}
    if "blanks" in answer:
        return {"options": set(answer["blanks"].values())}
    return {}


@require_GET
def question(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    question = _question_for(attempt, number)
    response = Response.objects.filter(attempt=attempt, question=question).first()
    context = _question_context(attempt, number, question, response)
    template = "quizzes/question.html#quiz" if request.htmx else "quizzes/question.html"
    return render(request, template, context | {"swapped": bool(request.htmx)})


@require_POST
def answer(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    question = _question_for(attempt, number)
    response = Response.objects.filter(attempt=attempt, question=question).first()
    if response is None:
        try:
            given = question.parse_answer(request.POST)
        except AnswerError as exc:
            context = _question_context(attempt, number, question, None) | {"error": str(exc)}
            if request.htmx:
                page = render(request, "quizzes/question.html#question-form", context, status=400)
                return reswap(retarget(page, "#question-form"), "outerHTML")
            return render(request, "quizzes/question.html", context, status=400)
        response, _ = attempt.record_answer(question, given)
    if request.htmx:
        context = _question_context(attempt, number, question, response)
        return render(request, "quizzes/question.html#answered", context)
    return redirect("question", attempt.pk, number)


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    responses = {r.question_id: r for r in attempt.responses.all()}
    questions = Question.objects.in_bulk(attempt.question_ids)
    rows = [
        {"number": n, "question": questions.get(qid), "response": responses.get(qid)}
        for n, qid in enumerate(attempt.question_ids, start=1)
    ]
    answered = [r for r in rows if r["response"]]
    score = sum(r["response"].score for r in answered) / len(answered) if answered else None
    next_open = next((r["number"] for r in rows if not r["response"]), None)
    return render(
        request,
        "quizzes/results.html",
        {"attempt": attempt, "rows": rows, "answered": len(answered), "score": score, "next_open": next_open},
    )


# -- the source reader -----------------------------------------------------------


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
    if (cite_id := request.GET.get("cite", "")).isdigit():
        cite = (
            Citation.objects.filter(pk=int(cite_id), passage__source=source, question__status=Question.Status.PUBLISHED)
            .select_related("passage")
            .first()
        )
    section_ids = iter(anchor for _, _, anchor in source.toc)
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
                "id": next(section_ids) if heading[0] else "",
                "blocks": blocks,
            }
        )
    return render(request, "quizzes/source_detail.html", {"source": source, "sections": sections, "cite": cite})


# -- accounts and progress -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("progress")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("progress")
        return render(request, "registration/signup.html", {"form": form}, status=400)
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    responses = Response.objects.filter(attempt__user=request.user)
    attempts = (
        Attempt.objects.filter(user=request.user)
        .select_related("topic")
        .annotate(answered=Count("responses"))
        .order_by("-started")[:50]
    )
    return render(
        request,
        "quizzes/progress.html",
        {"totals": responses.totals(), "by_topic": list(responses.accuracy_by_topic()), "attempts": attempts},
    )
