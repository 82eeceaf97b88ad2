from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

QUESTION_COUNTS = [(5, "5 questions"), (10, "10 questions"), (20, "20 questions")]


class StartForm(forms.Form):
    count = forms.TypedChoiceField(
        label="How many questions",
        choices=QUESTION_COUNTS,
        coerce=int,
        initial=10,
        error_messages={"invalid_choice": "Choose 5, 10 or 20 questions.", "required": "Choose 5, 10 or 20 questions."},
    )


class SignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username",)
