from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from quizzes.admin import make_instructor


class Command(BaseCommand):
    help = "Give a user the Instructors group (authoring, cohorts, gradebook) and staff access."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        call_command("seed_demo", "--groups-only")
        make_instructor(user)
        self.stdout.write(f"{username} is now an instructor.")
