import json

from django.core.management.base import BaseCommand

from quizzes.exchange import export_bank


class Command(BaseCommand):
    help = "Print the question bank, with its sources and passages, as one JSON object."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(export_bank(), indent=2, ensure_ascii=False))
