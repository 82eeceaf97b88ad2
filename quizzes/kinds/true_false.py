"""True or false: a statement to judge, with exactly the options True and False, True shown first."""

from quizzes.kinds.choice import OnePick, WrittenOptions


class TrueFalse(OnePick, WrittenOptions):
    name = "true_false"
    label = "True or false"
    xapi_interaction = "true-false"
    part_fields = ("position", "is_correct")
    statement = True
    gift = "true-false"

    def shown_parts(self, seed: int) -> list:
        return sorted(self.options(), key=lambda o: o.text != "True")

    @classmethod
    def option_faults(cls, options: list[dict], correct: list[dict], texts: list[str]) -> list[str]:
        faults = []
        if sorted(texts) != ["False", "True"]:
            faults.append("a true/false question needs exactly the options True and False")
        if len(correct) != 1:
            faults.append("a true/false question needs exactly one correct option")
        return faults

    @classmethod
    def given_away(cls, q: dict) -> list[str]:
        return ["a true/false item is rated 3"]
