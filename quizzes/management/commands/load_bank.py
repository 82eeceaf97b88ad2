from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank import BankError
from quizzes.exchange import load_questions, read_bank_files


class Command(BaseCommand):
    help = "Create or update the question bank from fixtures/bank/*.json (or the files given)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args, files: list[Path], **options) -> None:
        try:
            count = load_questions(read_bank_files(files or None))
        except (BankError, KeyError, TypeError) as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(f"Loaded {count} questions.")
