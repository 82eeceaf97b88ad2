from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from quizzes.models import Attempt, Citation, Option, Passage, Question, Response, Source, Topic


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


class OptionInline(admin.StackedInline):
    model = Option
    extra = 0
    fields = (("position", "is_correct", "blank", "answer"), "text", "rationale")


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ("passage",)
    fields = ("passage", "passage_text", "quote", "option", "position")
    readonly_fields = ("passage_text",)

    @admin.display(description="passage text (quote from it word for word)")
    def passage_text(self, obj: Citation) -> str:
        if not obj.pk:
            return "Save to see the passage beside the quote."
        return format_html('<div class="passage-text">{}</div>', obj.marked())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "option":
            obj_id = request.resolver_match.kwargs.get("object_id")
            field.queryset = Option.objects.filter(question_id=obj_id) if obj_id else Option.objects.none()
        return field


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("key", "topic", "kind", "audience", "difficulty", "status", "short_stem")
    list_filter = ("topic", "kind", "audience", "status", "difficulty")
    search_fields = ("key", "stem", "explanation")
    list_select_related = ("topic",)
    inlines = [OptionInline, CitationInline]
    fieldsets = (
        (None, {"fields": ("key", "topic", "kind", "status", "audience", "difficulty")}),
        ("Question", {"fields": ("stem", "columns", "template")}),
        ("Explanations", {"fields": ("explanation", "plain_explanation")}),
    )

    @admin.display(description="stem")
    def short_stem(self, obj: Question) -> str:
        return obj.stem[:90]


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    fields = ("question", "answer", "score", "seconds", "created")
    readonly_fields = fields
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "topic", "mode", "started", "finished", "score")
    list_filter = ("mode", "topic")
    list_select_related = ("user", "topic")
    readonly_fields = ("user", "topic", "mode", "question_ids", "seed", "started", "finished", "score")
    inlines = [ResponseInline]
