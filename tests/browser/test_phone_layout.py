"""Every page on a 390 px phone (issue 13): nothing scrolls sideways, no table hides a column or an action.

The pages are those of the role journeys' crawl (``crawl``: from the home page, following the links each
demo account is shown, one or two addresses per URL name), and a visitor's public pages. Chromium opens
each at 390 × 844 and measures it: the page may not be wider than the screen
(``document.documentElement.scrollWidth``), and no cell, link, button or field of a table may lie outside
the screen, also where a ``.table-responsive`` wrapper would let the table scroll on its own (a score or an
"open" button one has to find by swiping sideways counts as hidden).
"""

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from sp2k.accounts.models import User
from tests.browser import test_role_journeys as journeys
from tests.browser.conftest import login

WIDTH, HEIGHT = 390, 844
VISITOR = None
ACCOUNTS = [VISITOR, *journeys.ROLE_TASKS]

# What lies outside the screen: the page's width, and the table cells and controls beyond its edges.
MEASURE = """() => {
  const width = window.innerWidth;
  const outside = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.left < -0.5 || box.right > width + 0.5);
  };
  const name = (element) => (element.textContent.trim() || element.getAttribute("aria-label") || element.name
    || element.tagName).replace(/\\s+/g, " ").slice(0, 40);
  return {
    width: document.documentElement.scrollWidth,
    actions: [...document.querySelectorAll(
      "table a[href], table button, table input:not([type=hidden]), table select")].filter(outside).map(name),
    cells: [...document.querySelectorAll("td, th")].filter(outside).map(name),
  };
}"""


@pytest.fixture
def demo(transactional_db, regions):
    call_command("load_demo", verbosity=0)


def pages_of(user, monkeypatch):
    """Every HTML page the crawl opens as ``user`` (``None``: a visitor), in the order it opens them."""
    opened = []

    class Recording(Client):
        def get(self, path, *args, **kwargs):
            response = super().get(path, *args, **kwargs)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                opened.append(path)
            return response

    monkeypatch.setattr(journeys, "Client", Recording)
    journeys.crawl(user)
    return [path for path in dict.fromkeys(opened) if not (journeys.url_name(path) or "").startswith("admin:")]


def test_no_page_of_any_role_scrolls_sideways_or_hides_a_column_on_a_phone(demo, page_factory, monkeypatch):
    overflowing, hidden, measured = [], [], 0
    for username in ACCOUNTS:
        paths = pages_of(User.objects.get(username=username) if username else None, monkeypatch)
        page = page_factory(width=WIDTH, height=HEIGHT)
        if username:
            login(page, username, journeys.DEMO_PASSWORD)
            page.wait_for_url(lambda url: "/akun/masuk/" not in url)
        who = username or "visitor"
        for path in paths:
            try:
                response = page.goto(path)
            except PlaywrightError as error:  # a file served as a download
                if "Download is starting" in str(error):
                    continue
                raise
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            measured += 1
            found = page.evaluate(MEASURE)
            if found["width"] > WIDTH:
                overflowing.append(f"{who} {path}: {found['width']} px wide")
            if found["actions"] or found["cells"]:
                hidden.append(
                    f"{who} {path}: {len(found['actions'])} table actions and {len(found['cells'])} cells off-screen,"
                    f" e.g. {(found['actions'] or found['cells'])[:3]}"
                )
    assert measured > 150, f"only {measured} pages measured: the crawl found too little"
    assert not overflowing, "pages wider than a 390 px phone:\n" + "\n".join(overflowing)
    assert not hidden, "tables hiding columns or actions off-screen on a 390 px phone:\n" + "\n".join(hidden)
