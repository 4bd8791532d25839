"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

They fail when chromium is missing and are skipped only when ``LINDUNGI_SKIP_BROWSER=1`` says so
(``tests/e2e/browser.py``); ``.ci/run`` installs chromium or stops. Playwright's sync API runs an
event loop in the test thread, so Django's async-safety guard is relaxed for these tests only.
"""

import os

import pytest

from tests.e2e.browser import LAUNCH_ARGS, decide

DECISION = decide()
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e" not in str(item.fspath) or "browser" not in getattr(item, "fixturenames", ()):
            continue
        item.add_marker(pytest.mark.e2e)
        if DECISION.skip_reason:
            item.add_marker(pytest.mark.skip(reason=DECISION.skip_reason))


@pytest.fixture(scope="session")
def browser():
    if DECISION.failure:
        pytest.fail(DECISION.failure, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=DECISION.executable, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page at a given viewport; every page opened is closed with its context."""
    contexts = []

    def make(width=1280, height=720):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, username, password="rahasia-123"):
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


@pytest.fixture
def login(page):
    def do(username, password="rahasia-123"):
        return sign_in(page, username, password)

    return do
