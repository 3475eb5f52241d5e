"""Browser fixtures: Debian's Chromium driven by Playwright against the live test server.

Imported once by the root conftest: Playwright's sync API keeps its event loop running in the main
thread, so a second `sync_playwright()` in the same session would fail.
"""

import base64
import os

import pytest
from playwright.sync_api import Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls in test set-up are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KAOHE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    # A deliberate 4xx page logs "Failed to load resource"; that is an HTTP status, not a script error.
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A desktop page (1366×768, the intranet standard); fails the test on any JavaScript error."""
    context, page, errors = _page(browser, live_server, viewport={"width": 1366, "height": 768}, locale="zh-CN")
    yield page
    context.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    """A phone page at 360×740 for the citizen's QR rating."""
    context, page, errors = _page(browser, live_server, viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    yield page
    context.close()
    assert errors == [], f"console errors: {errors}"


def login(page: Page, username: str, password: str) -> None:
    """Log in; for roles that need a second factor, enrol or answer with the current TOTP code."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/otp/" in page.url:
        page.fill("#otp-token", current_totp(username, page))
        page.click("button[type=submit]")
        page.wait_for_load_state()


def current_totp(username: str, page: Page) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    secret = page.get_by_test_id("otp-secret")
    if secret.count():
        key = base64.b32decode(secret.inner_text())
    else:
        key = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed").first().bin_key
    return f"{totp(key):06d}"
