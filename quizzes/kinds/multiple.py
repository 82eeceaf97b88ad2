"""Select all that apply: four or more options, at least one right and one wrong, scored +1/-1 per pick."""

from quizzes.kinds.choice import SeveralPicks, WrittenOptions


class Multiple(SeveralPicks, WrittenOptions):
    name = "multiple"
    label = "Select all that apply"
    xapi_interaction = "choice"
    hint = "select every answer that is right"
    patient_hint = "Choose every answer that fits."
    part_fields = ("position", "is_correct")
    distractors = True
    gift = "multiple answers"

    @classmethod
    def option_faults(cls, options: list[dict], correct: list[dict], texts: list[str]) -> list[str]:
        faults = []
        if len(options) < 4:
            faults.append("a select-all question needs at least 4 options")
        if len(correct) == len(options):
            faults.append("a select-all question needs at least one wrong option")
        return faults
