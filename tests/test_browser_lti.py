"""LTI in Chromium: an instructor comes from the LMS's "add external tool" picker (a deep linking launch through
the OIDC login, the platform's pages played by Playwright routes), chooses a case study by keyboard, and the
signed answer is posted back to the LMS; a refused launch is a whole page. axe-core checks both pages."""

import re
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from playwright.sync_api import expect

from tests.lti_platform import CLAIM, CLIENT_ID, INSTRUCTOR, ISSUER, Platform
from tests.pages import SITE_TITLE, assert_whole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RETURN_URL = f"{ISSUER}/mod/lti/contentitem_return.php"


def test_an_instructor_adds_a_case_study_from_the_lms_picker(live_server, browser, case):
    platform = Platform()
    registration = platform.register()
    posted = {}

    def authorize(route) -> None:
        """The tool's login answers with a redirect to the LMS's authorization URL; the LMS (played here, since
        a route does not see a redirect's next request) answers that with a signed deep linking request, posted
        back to the tool by the browser. The login's cookie (its state) is kept as the browser would keep it."""
        login = route.fetch(max_redirects=0)
        assert login.status == 302, login.text()
        query = {k: v[0] for k, v in parse_qs(urlparse(login.headers["location"]).query).items()}
        body = platform.claims(query["nonce"], sub="teacher-1", roles=INSTRUCTOR) | {
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            DL + "deep_linking_settings": {"deep_link_return_url": RETURN_URL, "accept_types": ["ltiResourceLink"],
                                           "accept_presentation_document_targets": ["window"], "data": "d-1"},
        }  # fmt: skip
        body.pop(CLAIM + "resource_link")
        form = (
            f'<form id="f" method="post" action="{query["redirect_uri"]}">'
            f'<input type="hidden" name="id_token" value="{platform.id_token(body)}">'
            f'<input type="hidden" name="state" value="{query["state"]}"></form>'
            '<script>document.getElementById("f").submit()</script>'
        )
        cookies = {k: v for k, v in login.headers.items() if k == "set-cookie"}
        route.fulfill(status=200, headers={"content-type": "text/html", **cookies}, body=form)

    def content_item_return(route) -> None:
        posted["jwt"] = parse_qs(route.request.post_data)["JWT"][0]
        route.fulfill(status=200, content_type="text/html", body="<title>LMS</title><p>Added.</p>")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.route(re.compile(re.escape(f"{live_server.url}/lti/login/") + r"\?.*"), authorize)
    page.route(re.compile(re.escape(RETURN_URL)), content_item_return)
    launch_url = f"{live_server.url}/lti/launch/"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(live_server.url)
        platform.serve_keyset(mock)
        page.goto(f"{live_server.url}/lti/login/?iss={ISSUER}&client_id={CLIENT_ID}&login_hint=teacher-1"
                  f"&target_link_uri={launch_url}&lti_message_hint=m-1")  # fmt: skip
        expect(page.get_by_role("heading", level=1)).to_have_text("Add the quiz to Oncology nursing")
    assert_whole(page, "Add the quiz to Oncology nursing · Bone metastasis quiz", "the LMS picker")

    choice = page.get_by_label("Case study: one client, six steps of clinical judgment")
    choice.focus()
    page.keyboard.press("Space")
    page.get_by_label("Case study", exact=True).select_option(label=case.title)
    page.get_by_role("button", name="Add to the course").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title("LMS")
    claims = jwt.decode(posted["jwt"], options={"verify_signature": False})
    (item,) = claims[DL + "content_items"]
    assert item["custom"] == {"case": case.key, "mode": "tutor"} and item["url"] == f"{live_server.url}/lti/launch/"
    assert item["lineItem"]["label"] == f"Case study: {case.title}" and claims[DL + "data"] == "d-1"
    assert registration.deployments.get().deployment_id == "deployment-1"
    context.close()


def test_a_refused_launch_is_a_whole_page(live_server, page):
    page.goto(f"{live_server.url}/lti/login/?iss=https://nowhere.example&client_id=x&target_link_uri=y&login_hint=z")
    expect(page.get_by_role("alert")).to_contain_text("This LMS is not registered with the quiz.")
    expect(page.get_by_role("alert")).to_contain_text("For the LMS administrator:")
    assert_whole(page, re.compile(SITE_TITLE.pattern), "a refused launch")
