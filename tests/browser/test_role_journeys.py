"""One journey per role (issue 12): from the home page, by clicking only, every task of the role.

The demo (``load_demo``: the published 2022 example and this year's edition in assessment) is what a
province sees on its first day. For each demo account, the portal's link graph is read from the
pages themselves (a crawl from the home page as that account, following only the links on the
pages); every task of the role must be in it. Then Chromium logs in by clicking, at 1280 px and on a
390 px phone, and reaches each task by clicking along those links (opening the phone's menu or a
dropdown where the link sits in one), and screenshots it in ``test-artifacts/role-*.png``; no page may
scroll sideways at either width.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sp2k.accounts.models import User

DEMO_PASSWORD = "demo-sp2k-2022"
WIDTHS = (1280, 390)

# The tasks of each role, by URL name: each must be reachable by clicking from the home page.
ROLE_TASKS = {
    "panitia-jatim": [
        "dashboard",
        "assessments:edition_list",
        "assessments:edition_create",
        "assessments:edition_detail",
        "assessments:edition_settings",
        "assessments:edition_copy",
        "assessments:stage_criteria",
        "assessments:stage_criteria_copy",
        "assessments:participant_list",
        "assessments:assessor_list",
        "assessments:assignment_matrix",
        "assessments:stage_progress",
        "assessments:stage_ranking",
        "assessments:final_ranking",
        "assessments:awards",
        "assessments:send_reminders",
        "assessments:publication_withdraw",
        "assessments:stage_visits",
        "documents:edition",
        "documents:decree_form",
        "accounts:user_list",
        "accounts:user_detail",
        "accounts:bulk_create",
        "notices:list",
    ],
    "pemkab-banyuwangi": [
        "dashboard",
        "assessments:edition_list",
        "assessments:participant_list",
        "assessments:evidence_checklist",
        "notices:list",
        "accounts:password_change",
    ],
    "camat-rogojampi": [
        "dashboard",
        "kecamatan:profile",
        "kecamatan:profile_edit",
        "kecamatan:innovation_list",
        "kecamatan:innovation_add",
        "assessments:evidence_checklist",
        "notices:list",
        "accounts:password_change",
    ],
    "operator-rogojampi": [
        "dashboard",
        "kecamatan:profile_edit",
        "kecamatan:innovation_list",
        "assessments:evidence_checklist",
        "notices:list",
    ],
    "penilai-bappeda": [
        "dashboard",
        "assessments:my_sheets",
        "assessments:sheet",
        "assessments:evidence_preview",
        "assessments:stage_excel_upload",
        "assessments:stage_submit_all",
        "assessments:conflict_declare",
        "notices:list",
    ],
    "admin": [
        "dashboard",
        "admin:index",
        "accounts:user_list",
        "notices:list",
    ],
}

# Never followed: they end the session, switch the language, or leave the portal's pages.
NOT_FOLLOWED = {"accounts:logout", "set_language"}
# How many different addresses of one URL name the crawl opens (30 sheets are one kind of page).
PER_NAME = 2
MAX_DEPTH = 4


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href and href.startswith("/") and not href.startswith("//"):
                self.hrefs.append(href)


def url_name(path):
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(user):
    """The link graph as ``user`` sees it: ({url name: [href, …]}, the first chain of links from the home page
    to a page of each name; [links that answer 403 or 404, with the page they are on]); ``None``: a visitor."""
    client = Client()
    if user is not None:
        client.force_login(user)
    paths, refused = {}, []
    seen, per_name = set(), {}
    queue = deque([("/", [])])
    while queue:
        href, chain = queue.popleft()
        name = url_name(href)
        if href in seen or name is None or name in NOT_FOLLOWED or name.startswith("admin:") and name != "admin:index":
            continue
        if per_name.get(name, 0) >= PER_NAME:
            continue
        seen.add(href)
        per_name[name] = per_name.get(name, 0) + 1
        response = client.get(href)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            # A link that redirects (``/kecamatan/`` to one's own kecamatan): one click reaches the target.
            queue.appendleft((response["Location"], chain))
            continue
        if response.status_code in (403, 404):
            refused.append((chain[-2] if len(chain) > 1 else "/", href, response.status_code))
        if response.status_code != 200:
            continue
        paths.setdefault(name, chain)
        if len(chain) >= MAX_DEPTH or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for link in parser.hrefs:
            if link not in seen:
                queue.append((link, [*chain, link]))
    return paths, refused


def click_link(page, href):
    """Click the first visible link to ``href``, opening the phone's menu, a dropdown or a folded section if it
    sits in one; returns the page the click leads to (a new tab for a link that opens one)."""
    links = page.locator(f'a[href="{href}"]')

    def visible():
        return next((links.nth(i) for i in range(links.count()) if links.nth(i).is_visible()), None)

    link = visible()
    if link is None:
        toggler = page.locator("button.navbar-toggler")
        if toggler.count() and toggler.first.is_visible() and toggler.first.get_attribute("aria-expanded") != "true":
            toggler.first.click()
            page.wait_for_timeout(400)
        link = visible()
    if link is None:
        dropdown = page.locator(f'.dropdown:has(a[href="{href}"]) .dropdown-toggle')
        if dropdown.count():
            dropdown.first.click()
        link = visible()
    if link is None:
        folded = page.locator(f'details:not([open]):has(a[href="{href}"]) > summary')
        if folded.count():
            folded.first.click()
        link = visible()
    assert link is not None, f"no visible link to {href} on {page.url}"
    if link.get_attribute("target") == "_blank":  # evidence previews open beside the score sheet
        with page.context.expect_page() as opened:
            link.click()
        page.close()
        page = opened.value
        page.wait_for_load_state()
        return page
    with page.expect_navigation():
        link.click()
    return page


def login_by_clicking(page, username):
    page.goto("/")
    click_link(page, "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


@pytest.fixture
def demo(transactional_db, regions):
    call_command("load_demo", verbosity=0)


def test_every_role_reaches_each_of_its_tasks_by_clicking_from_the_home_page(demo, page_factory, artifacts):
    missing, failures = {}, []
    for username, tasks in ROLE_TASKS.items():
        user = User.objects.get(username=username)
        paths, refused = crawl(user)
        if refused:
            failures.append(f"{username} is shown links it may not open (page, link, status): {refused}")
        unreachable = [task for task in tasks if task not in paths]
        if unreachable:
            missing[username] = unreachable
        for width in WIDTHS:
            page = page_factory(width=width, height=844 if width < 500 else 900)
            login_by_clicking(page, username)
            for task in tasks:
                if task not in paths or task == "admin:index" and width < 500:
                    continue
                # Each task's journey starts again at the home page: the brand in the navigation bar.
                while not page.locator("a.navbar-brand").count():  # back from Django's admin
                    page.go_back()
                with page.expect_navigation():
                    page.click("a.navbar-brand")
                try:
                    for href in paths[task]:
                        page = click_link(page, href)
                except (AssertionError, PlaywrightTimeout) as error:
                    failures.append(f"{username} at {width} px, {task}: {error}")
                    continue
                reached = url_name(urlsplit(page.url).path)
                if reached != task:
                    failures.append(f"{username} at {width} px, {task}: the last click led to {reached}")
                    continue
                overflow = page.evaluate("document.documentElement.scrollWidth") - width
                if overflow > 0:
                    failures.append(f"{username} at {width} px, {task}: the page scrolls sideways by {overflow} px")
                page.screenshot(
                    path=artifacts / f"role-{username}-{width}-{task.replace(':', '-')}.png", full_page=True
                )
    assert not missing, f"tasks not reachable by clicking from the home page: {missing}"
    assert not failures, "\n".join(failures)
