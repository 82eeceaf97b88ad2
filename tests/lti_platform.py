"""A small LTI 1.3 platform for the tests: its own key pair, its keyset served at the HTTP layer (responses),
and launches made the way an LMS makes them, through the tool's OIDC login and then a signed id_token posted to
the launch URL."""

from __future__ import annotations

import io
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command
from lti_tool.models import LtiRegistration

ISSUER = "https://lms.example.edu"
CLIENT_ID = "quiz-tool-client"
DEPLOYMENT_ID = "deployment-1"
AUTH_URL = f"{ISSUER}/mod/lti/auth.php"
TOKEN_URL = f"{ISSUER}/mod/lti/token.php"
KEYSET_URL = f"{ISSUER}/mod/lti/certs.php"
LAUNCH_URL = "http://testserver/lti/launch/"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
INSTRUCTOR = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]


# For a test that runs the real `db_worker`: in autocommit, since inside a test's transaction the worker's
# connection housekeeping would close the connection PostgreSQL needs (SQLite's in-memory one ignores a close).
WITH_WORKER = pytest.mark.django_db(transaction=True)


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Platform:
    """The LMS side: registers itself with the tool, publishes its keyset and launches users."""

    key: object = field(default_factory=new_key)
    kid: str = "platform-key-1"

    def register(self) -> LtiRegistration:
        call_command(
            "lti_register", "--issuer", ISSUER, "--client-id", CLIENT_ID, "--deployment-id", DEPLOYMENT_ID,
            "--auth-url", AUTH_URL, "--token-url", TOKEN_URL, "--keyset-url", KEYSET_URL,
            "--base-url", "http://testserver", stdout=io.StringIO(),
        )  # fmt: skip
        return LtiRegistration.objects.get(issuer=ISSUER, client_id=CLIENT_ID)

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [public | {"kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def serve_keyset(self, mock: responses.RequestsMock) -> None:
        mock.add(responses.GET, KEYSET_URL, json=self.jwks())

    def login(self, client, registration: LtiRegistration, login_hint: str = "user-1", by_uuid: bool = False):
        """The OIDC login initiation; returns the (state, nonce) the tool sent to the platform's auth URL. The
        plain login URL finds the registration by issuer and client ID; by_uuid uses the registration's own."""
        params = {"iss": ISSUER, "login_hint": login_hint, "target_link_uri": LAUNCH_URL, "client_id": CLIENT_ID,
                  "lti_message_hint": "hint-1", "lti_deployment_id": DEPLOYMENT_ID}  # fmt: skip
        path = f"/lti/login/{registration.uuid}/" if by_uuid else "/lti/login/"
        page = client.get(f"{path}?{urlencode(params)}")
        assert page.status_code == 302, page.content
        location = urlparse(page["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == AUTH_URL
        query = {k: v[0] for k, v in parse_qs(location.query).items()}
        assert query["redirect_uri"] == LAUNCH_URL and query["client_id"] == CLIENT_ID
        return query["state"], query["nonce"]

    def claims(self, nonce: str, sub: str = "user-1", roles=None, custom=None, **extra) -> dict:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": f"{sub}@students.example.edu",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "target_link_uri": LAUNCH_URL,
            CLAIM + "resource_link": {"id": "link-1", "title": "Symptoms practice"},
            CLAIM + "roles": LEARNER if roles is None else roles,
            CLAIM + "context": {"id": "course-101", "label": "NUR 101", "title": "Oncology nursing",
                                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitems": f"{ISSUER}/api/lineitems",
                "lineitem": f"{ISSUER}/api/lineitems/7",
            },
        }  # fmt: skip
        if custom is not None:
            body[CLAIM + "custom"] = custom
        return body | extra

    def id_token(self, body: dict, key=None, kid: str | None = None) -> str:
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def launch(self, client, registration, mock, *, body_changes=None, drop=(), key=None, **claims):
        """A whole launch: login, then the signed id_token posted to the tool. Returns (response, body)."""
        self.serve_keyset(mock)
        state, nonce = self.login(client, registration, login_hint=claims.get("sub", "user-1"))
        body = self.claims(nonce, **claims) | (body_changes or {})
        for name in drop:
            body.pop(name, None)
        page = client.post("/lti/launch/", {"id_token": self.id_token(body, key=key), "state": state})
        return page, body


def unique() -> str:
    return uuid.uuid4().hex[:8]
