import unicodedata

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.contrib.auth.models import User
from django.contrib.auth.validators import ASCIIUsernameValidator

from quizzes.models import Assignment, Audience, CaseStudy, Cohort, Membership, Profile, Question, Topic

# The largest id any of our tables holds on SQLite and PostgreSQL alike (a 32-bit serial). A larger number names
# nothing, and asking the database about it overflows (SQLite) or raises (PostgreSQL, beyond bigint).
MAX_ID = 2**31 - 1

QUESTION_COUNTS = [(5, "5 questions"), (10, "10 questions"), (20, "20 questions")]
COUNT_ERROR = {"invalid_choice": "Choose 5, 10 or 20 questions.", "required": "Choose 5, 10 or 20 questions."}


def positive_int(value: object, upper: int = MAX_ID) -> int | None:
    """A whole number from 1 to `upper` written in ASCII digits, or None for anything else.

    Views read ids and page numbers from query strings and posts through this. str.isdigit() is true of "²" (which int()
    refuses) and of "٣" (which int() reads as 3), so only ASCII decimal digits count; "-1", "1e5", " 1" and ""
    are not whole numbers a link of ours would send.
    """
    # The length check comes first so that int() never reads thousands of digits (it refuses over 4,300).
    if not isinstance(value, str) or len(value) > len(str(upper)) or not (value.isascii() and value.isdecimal()):
        return None
    number = int(value)
    return number if 1 <= number <= upper else None


class IdsField(forms.ModelMultipleChoiceField):
    """Objects chosen by id, where an id that is not one of ours is a clear error before any query is made."""

    def _check_values(self, value):
        for pk in value:
            if positive_int(pk) is None:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})  # fmt: skip
        return super()._check_values(value)


class StartForm(forms.Form):
    count = forms.TypedChoiceField(
        label="How many questions", choices=QUESTION_COUNTS, coerce=int, initial=10, error_messages=COUNT_ERROR
    )


class BuilderForm(forms.Form):
    """Every choice of the quiz builder; an empty multiple choice means "any"."""

    POOLS = [
        ("all", "All questions"),
        ("unseen", "Questions I have not seen yet"),
        ("wrong", "Questions I last answered wrong"),
        ("flagged", "Questions I flagged"),
    ]
    AUDIENCES = [
        ("any", "Any"),
        (Audience.STUDENT, "Written for nursing students"),
        (Audience.PATIENT, "Plain language"),
    ]
    MODES = [
        ("tutor", "Practice: see the answer and why after each question"),
        ("exam", "Timed exam: see answers and rationales at the end"),
    ]
    MINUTES = [(10, "10 minutes"), (20, "20 minutes"), (30, "30 minutes"), (60, "60 minutes")]

    topics = IdsField(
        label="Banks",
        queryset=Topic.objects.with_published_counts(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every bank.",
        error_messages={
            "invalid_pk_value": "Choose banks from the list.",
            "invalid_choice": "Choose banks from the list.",
        },
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of question", choices=Question.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    mix = forms.BooleanField(
        label="Mix the kinds: draw evenly across the kinds that match",
        required=False,
        help_text="Without it, questions are drawn at random, so one kind may fill most of the quiz.",
    )
    difficulties = forms.TypedMultipleChoiceField(
        label="Difficulty",
        choices=Question.Difficulty.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label="Written for", choices=AUDIENCES, initial="any", widget=forms.RadioSelect)
    pool = forms.ChoiceField(label="Which questions", choices=POOLS, initial="all", widget=forms.RadioSelect)
    count = forms.TypedChoiceField(
        label="How many questions", choices=QUESTION_COUNTS, coerce=int, initial=10, error_messages=COUNT_ERROR
    )
    mode = forms.ChoiceField(label="Mode", choices=MODES, initial="tutor", widget=forms.RadioSelect)
    minutes = forms.TypedChoiceField(label="Exam time", choices=MINUTES, coerce=int, initial=20)
    allowance = forms.ChoiceField(
        label="Time allowance",
        choices=Profile.TimeAllowance.choices,
        initial=Profile.TimeAllowance.STANDARD,
        help_text="Extra time or no limit, if you need it. Your profile can keep this choice.",
    )


class AccommodationForm(forms.ModelForm):
    """The extra time an instructor grants one learner on the class's timed assignments."""

    class Meta:
        model = Membership
        fields = ("time_allowance",)
        labels = {"time_allowance": "Time allowance on this class's timed assignments"}
        widgets = {"time_allowance": forms.RadioSelect}


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ("role", "time_allowance")
        labels = {"time_allowance": "Time allowance for the practice exams I build"}
        widgets = {"role": forms.RadioSelect, "time_allowance": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.role == Profile.Role.PATIENT:
            del self.fields["time_allowance"]  # no exam settings on a patient account


def folded(username: str) -> str:
    """A username as it looks: compatibility forms (full-width, ligatures) unified and case folded."""
    return unicodedata.normalize("NFKC", username).casefold()


class FocusFirstError:
    """After a refused post, focus lands on the first field that is wrong (its message is beside it), not always on
    the form's first field."""

    def focus_first_error(self) -> None:
        wrong = [name for name in self.fields if name in self.errors]
        if wrong:
            for field in self.fields.values():
                field.widget.attrs.pop("autofocus", None)
            self.fields[wrong[0]].widget.attrs["autofocus"] = True


class SignupForm(FocusFirstError, UserCreationForm):
    """Sign-up with ASCII usernames only, so no new name can pass for another in the gradebook."""

    ASCII_ONLY = "Use only English letters (a-z, A-Z), digits and the characters @ . + - _ in a username."
    TAKEN = "A user with that username already exists."

    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": UsernameField}  # NFKC-normalises what is typed, as Django's own form does
        help_texts = {"username": "150 characters or fewer: English letters, digits and @ . + - _ only."}

    role = forms.ChoiceField(
        label="This account is for",
        choices=Profile.Role.choices,
        initial=Profile.Role.STUDENT,
        required=False,  # a sign-up that does not say is a student's, as before the choice existed
        widget=forms.RadioSelect,
        help_text="A patient account shows plain-language checks and no scores. You can change this in your settings.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(ASCIIUsernameValidator(message=self.ASCII_ONLY))

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            role = self.cleaned_data.get("role") or Profile.Role.STUDENT
            Profile.objects.update_or_create(user=user, defaults={"role": role})
        return user

    def validate_password_for_user(self, user, **kwargs) -> None:
        # Say what is wrong with a password beside the field it was typed in, not beside its confirmation.
        super().validate_password_for_user(user, password_field_name="password1")

    def clean_username(self) -> str:
        username = super().clean_username()  # already NFKC-normalised; None when taken in another case
        if not username:
            return username
        # Accounts made before usernames were ASCII-only may still have look-alike names: compare as they look.
        # Only those few need folding in Python; an ASCII name that matches is found by the iexact check above.
        legacy = User.objects.exclude(username__regex=r"^[\x00-\x7f]*$").values_list("username", flat=True)
        if any(folded(name) == folded(username) for name in legacy):
            raise forms.ValidationError(self.TAKEN, code="unique")
        return username


class DeleteAccountForm(FocusFirstError, forms.Form):
    """Deleting an account asks for its password, checked as a login is: django-axes counts the wrong ones against
    the username at this address and locks it after AXES_FAILURE_LIMIT, so the page is no way round the lockout."""

    WRONG = "That is not your password. Nothing was deleted."

    password = forms.CharField(
        label="Your password",
        help_text="To make sure it is you.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Type your password to delete your account. Nothing was deleted."},
    )

    def __init__(self, request, *args, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.request.user.get_username(), password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(self.WRONG, code="wrong_password")
        return password


class DeleteLmsAccountForm(FocusFirstError, forms.Form):
    """An account made by an LMS launch has no password here (its owner logs in through the LMS, which vouched for
    them at this session's launch): deleting it asks for a plain confirmation instead."""

    confirm = forms.BooleanField(
        label="I understand that this deletes my account and my data here",
        error_messages={"required": "Tick the box to confirm. Nothing was deleted."},
    )

    def __init__(self, request, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ("name",)
        labels = {"name": "Name of the cohort"}
        help_texts = {"name": "Learners see it when they join, for example “Nursing 2027, spring”."}


class WhenInput(forms.DateTimeInput):
    """A browser's own date and time picker (and plain text where there is none)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class AssignmentForm(forms.ModelForm):
    """An assignment set on /teach/: a bank and a number of questions (hand-picked questions stay in authoring,
    where the admin's search finds them), the mode, the time, and when it opens and is due."""

    count = forms.IntegerField(label="How many questions", min_value=1, max_value=100, initial=10,
                               help_text="From 1 to 100.")  # fmt: skip

    class Meta:
        model = Assignment
        fields = ("cohort", "title", "topic", "count", "mode", "time_limit", "opens", "due")
        labels = {"topic": "Bank", "time_limit": "Time limit (minutes)"}
        help_texts = {
            "topic": "Each learner gets their own draw from this bank; leave it empty to draw from every bank.",
            "time_limit": "For a timed exam only. Learners you give extra time get it on top (their page in the "
            "gradebook).",
            "opens": "Learners can start it from this time.",
            "due": "Work after this time is marked late.",
        }
        widgets = {"mode": forms.RadioSelect, "opens": WhenInput, "due": WhenInput}

    def __init__(self, *args, cohorts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].empty_label = None
        self.fields["topic"].queryset = Topic.objects.with_published_counts()
        self.fields["topic"].empty_label = "Every bank"


class CaseStartForm(forms.Form):
    """How to take a case study: with feedback after each step, or timed with feedback at the end."""

    MODES = [
        ("tutor", "Practice: see the answer and why after each question"),
        ("exam", "Timed: see answers and rationales at the end"),
    ]
    mode = forms.ChoiceField(label="Mode", choices=MODES, initial="tutor", widget=forms.RadioSelect)
    minutes = forms.TypedChoiceField(label="Time", choices=BuilderForm.MINUTES[:3], coerce=int, initial=20)
    allowance = forms.ChoiceField(
        label="Time allowance", choices=Profile.TimeAllowance.choices, initial=Profile.TimeAllowance.STANDARD
    )


class DeepLinkForm(forms.Form):
    """What an instructor adds to an LMS course from its "add external tool" picker (LTI deep linking)."""

    KINDS = [
        ("bank", "Practice: questions from banks, with feedback after each answer"),
        ("exam", "Timed exam: questions from banks, answers at the end"),
        ("case", "Case study: one client, six steps of clinical judgment"),
        ("assignment", "An assignment of this course"),
    ]
    kind = forms.ChoiceField(label="What to add", choices=KINDS, initial="bank", widget=forms.RadioSelect)
    topics = IdsField(
        label="Banks", queryset=Topic.objects.with_published_counts(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="For practice and exams; leave all unticked for every bank.",
    )  # fmt: skip
    count = forms.TypedChoiceField(label="How many questions", choices=QUESTION_COUNTS, coerce=int, initial=10)
    minutes = forms.TypedChoiceField(label="Exam time", choices=BuilderForm.MINUTES, coerce=int, initial=20)
    case = forms.ModelChoiceField(label="Case study", queryset=None, required=False, to_field_name="key")
    case_timed = forms.BooleanField(label="Timed case (answers at the end)", required=False)
    assignment = forms.ModelChoiceField(label="Assignment", queryset=None, required=False)
    title = forms.CharField(label="Title in the course", max_length=200, required=False,
                            help_text="Leave empty to use the quiz's own name for it.")  # fmt: skip
    score_maximum = forms.TypedChoiceField(
        label="Points in the LMS gradebook", choices=[(n, str(n)) for n in (1, 10, 20, 50, 100)], coerce=int,
        initial=100,
    )  # fmt: skip

    def __init__(self, *args, cohort=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = CaseStudy.objects.ready()
        self.fields["assignment"].queryset = (
            Assignment.objects.filter(cohort=cohort) if cohort else Assignment.objects.none()
        )

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == "case" and not data.get("case"):
            self.add_error("case", "Choose the case study to add.")
        if kind == "assignment" and not data.get("assignment"):
            self.add_error("assignment", "Choose the assignment to add (this course's assignments are listed).")
        return data

    def custom_params(self) -> dict[str, str]:
        """The link's custom parameters: what quizzes.lti.target_of reads back at each launch."""
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        if kind == "assignment":
            return {"assignment": str(data["assignment"].pk)}
        if kind == "case":
            return {"case": data["case"].key, "mode": "exam" if data["case_timed"] else "tutor"}
        slugs = ",".join(t.slug for t in data["topics"]) or ",".join(
            Topic.objects.with_published_counts().values_list("slug", flat=True)
        )
        params = {"bank": slugs, "count": str(data["count"]), "mode": "exam" if kind == "exam" else "tutor"}
        return params | ({"minutes": str(data["minutes"])} if kind == "exam" else {})

    def default_title(self) -> str:
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        if kind == "assignment":
            return data["assignment"].title
        if kind == "case":
            return f"Case study: {data['case'].title}"
        names = ", ".join(t.name for t in data["topics"]) or "All banks"
        return f"{'Timed exam' if kind == 'exam' else 'Practice'}: {names}"[:200]
