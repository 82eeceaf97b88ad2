from django.core.management.base import BaseCommand

from quizzes.exchange import load_sources


class Command(BaseCommand):
    help = "Build Source and Passage records from the documents in fixtures/sources."

    def handle(self, *args, **options) -> None:
        sources, passages = load_sources()
        self.stdout.write(f"Loaded {sources} sources with {passages} passages.")
