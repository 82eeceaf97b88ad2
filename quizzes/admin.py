import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from quizzes import flaws, gift
from quizzes.bank import BankError, question_faults
from quizzes.exchange import export_bank, export_question, import_bank
from quizzes.kinds import kind_of
from quizzes.models import (
    Assignment,
    Attempt,
    CaseEntry,
    CaseStudy,
    Citation,
    Cohort,
    Membership,
    Option,
    Passage,
    Question,
    QuestionVersion,
    Report,
    Response,
    ScoreSend,
    Source,
    Topic,
)

INSTRUCTORS = "Instructors"


class PassageInline(admin.TabularInline):
    model = Passage
    fields = ("key", "heading", "kind", "text", "testable")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "date_text", "file_name", "passage_count")
    readonly_fields = (
        "slug",
        "title",
        "publisher",
        "byline",
        "date_text",
        "file_name",
        "audience",
        "note",
        "position",
        "toc",
    )
    inlines = [PassageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("passages"))

    @admin.display(description="passages", ordering="n")
    def passage_count(self, obj: Source) -> int:
        return obj.n

    def has_add_permission(self, request) -> bool:
        return False  # sources come from fixtures/sources through load_sources


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    # The text is verbatim from the source file: it is read here, never edited.
    list_display = ("key", "source", "heading", "kind", "testable", "short_text")
    list_filter = ("source", "kind", "testable")
    search_fields = ("key", "text", "heading")
    readonly_fields = (
        "source",
        "key",
        "anchor",
        "position",
        "kind",
        "heading",
        "heading_level",
        "text",
        "testable",
        "extra",
    )

    @admin.display(description="text")
    def short_text(self, obj: Passage) -> str:
        return obj.text[:100]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}


class OptionFormSet(BaseInlineFormSet):
    """The answer parts must make a question of its kind that can be answered right."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        parts = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        question: Question = self.instance
        # The question's own fields as the form holds them, so the flaw screen reads the item being edited
        # (the stem's cues, the patient text's red flags); its citations are checked by their own formset.
        draft = {
            "id": question.key or "draft",
            "kind": question.kind,
            "audience": question.audience or "student",
            "difficulty": question.difficulty or 1,
            "stem": question.stem or "-",
            "explanation": question.explanation or "-",
            "plain_explanation": question.plain_explanation or "-",
            "accepted": question.accepted_flaws or {},
            "columns": question.columns or [],
            "template": question.template or "",
            "citations": [{"passage": "p", "quote": "q"}],
        }
        items = [
            {
                "text": p["text"],
                "correct": p.get("is_correct", False),
                "rationale": p.get("rationale", ""),
                "answer": p.get("answer", ""),
                "blank": p.get("blank"),
            }  # fmt: skip
            for p in sorted(parts, key=lambda p: p.get("position") or 0)
        ]
        draft |= kind_of(question.kind).to_json(draft["columns"], draft["template"], items)
        # Reading grade and missing rationales are the question form's and each row's own messages.
        faults = [f for f in question_faults(draft, {"p": "q"}) if "rationale" not in f and "reads at grade" not in f]
        if faults:
            raise ValidationError([f"{fault[0].upper()}{fault[1:]}." for fault in faults])


class OptionInline(admin.StackedInline):
    """A question's answer parts, with the fields its kind uses (all of them while it has no kind yet)."""

    model = Option
    formset = OptionFormSet
    extra = 0

    def get_fields(self, request, obj=None):
        return (kind_of(obj.kind if obj else None).part_fields, "text", "rationale")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["text"].label = kind_of(obj.kind if obj else None).part_name.capitalize()
        return formset


class CitationFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if self.instance.status == Question.Status.PUBLISHED and not any(
            f.cleaned_data.get("option") is None for f in kept
        ):
            raise ValidationError(
                "A published question needs at least one citation of its own: a question that cannot be tied "
                "to a passage does not ship. Save it as a draft until it is cited."
            )


class CitationForm(forms.ModelForm):
    class Meta:
        model = Citation
        fields = ("passage", "quote", "option", "position")
        widgets = {"quote": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"quote": "Copy the words exactly as the passage (shown above) has them."}


class CitationInline(admin.StackedInline):
    model = Citation
    form = CitationForm
    formset = CitationFormSet
    extra = 0
    autocomplete_fields = ("passage",)
    fields = ("passage", "passage_text", "quote", "option", "position")
    readonly_fields = ("passage_text",)

    @admin.display(description="passage text (quote from it word for word)")
    def passage_text(self, obj: Citation | None) -> str:
        # After a refused save the form's instance already holds the chosen passage, though it has no pk
        if obj is None or not obj.passage_id:
            return "Choose a passage: its text appears here, with the quote marked in it as you type."
        return format_html('<div class="passage-text">{}</div>', obj.marked())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "option":
            obj_id = request.resolver_match.kwargs.get("object_id")
            field.queryset = Option.objects.filter(question_id=obj_id) if obj_id else Option.objects.none()
        return field


class ImportForm(forms.Form):
    format = forms.ChoiceField(choices=[("json", "JSON (export_bank)"), ("gift", "GIFT (Moodle)")])
    file = forms.FileField(help_text="Nothing is saved if any part of the file is faulty.")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("key", "topic", "kind", "audience", "difficulty", "status", "version", "short_stem")
    list_filter = ("topic", "kind", "audience", "status", "difficulty")
    search_fields = ("key", "stem", "explanation")
    list_select_related = ("topic",)
    inlines = [OptionInline, CitationInline]
    readonly_fields = ("version", "preview_link", "flaw_screen")
    actions = ["publish", "export_json", "export_gift"]
    fieldsets = (
        (None, {"fields": ("key", "topic", "kind", "status", "audience", "difficulty", "version", "preview_link")}),
        ("Question", {"fields": ("stem", "columns", "template")}),
        ("Case study", {"fields": ("case", "case_step"), "classes": ("collapse",)}),
        ("Explanations", {"fields": ("explanation", "plain_explanation")}),
        ("Item-writing flaws", {"fields": ("flaw_screen", "accepted_flaws")}),
    )

    class Media:
        # Listed after jquery.init.js so Django's media merging loads the admin's jQuery first.
        js = ("admin/js/vendor/jquery/jquery.js", "admin/js/jquery.init.js", "js/passage_preview.js")

    @admin.display(description="stem")
    def short_stem(self, obj: Question) -> str:
        return obj.stem[:90]

    @admin.display(description="preview")
    def preview_link(self, obj: Question) -> str:
        if not obj.pk:
            return "Save to preview."
        return format_html('<a href="{}" target="_blank">Preview as learner</a>', reverse("preview", args=[obj.pk]))

    @admin.display(description="flaw screen")
    def flaw_screen(self, obj: Question) -> str:
        """What the item-writing-flaw screen finds in the question as saved: per-item rules as errors (a save is
        refused until they are fixed or, for a screened rule, accepted with a reason), accepted ones and the
        bank-wide measures this item counts toward as warnings."""
        if not obj.pk:
            return "Save to screen the question for item-writing flaws."
        shape = export_question(obj)
        found, kept = flaws.sorted_out(shape)
        errors = [(r.name, r.reason, hit) for r, hit in found]
        warnings = [(r.name, f"accepted: {reason}", hit) for r, hit, reason in kept]
        # The measures are check_bank's: over the published bank, with this item in it.
        others = Question.objects.published().exclude(pk=obj.pk).select_related("topic")
        bank = export_bank(others)["questions"]
        with_it, without_it = flaws.measures([*bank, shape]), flaws.measures(bank)
        # A bank-wide measure is this item's business when the item moves it toward or past its limit.
        warnings += [(m.name, str(m), "this item raises it") for m, w in zip(with_it, without_it, strict=True)
                     if m.value > w.value and (not m.ok or m.value > 0.8 * m.limit)]  # fmt: skip
        if not errors and not warnings:
            return "None found."
        rows = [("error", "Error", *e) for e in errors] + [("warning", "Warning", *w) for w in warnings]
        return format_html(
            '<ul class="flaw-screen">{}</ul>',
            format_html_join("", '<li class="{}"><strong>{}: {}</strong>. {} ({})</li>', rows),
        )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.record_version()  # an edit is a new version; past answers keep theirs

    def get_urls(self):
        own = [path("import/", self.admin_site.admin_view(self.import_view), name="quizzes_question_import")]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("quizzes.add_question"):
            return HttpResponse(status=403)
        form = ImportForm(request.POST or None, request.FILES or None)
        faults: list[str] = []
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"].read().decode("utf-8", errors="replace")
            try:
                count = import_bank(text, form.cleaned_data["format"])
            except BankError as exc:
                faults = exc.args[0] if isinstance(exc.args[0], list) else [str(exc)]
            else:
                messages.success(request, f"Imported {count} questions. Questions without citations are drafts.")
                return redirect("admin:quizzes_question_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "faults": faults, "title": "Import questions"}
        return render(request, "admin/quizzes/question/import.html", context, status=400 if faults else 200)

    @admin.action(description="Publish the selected questions (those that keep every rule)")
    def publish(self, request, queryset) -> None:
        bank = export_bank(queryset)
        passages = {p["id"]: p["text"] for s in bank["sources"] for p in s["passages"]}
        published, refused = 0, []
        for q in bank["questions"]:
            faults = question_faults(q, passages)
            if faults:
                refused.append(f"{q['id']}: {faults[0]}")
            else:
                queryset.filter(key=q["id"]).update(status=Question.Status.PUBLISHED)
                published += 1
        messages.info(request, f"Published {published} question(s).")
        for line in refused:
            messages.error(request, f"Not published: {line}")

    @admin.action(description="Export the selected questions as JSON")
    def export_json(self, request, queryset) -> HttpResponse:
        response = HttpResponse(json.dumps(export_bank(queryset), indent=2, ensure_ascii=False),
                                content_type="application/json")  # fmt: skip
        response["Content-Disposition"] = 'attachment; filename="bank.json"'
        return response

    @admin.action(description="Export the selected questions as GIFT (Moodle)")
    def export_gift(self, request, queryset) -> HttpResponse:
        text, left_out = gift.write_gift(export_bank(queryset)["questions"])
        if left_out:
            messages.warning(request, f"GIFT cannot hold these kinds, so they were left out: {', '.join(left_out)}")
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="bank.gift.txt"'
        return response


class CaseEntryInline(admin.StackedInline):
    """The client record, entry by entry: the passage beside each, as for a question's citations."""

    model = CaseEntry
    extra = 0
    autocomplete_fields = ("passage",)
    fields = ("tab", "step", "text", "passage", "passage_text", "quote", "position")
    readonly_fields = ("passage_text",)

    @admin.display(description="passage text (quote from it word for word)")
    def passage_text(self, obj: CaseEntry | None) -> str:
        if obj is None or not obj.passage_id:
            return "An entry of the invented situation (name, age, setting) cites nothing; any other cites a passage."
        return format_html('<div class="passage-text">{}</div>', obj.marked())


class CaseQuestionInline(admin.TabularInline):
    model = Question
    fk_name = "case"
    extra = 0
    fields = ("key", "case_step", "kind", "status")
    readonly_fields = ("key", "kind", "status")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a question joins a case from its own page (its Case study section)


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "topic", "position")
    list_filter = ("topic",)
    search_fields = ("title", "key", "intro")
    inlines = [CaseEntryInline, CaseQuestionInline]


@admin.register(QuestionVersion)
class QuestionVersionAdmin(admin.ModelAdmin):
    list_display = ("question", "number", "created")
    readonly_fields = ("question", "number", "snapshot", "created")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    # Every report is listed; the reporter is named only to their own instructors (see ReportQuerySet.shown_to).
    list_display = ("question", "comment", "reporter", "created", "resolved")
    list_filter = ("resolved",)
    list_editable = ("resolved",)
    fields = ("question", "reporter", "comment", "created", "resolved")
    readonly_fields = ("question", "reporter", "comment", "created")

    def get_queryset(self, request):
        return super().get_queryset(request).shown_to(request.user)

    @admin.display(description="reporter")
    def reporter(self, obj: Report) -> str:
        return obj.reporter


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "joined", "time_allowance")
    readonly_fields = ("user", "joined")


class OwnCohortsMixin:
    """Instructors see and change only what belongs to their own cohorts (superusers see all).

    Lists, change, history and delete pages all go through get_queryset, so anything outside it is answered as
    if it did not exist, whether reached from a list or by typing its address.
    """

    cohort_path = "cohort"  # the path from the model to its cohort ("pk" for a cohort itself)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.cohort_path}__in": Cohort.objects.taught_by(request.user).values("pk")})


@admin.register(Cohort)
class CohortAdmin(OwnCohortsMixin, admin.ModelAdmin):
    cohort_path = "pk"
    list_display = ("name", "join_code", "member_count", "gradebook_link")
    readonly_fields = ("join_code", "join_link", "gradebook_link")
    fields = ("name", "join_code", "join_link", "gradebook_link")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("memberships"))

    @admin.display(description="members", ordering="n")
    def member_count(self, obj: Cohort) -> int:
        return obj.n

    @admin.display(description="join link")
    def join_link(self, obj: Cohort) -> str:
        return obj.join_url() if obj.pk else "Saved cohorts get a join code and link."

    @admin.display(description="gradebook")
    def gradebook_link(self, obj: Cohort) -> str:
        return format_html('<a href="{}">Gradebook</a>', obj.get_absolute_url()) if obj.pk else "-"

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


@admin.register(Assignment)
class AssignmentAdmin(OwnCohortsMixin, admin.ModelAdmin):
    list_display = ("title", "cohort", "mode", "opens", "due")
    list_filter = ("mode",)
    readonly_fields = ("created",)  # set when the assignment is made; editing it would rewrite its history
    autocomplete_fields = ("questions",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cohort" and not request.user.is_superuser:
            kwargs["queryset"] = Cohort.objects.taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    fields = ("question", "version", "answer", "score", "seconds", "created")
    readonly_fields = fields
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(OwnCohortsMixin, admin.ModelAdmin):
    # An instructor reads the work their cohorts were set, as the gradebook shows it, answer by answer: not a
    # learner's own practice, not the work a learner did for another instructor's cohort, not anonymous visitors'.
    # Scoping keeps that view where instructors look for it; the responses are inline, so they follow the attempt.
    cohort_path = "assignment__cohort"
    list_display = ("pk", "user", "topic", "mode", "started", "finished", "score")
    list_filter = ("mode", "topic")
    list_select_related = ("user", "topic")
    readonly_fields = (
        "user",
        "topic",
        "assignment",
        "mode",
        "question_ids",
        "seed",
        "started",
        "deadline",
        "finished",
        "score",
    )
    inlines = [ResponseInline]


def make_instructor(user: User) -> None:
    """Staff access and the Instructors group's permissions, nothing more."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=INSTRUCTORS))


admin.site.unregister(User)


@admin.register(User)
class QuizUserAdmin(UserAdmin):
    actions = ["make_instructors"]

    @admin.action(description="Make the selected users instructors")
    def make_instructors(self, request, queryset) -> None:
        for user in queryset:
            make_instructor(user)
        messages.success(request, f"{queryset.count()} user(s) are now instructors.")


@admin.register(ScoreSend)
class ScoreSendAdmin(OwnCohortsMixin, admin.ModelAdmin):
    """Scores on their way to LMS gradebooks: what was sent, what is retrying and why, and a resend."""

    cohort_path = "lti_attempt__resource_link__context__cohort"
    list_display = ("attempt", "learner", "score_given", "state", "tries", "sent", "last_error")
    list_filter = ("state",)
    list_select_related = ("lti_attempt__attempt__topic", "lti_attempt__attempt__user")
    readonly_fields = ("lti_attempt", "score_given", "score_maximum", "state", "tries", "last_error", "timestamp",
                       "created", "sent")  # fmt: skip
    actions = ["resend_scores"]

    def has_add_permission(self, request) -> bool:
        return False  # made when an LMS attempt ends

    @admin.display(description="attempt")
    def attempt(self, obj: ScoreSend) -> str:
        return str(obj.lti_attempt.attempt)

    @admin.display(description="learner")
    def learner(self, obj: ScoreSend) -> str:
        user = obj.lti_attempt.attempt.user
        return (user.get_full_name() or user.get_username()) if user else "-"

    @admin.action(description="Send the selected scores to the LMS again", permissions=["view"])
    def resend_scores(self, request, queryset) -> None:
        from quizzes import grades

        for send in queryset:
            grades.resend(send)
        messages.success(request, f"{queryset.count()} score(s) will be sent again.")
