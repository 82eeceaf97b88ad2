from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank import BankError
from quizzes.exchange import import_bank


class Command(BaseCommand):
    help = (
        "Import questions from a JSON (export_bank) or GIFT (Moodle) file, all or nothing. Every fault is "
        "listed with its line (GIFT) or path (JSON); questions that do not yet keep every rule come in as drafts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=["json", "gift"], required=True)
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, format: str, **options) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            count = import_bank(text, format)
        except BankError as exc:
            faults = exc.args[0] if isinstance(exc.args[0], list) else [str(exc)]
            for fault in faults:
                self.stderr.write(fault)
            raise CommandError(f"Nothing was imported: {len(faults)} fault(s).") from exc
        self.stdout.write(f"Imported {count} questions.")
