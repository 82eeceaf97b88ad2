"""factory-boy factories; QuestionFactory builds a valid question of any kind."""

import factory
from django.contrib.auth.models import User
from factory.django import DjangoModelFactory

from quizzes.models import Attempt, Citation, Option, Passage, Question, Source, Topic

PASSAGE_TEXT = (
    "Osteoblasts are cells that build new bone. Osteoclasts are cells that break down, or reabsorb, old bone."
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"learner{n}")
    password = factory.django.Password("correct-horse-battery")


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    publisher = "A publisher"
    file_name = "000.txt"


class PassageFactory(DjangoModelFactory):
    class Meta:
        model = Passage

    source = factory.SubFactory(SourceFactory)
    key = factory.Sequence(lambda n: f"passage-{n}")
    anchor = factory.LazyAttribute(lambda o: o.key)
    position = factory.Sequence(lambda n: n)
    kind = "paragraph"
    heading = "Bone basics"
    text = PASSAGE_TEXT


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")
    description = "A bank for tests."


# The answer parts each kind gets unless a test passes its own `parts`.
DEFAULT_PARTS = {
    "single": [
        {"text": "Osteoblasts", "is_correct": True},
        {"text": "Osteoclasts"},
        {"text": "Platelets"},
    ],
    "true_false": [{"text": "True", "is_correct": True}, {"text": "False"}],
    "multiple": [
        {"text": "Build new bone", "is_correct": True},
        {"text": "Are bone cells", "is_correct": True},
        {"text": "Carry oxygen"},
        {"text": "Fight infection"},
    ],
    "matrix": [
        {"text": "Osteoblasts", "answer": "Build"},
        {"text": "Osteoclasts", "answer": "Break down"},
    ],
    "ordering": [{"text": "First"}, {"text": "Second"}, {"text": "Third"}],
    "cloze": [
        {"text": "build", "blank": 1, "is_correct": True},
        {"text": "break down", "blank": 1},
        {"text": "break down", "blank": 2, "is_correct": True},
        {"text": "build", "blank": 2},
    ],
    "highlight": [
        {"text": "build new bone", "is_correct": True},
        {"text": "carry oxygen"},
        {"text": "reabsorb old bone", "is_correct": True},
    ],
}


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"question-{n}")
    topic = factory.SubFactory(TopicFactory)
    kind = "single"
    stem = factory.Sequence(lambda n: f"Which cells build new bone, in case {n}?")
    explanation = "Osteoblasts build bone; osteoclasts break it down."
    plain_explanation = "Some bone cells build bone. Others break it down."
    audience = "both"
    difficulty = 1
    status = Question.Status.PUBLISHED
    columns = factory.LazyAttribute(lambda o: ["Build", "Break down"] if o.kind == "matrix" else [])
    template = factory.LazyAttribute(
        lambda o: {
            "cloze": "Osteoblasts {1} bone and osteoclasts {2} it.",
            "highlight": "Cells [[build new bone]], blood cells [[carry oxygen]] and others [[reabsorb old bone]].",
        }.get(o.kind, "")
    )

    @factory.post_generation
    def parts(self, create, extracted, **kwargs):
        for position, part in enumerate(extracted or DEFAULT_PARTS[self.kind], start=1):
            Option.objects.create(
                question=self,
                position=position,
                rationale=f"Why: {part['text']} (and what someone who picks it may be thinking).",
                **part,
            )

    @factory.post_generation
    def cite(self, create, extracted, **kwargs):
        passage = extracted or PassageFactory()
        Citation.objects.create(question=self, passage=passage, quote="Osteoblasts are cells that build new bone.")


class AttemptFactory(DjangoModelFactory):
    class Meta:
        model = Attempt

    user = factory.SubFactory(UserFactory)
    seed = 7

    @factory.lazy_attribute
    def question_ids(self):
        return [QuestionFactory().pk for _ in range(3)]


def answer_form(attempt, number: int, answer: dict) -> dict:
    """The fields a learner's browser posts for `answer` (given in option ids) to question `number`."""
    return attempt.form_data(attempt.question_at(number), answer)
