"""A new user's first steps: search a kecamatan, log in, see the page made for the role."""

from tests.browser.conftest import login
from tests.conftest import PASSWORD


def test_public_search_finds_taman_in_three_regencies(page_factory, regions, artifacts):
    page = page_factory(width=390, height=844)
    page.goto("/")
    # On a phone the search box sits in the collapsed menu.
    page.click("button.navbar-toggler")
    page.fill("input[name=q]", "Taman")
    page.keyboard.press("Enter")
    page.wait_for_url("**/wilayah/cari/**")
    body = page.inner_text("main")
    for regency in ("Kabupaten Sidoarjo", "Kota Madiun", "Kabupaten Pemalang"):
        assert regency in body
    page.screenshot(path=artifacts / "search-taman-phone.png", full_page=True)
    assert page.csp_errors == []


def test_province_admin_logs_in_and_sees_the_province_dashboard(page_factory, province_admin, artifacts):
    page = page_factory()
    login(page, province_admin.username, PASSWORD)
    page.wait_for_url("**/dasbor/")
    assert "Jawa Timur" in page.inner_text("main")
    page.screenshot(path=artifacts / "dashboard-province-admin.png", full_page=True)
    assert page.csp_errors == []
