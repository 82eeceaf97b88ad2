from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the sources and the bank, and create the demo accounts; safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Do not create the demo accounts (production).")

    def handle(self, *args, no_demo: bool = False, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_sources")
        call_command("load_bank")
        call_command("seed_demo", "--groups-only")
        if not no_demo:
            self.stdout.write("Demo accounts (username / password):")
            call_command("seed_demo")
