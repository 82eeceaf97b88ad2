"""Single best answer: one key among three or more options."""

from quizzes.kinds.choice import OnePick, WrittenOptions


class Single(OnePick, WrittenOptions):
    name = "single"
    label = "Single best answer"
    xapi_interaction = "choice"
    part_fields = ("position", "is_correct")
    distractors = True
    one_key = True
    gift = "multiple choice"

    @classmethod
    def option_faults(cls, options: list[dict], correct: list[dict], texts: list[str]) -> list[str]:
        faults = []
        if len(options) < 3:
            faults.append("a single-answer question needs at least 3 options")
        if len(correct) > 1:
            faults.append("a single-answer question has more than one correct option")
        return faults
