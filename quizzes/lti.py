"""The quiz as an LTI 1.3 tool, on django-lti (which builds on pylti1p3).

An LMS (Moodle, Canvas, Blackboard, Brightspace) registers the tool with three URLs that
`manage.py lti_register` prints: the OIDC login initiation URL (one per registration), the launch URL and the
public key set. A launch logs the LMS user in as a local user for this browser session, makes the course a
cohort (so the gradebook and item statistics work for it unchanged) and opens what the link points at.

What a link points at travels in the link's custom parameters, which the LMS sends back on every launch:
`bank` (one or more bank slugs, comma separated, with `count`, `mode` and `minutes`), `case` (a case study's
id, with `mode`), or `assignment` (an assignment's id in this course's cohort). Deep linking writes them.

Every refusal (unknown issuer, bad signature, expired token, replayed nonce, inactive deployment, missing
claims) is a page saying what the LMS administrator should check, with status 400 or 403, and the launch's
transaction is rolled back so nothing is created.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lti_tool.models import LtiLaunch, LtiRegistration, LtiUser
from lti_tool.utils import DjangoToolConfig, sync_data_from_launch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from quizzes.admin import INSTRUCTORS, make_instructor
from quizzes.models import (
    Assignment,
    Attempt,
    CaseStudy,
    Cohort,
    LtiAttempt,
    Membership,
    Profile,
    Question,
    Topic,
    exam_deadline,
)
from quizzes.visibility import Visibility

CACHE = "lti"  # shared by every worker process (settings.CACHES)
PICKING = "lti_deep_link_launch"  # the session key of the deep linking launch an instructor is answering
MODES = {"tutor": Attempt.Mode.TUTOR, "exam": Attempt.Mode.EXAM}
COUNTS = range(1, 101)
MINUTES = range(1, 241)
INSTRUCTOR_ROLES = ("is_instructor", "is_administrator")


class LaunchRefused(Exception):
    """A launch the tool turns down: the page says why and what the LMS administrator should check."""

    def __init__(self, status: int, title: str, advice: str, detail: str = "", learner: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.advice, self.detail = status, title, advice, detail
        self.learner = learner  # a refusal that is the learner's to act on (come back later), not the LMS's


# What pylti1p3's messages mean for the person who has to fix the registration, by the words they contain.
REFUSALS: tuple[tuple[str, int, str, str], ...] = (
    ("Registration not found", 403, "This LMS is not registered with the quiz.",
     "Register the platform (its issuer and client ID) in the quiz's admin or with manage.py lti_register."),
    ("Client id not registered", 403, "This LMS client ID is not registered with the quiz.",
     "Check that the client ID registered in the quiz is the one the LMS gave the tool."),
    ("Signature has expired", 403, "The launch came too late: its token has expired.",
     "Launch again from the LMS; if it keeps happening, check that the LMS server's clock is right."),
    ("Signature verification failed", 403, "The launch's signature does not match the LMS's keys.",
     "Check the keyset URL registered for this LMS: it must be the LMS's own public keyset."),
    ("Unable to find public key", 403, "The LMS's public keyset has no key for this launch.",
     "Check the keyset URL registered for this LMS and that the LMS publishes its current key there."),
    ("JWT KID not found", 400, "The launch's token does not name its key.",
     "The LMS must sign launches with a key ID (kid) from its keyset."),
    ("Invalid Nonce", 403, "This launch was already used.",
     "Each launch can be used once. Start again from the link in the LMS."),
    ('"nonce" is empty', 400, "The launch has no nonce.", "The LMS must send the nonce it was given at login."),
    ("State not found", 400, "The launch does not match a login that started here.",
     "Open the link again from the LMS. If the LMS shows the quiz inside a frame, set the tool to open in a new "
     "window: the browser may block the quiz's cookies inside another site's page."),
    ("Missing state", 400, "The launch does not say which login it belongs to.",
     "The LMS must send back the state it was given at login."),
    ("Missing id_token", 400, "The launch has no id_token.", "The LMS must post the launch's id_token."),
    ("deployment_id is not set", 400, "The launch names no deployment.",
     "The LMS must send its deployment ID claim."),
    ("Unable to find deployment", 403, "This deployment is not known to the quiz.",
     "Register the deployment ID for this LMS in the quiz's admin."),
    ("Must have a user", 400, "The launch does not name its user.",
     "The LMS must send the user's subject (sub) claim; check its privacy settings for the tool."),
    ("Missing Roles", 400, "The launch does not give the user's roles.", "The LMS must send the roles claim."),
    ("Missing Resource Link", 400, "The launch does not name its link.",
     "The LMS must send the resource link claim with its id."),
    ("Incorrect version", 400, "The launch is not LTI 1.3.", "Set the tool to LTI 1.3 in the LMS."),
    ("Message validation failed", 400, "The launch is missing claims the quiz needs.",
     "A resource link launch must name its user (sub), roles, resource link and version; check the LMS's tool "
     "settings (privacy settings that hide the user's identity stop a launch)."),
    ("Invalid message type", 400, "The launch does not say what kind of message it is.",
     "The LMS must send the message_type claim."),
    ("Unrecognized message type", 400, "The quiz does not handle this kind of LTI message.",
     "The quiz handles resource link and deep linking launches."),
    ("Can't decode id_token", 400, "The launch's token could not be read.", "Check the LMS's tool settings."),
    ("Invalid JWT format", 400, "The launch's token could not be read.", "Check the LMS's tool settings."),
    ("Invalid id_token", 400, "The launch's token could not be read.", "Check the LMS's tool settings."),
)  # fmt: skip


def refusal_for(exc: Exception) -> LaunchRefused:
    message = str(exc)
    for words, status, title, advice in REFUSALS:
        if words in message:
            return LaunchRefused(status, title, advice, message)
    return LaunchRefused(400, "The launch could not be accepted.", "Check the LMS's tool settings.", message)


def _refused_page(request: HttpRequest, refusal: LaunchRefused) -> HttpResponse:
    context = {"refusal": refusal}
    return render(request, "lti/refused.html", context, status=refusal.status)


# -- the OIDC login and the key set ------------------------------------------------


class QuizMessageLaunch(DjangoMessageLaunch):
    """pylti1p3's launch, with each nonce good for one launch: its check only asks whether the nonce was issued,
    so a replayed launch would pass; here the nonce is taken out of the cache as it is checked."""

    def validate_nonce(self) -> QuizMessageLaunch:
        nonce = self._get_jwt_body().get("nonce")
        if not nonce:
            raise LtiException('"nonce" is empty')
        key = self._session_service._get_key("nonce", nonce)
        storage = self._session_service.data_storage
        if not caches[CACHE].delete(storage._prepare_key(key)):
            raise LtiException("Invalid Nonce")
        return self


def _storage() -> DjangoCacheDataStorage:
    return DjangoCacheDataStorage(cache_name=CACHE)


@csrf_exempt  # the LMS posts or links here from its own pages
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login_init(request: HttpRequest, registration_uuid=None) -> HttpResponse:
    """Step one of a launch: the LMS sends the browser here, and it goes on to the LMS's authorization URL with
    a fresh state and nonce. The plain URL finds the registration by the issuer and client ID the LMS sends (an
    LMS asks for this URL before it gives the tool a client ID); the one with a registration's UUID serves an
    LMS that sends no client ID. (No cookie-check page: its inline script would not run under the site's CSP;
    the README asks LMS administrators to open the tool in a new window.)"""
    params = request.POST if request.method == "POST" else request.GET
    registrations = LtiRegistration.objects.active()
    if registration_uuid is None:
        known = registrations.filter(issuer=params.get("iss", ""), client_id=params.get("client_id", ""))
    else:
        known = registrations.filter(uuid=registration_uuid)
    if not known.exists():
        if registration_uuid is None:
            refusal = LaunchRefused(403, "This LMS is not registered with the quiz.",
                                    "Register the platform's issuer and the client ID it gave the tool with "
                                    "manage.py lti_register (an LMS that sends no client_id at login needs the "
                                    "login URL that ends in the registration's UUID).")  # fmt: skip
            return _refused_page(request, refusal)
        refusal = LaunchRefused(403, "This login URL belongs to no active LMS registration.",
                                "Copy the login initiation URL again from lti_register or the admin.")  # fmt: skip
        return _refused_page(request, refusal)
    target = params.get("target_link_uri")
    if not target:
        refusal = LaunchRefused(400, "The login request has no target_link_uri.",
                                "The LMS must send the tool's launch URL as target_link_uri.")  # fmt: skip
        return _refused_page(request, refusal)
    oidc = DjangoOIDCLogin(request, DjangoToolConfig(registration_uuid), launch_data_storage=_storage())
    try:
        return oidc.disable_check_cookies().redirect(target)
    except (LtiException, OIDCException) as exc:
        return _refused_page(request, refusal_for(exc))


# -- the launch --------------------------------------------------------------------


@dataclass
class Target:
    """What a link opens, from its custom parameters."""

    kind: str  # "bank", "case" or "assignment"
    topics: list[Topic]
    case: CaseStudy | None = None
    assignment: Assignment | None = None
    count: int = 10
    mode: str = Attempt.Mode.TUTOR
    minutes: int | None = None


def _number(value, allowed: range, default: int | None, name: str) -> int | None:
    if value in (None, ""):
        return default
    try:
        number = int(str(value))
    except ValueError:
        number = None
    if number not in allowed:
        raise LaunchRefused(400, f"The link's custom parameter {name}={value!r} is not a number the quiz accepts.",
                            f"Use a whole number from {allowed.start} to {allowed.stop - 1}, or choose the "
                            "link again with the quiz's picker.")  # fmt: skip
    return number


def target_of(custom: dict, cohort: Cohort | None) -> Target | None:
    """The target a link's custom parameters name, or None when they name none; a bad one is refused."""
    custom = custom or {}
    mode = str(custom.get("mode", "tutor"))
    if mode not in MODES:
        raise LaunchRefused(400, f"The link's mode={mode!r} is not one the quiz knows.",
                            "Use mode=tutor (feedback after each answer) or mode=exam (timed).")  # fmt: skip
    minutes = _number(custom.get("minutes"), MINUTES, 20 if mode == "exam" else None, "minutes")
    if custom.get("assignment"):
        pk = _number(custom["assignment"], range(1, 10**10), None, "assignment")
        assignment = Assignment.objects.filter(pk=pk, cohort=cohort).first() if cohort else None
        if assignment is None:
            raise LaunchRefused(400, "This link points at an assignment that is not in this course.",
                                "Choose the assignment again with the quiz's picker, from this course.")  # fmt: skip
        return Target("assignment", [], assignment=assignment, mode=assignment.mode)
    if custom.get("case"):
        case = CaseStudy.objects.ready().filter(key=str(custom["case"])).first()
        if case is None:
            raise LaunchRefused(400, f"The case study {custom['case']!r} is not one the quiz has.",
                                "Choose the case study again with the quiz's picker.")  # fmt: skip
        return Target("case", [], case=case, mode=MODES[mode], minutes=minutes)
    if custom.get("bank"):
        slugs = [s.strip() for s in str(custom["bank"]).split(",") if s.strip()]
        topics = list(Topic.objects.filter(slug__in=slugs))
        if len(topics) != len(set(slugs)):
            raise LaunchRefused(400, f"The link names a bank the quiz does not have: {custom['bank']!r}.",
                                "Choose the bank again with the quiz's picker.")  # fmt: skip
        count = _number(custom.get("count"), COUNTS, 10, "count")
        return Target("bank", topics, count=count, mode=MODES[mode], minutes=minutes)
    return None


def local_user(lti_user: LtiUser, names: dict) -> User:
    """The local account of an LMS user: one per issuer and subject (`lti-` and a digest of both), named from
    what the LMS shares (`given_name`, `family_name`, `email`: a launch's claims or a roster's member)."""
    user = lti_user.auth_user
    if user is None:
        digest = hashlib.sha256(f"{lti_user.registration.issuer}|{lti_user.sub}".encode()).hexdigest()[:20]
        user = User(username=f"lti-{digest}")
        user.set_unusable_password()  # they log in through the LMS only
    for field, claim in (("first_name", "given_name"), ("last_name", "family_name"), ("email", "email")):
        if value := names.get(claim):
            setattr(user, field, str(value)[:150])
    user.save()
    if lti_user.auth_user_id != user.pk:
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user"])
    Profile.objects.get_or_create(user=user)
    return user


def _course_cohort(lti_launch: LtiLaunch, user: User, instructor: bool) -> Cohort | None:
    """The cohort of the launch's course (LTI context): made at an instructor's first launch, with the course's
    learners who launched before joining it; a learner joins it at each launch once it exists."""
    context = lti_launch.context
    cohort = Cohort.objects.filter(lti_context=context).first()
    if cohort is None and instructor:
        name = context.title or context.label or f"LMS course {context.id_on_platform}"
        cohort = Cohort.objects.create(name=name[:200], owner=user, lti_context=context)
        earlier = context.memberships.filter(is_learner=True, user__auth_user__isnull=False)
        for membership in earlier.select_related("user"):
            Membership.objects.get_or_create(cohort=cohort, user_id=membership.user.auth_user_id)
    if cohort is None:
        return None
    if instructor:
        if cohort.owner_id != user.pk:
            cohort.teachers.add(user)
    else:
        Membership.objects.get_or_create(cohort=cohort, user=user)
    return cohort


def _wait_for_exam(visibility: Visibility, ids: list[int], what: str) -> None:
    """Graded work and case studies keep their questions: they wait for the learner's open exam to end."""
    if len(visibility.drawable(ids)) < len(ids):
        finish = f"Finish “{visibility.exam_title()}” first, then open this link again."
        raise LaunchRefused(409, f"{what} shares a question with your open exam.", "", learner=finish)


def _open_attempt(lti_launch: LtiLaunch, user: User, target: Target, cohort: Cohort | None) -> HttpResponse:
    """Resume the learner's unfinished attempt from this link, or start one; graded work opens as it stands."""
    link = lti_launch.resource_link
    earlier = (
        LtiAttempt.objects.filter(lti_user=lti_launch.user, resource_link=link)
        .select_related("attempt")
        .order_by("-attempt__started")
        .first()
    )
    if earlier is not None:
        attempt = earlier.attempt
        attempt.close_if_expired()
        if attempt.is_open():
            return redirect("results", attempt.pk)
        if target.kind == "assignment":  # an assignment is taken once: its review, or its score while held
            return redirect("review" if attempt.shows_feedback else "results", attempt.pk)
    now = timezone.now()
    fields: dict = {"user": user, "mode": target.mode, "started": now, "seed": random.randrange(1 << 30)}
    # The rules of the site's own starts hold here too: an assignment opens when its instructor set, and an open
    # exam's questions are drawn nowhere else until it ends (quizzes/visibility.py).
    visibility = Visibility.of_exams(Attempt.objects.filter(user=user).open_exams(now))
    if target.kind == "assignment":
        assignment = target.assignment
        if assignment.opens > now:
            when = timezone.localtime(assignment.opens).strftime("%-d %b %Y, %H:%M")
            raise LaunchRefused(403, f"“{assignment.title}” opens on {when}.", "", learner="Come back then: "
                                "the same link in the course opens it.")  # fmt: skip
        ids = assignment.draw_questions()
        _wait_for_exam(visibility, ids, "This assignment")
        timed = assignment.mode == Attempt.Mode.EXAM and assignment.time_limit
        allowance = Membership.objects.get(cohort_id=assignment.cohort_id, user=user).time_allowance
        fields |= {"assignment": assignment, "label": assignment.title,
                   "deadline": exam_deadline(now, assignment.time_limit, allowance) if timed else None}  # fmt: skip
    elif target.kind == "case":
        ids = [q.pk for q in target.case.ordered_questions() if q.status == Question.Status.PUBLISHED]
        _wait_for_exam(visibility, ids, "This case study")
        fields |= {"case": target.case, "label": f"Case study: {target.case.title}"[:200]}
    else:
        pool = visibility.drawable(
            Question.objects.standalone().filter(topic__in=target.topics).values_list("pk", flat=True)
        )
        ids = random.sample(pool, min(target.count, len(pool)))
        one = target.topics[0] if len(target.topics) == 1 else None
        fields |= {"topic": one, "label": "" if one else f"Mixed practice ({len(target.topics)} banks)"}
    if target.mode == Attempt.Mode.EXAM and target.kind != "assignment" and target.minutes:
        # Extra time on a course's exam is what the instructor granted in the course's class, as for assignments.
        membership = Membership.objects.filter(cohort=cohort, user=user).first() if cohort else None
        allowance = membership.time_allowance if membership else Profile.TimeAllowance.STANDARD
        fields["deadline"] = exam_deadline(now, target.minutes, allowance)
    if not ids:
        raise LaunchRefused(400, "What this link points at has no published questions yet.",
                            "An instructor should choose another bank, case study or assignment.")  # fmt: skip
    attempt = Attempt.objects.create(question_ids=ids, **fields)
    ags = lti_launch.ags_claim or {}
    LtiAttempt.objects.create(attempt=attempt, lti_user=lti_launch.user, resource_link=link,
                              lineitem_url=str(ags.get("lineitem", ""))[:500])  # fmt: skip
    return redirect("question", attempt.pk, 1)


def _handle(request: HttpRequest) -> HttpResponse:
    """Validate the launch, sync what it says, log the user in and open the link; raises LaunchRefused."""
    try:
        message_launch = QuizMessageLaunch(request, DjangoToolConfig(), launch_data_storage=_storage())
        message_launch.validate()
    except (LtiException, OIDCException) as exc:
        raise refusal_for(exc) from exc
    lti_launch = LtiLaunch(message_launch)
    if not lti_launch.deployment.is_active:
        raise LaunchRefused(403, "This deployment of the quiz is not active.",
                            f"Activate deployment {lti_launch.deployment.deployment_id!r} in the quiz's admin "
                            "(LTI registrations), or register it with manage.py lti_register.")  # fmt: skip
    if not (lti_launch.is_resource_launch or lti_launch.is_deep_link_launch):
        raise LaunchRefused(400, "The quiz does not handle this kind of LTI message.",
                            "The quiz handles resource link and deep linking launches.")  # fmt: skip
    sync_data_from_launch(lti_launch)
    instructor = any(getattr(lti_launch.membership, role) for role in INSTRUCTOR_ROLES)
    user = local_user(lti_launch.user, {c: lti_launch.get_claim(c) for c in ("given_name", "family_name", "email")})
    if instructor:
        if not Group.objects.filter(name=INSTRUCTORS).exists():
            call_command("seed_demo", "--groups-only")  # the group and its permissions, as `prepare` makes them
        make_instructor(user)
    cohort = _course_cohort(lti_launch, user, instructor)
    if lti_launch.is_deep_link_launch:
        if not instructor:
            raise LaunchRefused(403, "Only an instructor can add the quiz to a course.",
                                "Deep linking launches must come from a user with an instructor role.")  # fmt: skip
        response = redirect("lti_pick")
        _log_in(request, user)
        request.session[PICKING] = message_launch.get_launch_id()
        return response
    target = target_of(lti_launch.get_claim("https://purl.imsglobal.org/spec/lti/claim/custom"), cohort)
    if instructor:
        response = redirect("gradebook", cohort.pk) if cohort is not None else redirect("teach")
    elif target is None:
        raise LaunchRefused(400, "This link does not say what to open.",
                            "An instructor should add it again with the quiz's picker, or give it a custom "
                            "parameter: bank=<bank>, case=<case study> or assignment=<id>.")  # fmt: skip
    else:
        response = _open_attempt(lti_launch, user, target, cohort)
    _log_in(request, user)
    return response


def _log_in(request: HttpRequest, user: User) -> None:
    """Log the LMS user in for this browser session only. Called last, once nothing can be refused: a refusal
    rolls the launch back and must not leave a half-made session behind."""
    request.session.flush()  # a new person may be at this browser: nothing of the last one's session stays
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(0)


@csrf_exempt  # the LMS posts the launch from its own origin; the signed id_token is its proof
@xframe_options_exempt
@never_cache
@require_http_methods(["POST"])
def launch(request: HttpRequest) -> HttpResponse:
    try:
        with transaction.atomic():  # a refused launch creates nothing (pylti1p3 would record a new deployment)
            return _handle(request)
    except LaunchRefused as refusal:
        return _refused_page(request, refusal)


def tool_urls(request: HttpRequest | None, registration: LtiRegistration, base: str = "") -> dict[str, str]:
    """The three URLs an LMS administrator pastes into the LMS for this registration."""
    paths = {
        "login": reverse("lti_login"),
        "login_uuid": reverse("lti_login", args=[registration.uuid]),
        "launch": reverse("lti_launch"),
        "keyset": reverse("lti_jwks"),
    }
    root = request.build_absolute_uri("/").rstrip("/") if request else base.rstrip("/")
    return {name: root + path for name, path in paths.items()}


# -- deep linking: the instructor's picker -------------------------------------------


def _picking_launch(request: HttpRequest) -> DjangoMessageLaunch:
    """The deep linking launch this instructor is answering, from the shared cache; refused when it is gone."""
    launch_id = request.session.get(PICKING)
    try:
        if not launch_id or not request.user.is_authenticated:
            raise LtiException("Launch data not found")
        return QuizMessageLaunch.from_cache(launch_id, request, DjangoToolConfig(), launch_data_storage=_storage())
    except LtiException as exc:
        raise LaunchRefused(
            400,
            "This choice is not tied to a launch from the LMS any more.",
            'Open the LMS\'s "add external tool" picker again and choose the quiz.',
            str(exc),
        ) from exc


@never_cache
@require_http_methods(["GET", "POST"])
def pick(request: HttpRequest) -> HttpResponse:
    """What to add to the course: a practice, a timed exam, a case study or an assignment, and its gradebook
    column. The answer goes back to the LMS as a signed deep linking response with one LtiResourceLink content
    item whose line item makes the LMS create the column."""
    from pylti1p3.deep_link_resource import DeepLinkResource
    from pylti1p3.lineitem import LineItem

    from quizzes.forms import DeepLinkForm

    try:
        message_launch = _picking_launch(request)
    except LaunchRefused as refusal:
        return _refused_page(request, refusal)
    lti_launch = LtiLaunch(message_launch)
    cohort = Cohort.objects.filter(lti_context=lti_launch.context).first()
    form = DeepLinkForm(request.POST or None, cohort=cohort)
    context = {"form": form, "course": lti_launch.context.title or lti_launch.context.label, "cohort": cohort}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "lti/pick.html", context, status=400)
        title = form.cleaned_data["title"] or form.default_title()
        line_item = LineItem().set_score_maximum(form.cleaned_data["score_maximum"]).set_label(title)
        resource = (
            DeepLinkResource()
            .set_url(request.build_absolute_uri(reverse("lti_launch")))
            .set_title(title)
            .set_custom_params(form.custom_params())
            .set_lineitem(line_item)
        )
        deep_link = message_launch.get_deep_link()
        settings_claim = lti_launch.get_claim("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
        return_url = settings_claim["deep_link_return_url"]
        del request.session[PICKING]  # one answer per picker
        answer = {"jwt": deep_link.get_response_jwt([resource]), "return_url": return_url, "title": title}
        page = render(request, "lti/deep_link_return.html", answer)
        # The answer is a form posted to the LMS: this page alone may post to the LMS's return URL.
        policy = dict(settings.SECURE_CSP)
        policy["form-action"] = [*policy.get("form-action", []), _origin(return_url)]
        page._csp_config = policy  # read by Django's CSP middleware in place of SECURE_CSP
        return page
    return render(request, "lti/pick.html", context)


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
