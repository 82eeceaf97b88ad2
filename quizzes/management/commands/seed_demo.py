from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand

DEMO = {
    "learner": "learner-demo-2026",
    "instructor": "instructor-demo-2026",
}
# What instructors may do: author questions and banks, run cohorts and
# assignments, read reports; read (never edit) sources and passages; nothing
# about users.
INSTRUCTOR_MODELS = ("topic", "question", "option", "citation", "cohort", "membership", "assignment", "report")
READ_ONLY_MODELS = ("source", "passage", "questionversion", "attempt", "response", "scoresend")


def instructors_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Instructors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="quizzes", content_type__model__in=INSTRUCTOR_MODELS)
        | Permission.objects.filter(
            content_type__app_label="quizzes", content_type__model__in=READ_ONLY_MODELS, codename__startswith="view_"
        )
    )
    return group


class Command(BaseCommand):
    help = "Create the Instructors group and the demo accounts (a learner and an instructor) if missing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--groups-only", action="store_true", help="Only create or update the groups.")

    def handle(self, *args, groups_only: bool = False, **options) -> None:
        group = instructors_group()
        if groups_only:
            return
        for username, password in DEMO.items():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff = username == "instructor"
                user.save()
            if username == "instructor":
                user.groups.add(group)
            self.stdout.write(f"  {username} / {password}" + ("" if created else " (already there)"))
