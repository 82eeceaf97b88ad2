from django.core.management.base import BaseCommand, CommandError

from quizzes.bank import check
from quizzes.exchange import export_bank
from quizzes.models import Question


class Command(BaseCommand):
    help = (
        "Check every published question against the rules of the bank (verbatim quotes, a correct answer, "
        "a rationale for every option, each kind's structure, reading grade of patient text, near-duplicate "
        "stems) and print a summary. Exits non-zero with one line per fault."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Check drafts and retired questions too.")

    def handle(self, *args, all: bool = False, **options) -> None:
        questions = Question.objects.all() if all else Question.objects.published()
        report = check(export_bank(questions))
        for line in report.summary:
            self.stdout.write(line)
        if not report.ok:
            for fault in report.faults:
                self.stderr.write(fault)
            raise CommandError(f"{len(report.faults)} fault(s) in the bank.")
        self.stdout.write(self.style.SUCCESS("The bank keeps every rule."))
