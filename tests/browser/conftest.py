"""A real headless Chromium (Debian's `chromium` + `chromium-driver`) driven by Selenium.

`scripts/ensure-chromium` installs both. Nothing here ever downloads a browser or a
driver: the paths are given explicitly, so Selenium Manager is never consulted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 15

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1400",
    "--lang=fr-FR",
]


def csp_violations(driver: Any) -> list[str]:
    """The Content-Security-Policy violations Chromium wrote to its console since the last
    call (chromedriver hands each console entry out once)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


@pytest.fixture
def browser(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Iterator[Any]:
    """A fresh Chromium (own profile directory) for one test. A test that passed must
    also have loaded its pages without a Content-Security-Policy violation
    (clausier.core.csp): a blocked script or style is a broken page."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/ensure-chromium to install it")
    if not CHROMEDRIVER.exists():
        pytest.fail(f"{CHROMIUM} is there but {CHROMEDRIVER} is not: run scripts/ensure-chromium")
    # Belt and braces: even if a path were wrong, Selenium Manager stays offline.
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    # The console (CSP violations are logged there), read back with get_log("browser").
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    log = tmp_path_factory.mktemp("chromedriver") / "chromedriver.log"
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(log))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    driver.set_script_timeout(WAIT_SECONDS)
    try:
        yield driver
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.passed:
            violations = csp_violations(driver)
            assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
    finally:
        driver.quit()


@pytest.fixture
def screenshot(
    browser: Any, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Path]]:
    """screenshot("step") saves a PNG of the page under a pytest tmp dir; returns its path."""
    folder = tmp_path_factory.mktemp(re.sub(r"\W+", "-", request.node.name)[:40])
    taken: list[Path] = []

    def take(step: str) -> Path:
        path = folder / f"{len(taken) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower())}.png"
        # The viewport only: Chromium's full-page capture (captureBeyondViewport) resizes
        # the page behind the driver's back and made later clicks fail now and then. The
        # window is tall enough for the portal's pages.
        assert browser.save_screenshot(str(path)), f"no screenshot for {step}"
        taken.append(path)
        return path

    yield take
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        take("failure")
    # Shown with -s, and with the captured output of a failing test.
    print(f"\nscreenshots of {request.node.name}: {folder}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep the call phase's report on the item so fixtures can see a failure."""
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
