from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from django.utils import timezone

from quizzes.mydata import purge_anonymous


class Command(BaseCommand):
    help = (
        "Delete what visitors without an account leave: their attempts (with their answers) started more than "
        "--days days ago, and expired sessions. Run it daily."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Keep anonymous attempts this many days (30).")

    def handle(self, *args, days: int, **options) -> None:
        if days < 1:
            raise CommandError("--days must be 1 or more: a shorter time would delete checks people are doing.")
        attempts, answers = purge_anonymous(days)
        expired = Session.objects.filter(expire_date__lt=timezone.now()).count()
        call_command("clearsessions")
        self.stdout.write(
            f"Removed {attempts} anonymous attempt{pluralize(attempts)} older than {days} days "
            f"({answers} answer{pluralize(answers)}) and {expired} expired session{pluralize(expired)}."
        )
