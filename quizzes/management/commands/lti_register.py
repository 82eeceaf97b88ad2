from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from quizzes.lti import tool_urls


class Command(BaseCommand):
    help = (
        "Register an LMS (an LTI 1.3 platform) and its deployment, and print the three URLs to paste into the LMS. "
        "Running it again with the same issuer and client ID updates the registration."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--issuer", required=True, help="The platform's issuer (iss), e.g. https://moodle.example.edu"
        )
        parser.add_argument("--client-id", required=True, help="The client ID the LMS gave the tool.")
        parser.add_argument("--deployment-id", required=True, help="The deployment ID the LMS gave the tool.")
        parser.add_argument("--auth-url", required=True, help="The platform's OIDC authorization (auth login) URL.")
        parser.add_argument("--token-url", required=True, help="The platform's OAuth2 access token URL.")
        parser.add_argument("--keyset-url", required=True, help="The platform's public keyset (JWKS) URL.")
        parser.add_argument("--name", default="", help="A name for the admin's list (default: the issuer).")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="The quiz's own address, for the printed URLs."
        )

    @transaction.atomic
    def handle(self, *args, **o) -> None:
        from django.core.exceptions import ValidationError
        from django.core.validators import URLValidator

        for name in ("auth_url", "token_url", "keyset_url"):
            try:
                URLValidator()(o[name])
            except ValidationError as exc:
                raise CommandError(f"--{name.replace('_', '-')} {o[name]!r} is not a URL.") from exc
        registration, created = LtiRegistration.objects.update_or_create(
            issuer=o["issuer"],
            client_id=o["client_id"],
            defaults={"name": o["name"] or o["issuer"], "auth_url": o["auth_url"], "token_url": o["token_url"],
                      "keyset_url": o["keyset_url"], "is_active": True},
        )  # fmt: skip
        LtiDeployment.objects.update_or_create(
            registration=registration, deployment_id=o["deployment_id"], defaults={"is_active": True}
        )
        if not Key.objects.active().exists():
            Key.objects.generate()  # the tool's signing key, published in the keyset
        urls = tool_urls(None, registration, base=o["base_url"])
        self.stdout.write(
            f"{'Registered' if created else 'Updated'} {registration.name} (client {registration.client_id})."
        )
        self.stdout.write(f"Login initiation URL:   {urls['login']}")
        self.stdout.write(f"  (if the LMS sends no client_id at login: {urls['login_uuid']})")
        self.stdout.write(f"Redirect / target link: {urls['launch']}")
        self.stdout.write(f"Public keyset URL:      {urls['keyset']}")
