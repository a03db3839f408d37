"""Accessibility (issue 13): WCAG 2.1 AA as axe-core checks it, on every page of every role.

The demo (``load_demo``) is crawled as each of its accounts and as a visitor, with the crawl of the role
journeys (one address per URL name); Chromium opens each page at 1280 px and again at 390 px and runs
axe-core (the copy bundled with ``axe-playwright-python``, injected into every page: no internet needed)
with the rules tagged wcag2a, wcag2aa and wcag21aa. Any serious or critical violation fails the test,
listed as page, rule, impact and the elements concerned. A second test walks the score sheet with the
Tab key and requires every element that takes the focus to show it.
"""

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.test import Client

from sp2k.accounts.models import User
from sp2k.demo.competition import build_open_edition
from tests.browser import test_role_journeys as role_journeys
from tests.browser.conftest import login
from tests.browser.test_role_journeys import ROLE_TASKS, crawl, demo  # noqa: F401 (demo is a fixture)
from tests.conftest import PASSWORD

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}, "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
# A visitor (None) and every demo account.
ACCOUNTS = (None, *ROLE_TASKS)

RUN_AXE = """options => axe.run(document, options).then(results => results.violations
    .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))})))"""


class _RecordingClient(Client):
    """The crawl's client, noting what each address answered: the checks leave out files (PDFs, spreadsheets)
    without asking for them a second time."""

    content_types = {}

    def get(self, path, *args, **kwargs):
        response = super().get(path, *args, **kwargs)
        self.content_types[path] = response.get("Content-Type", "")
        return response


def html_pages(user):
    """One address per URL name among the HTML pages ``user`` (None: a visitor) reaches by links from the home page."""
    paths, _ = crawl(user)
    pages = {}
    for name, chain in sorted(paths.items()):
        href = chain[-1] if chain else "/"
        if "text/html" in _RecordingClient.content_types.get(href, "text/html"):  # a redirect leads to a page
            pages[name] = href
    return pages


def test_no_page_of_any_role_has_a_serious_or_critical_accessibility_violation(
    demo,  # noqa: F811
    page_factory,
    live_server,
    monkeypatch,
):
    monkeypatch.setattr(role_journeys, "Client", _RecordingClient)
    failures, checked = [], 0
    for username in ACCOUNTS:
        user = User.objects.get(username=username) if username else None
        pages = html_pages(user)
        page = page_factory(width=VIEWPORTS[0]["width"], height=VIEWPORTS[0]["height"])
        page.context.add_init_script(script=AXE_SCRIPT)
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME]
            page.context.add_cookies([{"name": session.key, "value": session.value, "url": live_server.url}])
        who = username or "visitor"
        for name, href in pages.items():
            page.set_viewport_size(VIEWPORTS[0])
            page.goto(href)
            for viewport in VIEWPORTS:
                page.set_viewport_size(viewport)
                checked += 1
                found = page.evaluate(RUN_AXE, AXE_OPTIONS)
                for violation in found:
                    if violation["impact"] not in BLOCKING:
                        continue
                    failures.append(
                        f"{who} at {viewport['width']} px, {name} ({href}): {violation['id']} [{violation['impact']}] "
                        f"{violation['help']}: {', '.join(violation['targets'][:5])}"
                    )
    assert checked > 300, f"only {checked} pages checked"
    assert not failures, f"{len(failures)} serious or critical violations:\n" + "\n".join(failures)


@pytest.fixture
def open_edition(province_admin, assessor):
    """This year's edition in assessment, the desk stage (6 indicators) open, the assessor assigned."""
    return build_open_edition(province_admin, [assessor])


FOCUS_SHOWN = """() => {
    const el = document.activeElement, style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || "").trim().slice(0, 30),
            shown: outline || style.boxShadow !== "none"};
}"""


def test_the_score_sheet_shows_where_the_keyboard_focus_is_on_every_element_tab_reaches(
    open_edition, assessor, page_factory
):
    page = page_factory()
    login(page, assessor.username, PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto("/kompetisi/lembar/")
    page.locator("tr", has_text="Rogojampi").get_by_role("button", name="Mulai menilai").click()
    page.wait_for_url(re.compile(r"/kompetisi/lembar/\d+/$"))
    hidden, reached = [], set()
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_SHOWN)
        if focused["tag"] == "body":
            break
        reached.add(focused["id"])
        if not focused["shown"]:
            hidden.append(focused)
    # Tab reached the six score fields and their comments, and the submit button.
    assert sum(1 for element_id in reached if element_id.startswith("score-")) == 6
    assert sum(1 for element_id in reached if element_id.startswith("comment-")) == 6
    assert "submit-sheet" in reached
    assert not hidden, f"focus not visible on: {hidden}"
