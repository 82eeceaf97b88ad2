from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand

DEMO = {
    "learner": "learner-demo-2026",
    "instructor": "instructor-demo-2026",
}
INSTRUCTOR_MODELS = ("topic", "question", "option", "citation")


class Command(BaseCommand):
    help = "Create the demo accounts (a learner and an instructor) if they do not exist."

    def handle(self, *args, **options) -> None:
        group, _ = Group.objects.get_or_create(name="Instructors")
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="quizzes", content_type__model__in=INSTRUCTOR_MODELS)
            | Permission.objects.filter(content_type__app_label="quizzes", codename__in=["view_source", "view_passage"])
        )
        for username, password in DEMO.items():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff = username == "instructor"
                user.save()
            if username == "instructor":
                user.groups.add(group)
            self.stdout.write(f"  {username} / {password}" + ("" if created else " (already there)"))
