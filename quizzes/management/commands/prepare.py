from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the sources and the bank, and create the demo accounts; safe to run again."

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_sources")
        call_command("load_bank")
        self.stdout.write("Demo accounts (username / password):")
        call_command("seed_demo")
