import json

from django.core.management.base import BaseCommand

from quizzes import gift
from quizzes.exchange import export_bank


class Command(BaseCommand):
    help = "Print the question bank as one JSON object (with its sources and passages) or as GIFT for Moodle."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=["json", "gift"], default="json")

    def handle(self, *args, format: str = "json", **options) -> None:
        bank = export_bank()
        if format == "json":
            self.stdout.write(json.dumps(bank, indent=2, ensure_ascii=False))
            return
        text, left_out = gift.write_gift(bank["questions"])
        self.stdout.write(text)
        if left_out:
            self.stderr.write(
                f"GIFT cannot hold {len(left_out)} question(s) of these kinds; left out: {', '.join(left_out)}"
            )
