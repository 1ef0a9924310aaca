"""Fixtures of the browser suite: a throw-away JupyterLab server and headless Chromium.

Run with ``pytest tests/ui`` (the default ``pytest`` run leaves this folder out). The suite
skips when Chromium or Playwright is missing, unless AEHELPERS_REQUIRE_BROWSER=1 (CI), where
it fails instead. Chromium comes from Debian's ``chromium`` package (``apt-get install
chromium``); Playwright only drives it.

The server runs on 127.0.0.1 on a free port, without token or browser, with its config,
runtime, data, settings and workspace folders in a temporary directory, and with the
notebooks' environment: AEHELPERS_QUICK=1 and the offline data (AEHELPERS_DATA_DIR, by
default ../shared/data when it exists). It is shut down, kernels included, whatever happens.
"""

import os
import shutil
import signal

import pytest
from ui_harness import (
    CHROMIUM_ARGS,
    REPO,
    SCREENSHOTS,
    LabServer,
    notebooks_to_test,
    seconds,
    server_root,
)

NOTEBOOKS_KEY = pytest.StashKey[list]()


def _stop_as_ctrl_c(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


# SIGTERM (how make test stops this suite when the unit suite fails) ends the run as Ctrl-C
# does, so that the fixtures below still shut JupyterLab and its kernels down. (SIGINT itself
# cannot serve: a job started in the background of a script ignores it, and so do its children.)
signal.signal(signal.SIGTERM, _stop_as_ctrl_c)


def pytest_configure(config):
    config.stash[NOTEBOOKS_KEY] = notebooks_to_test()


def browser_required():
    return os.environ.get("AEHELPERS_REQUIRE_BROWSER", "").strip() not in ("", "0")


def missing(reason):
    """Skip the suite, or fail it where the browser is required (CI)."""
    if browser_required():
        pytest.fail(f"{reason} (AEHELPERS_REQUIRE_BROWSER=1, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        missing("Chromium is not installed: apt-get install chromium (Debian/Ubuntu)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("Playwright for Python is not installed: pip install -e '.[test]'")
    return path


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory, request):
    notebooks = request.config.stash.get(NOTEBOOKS_KEY, [])
    server = LabServer(server_root(notebooks) if notebooks else REPO,
                       tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start(timeout=seconds("AEHELPERS_UI_START_TIMEOUT", 180))
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:  # each launch gets a fresh temporary profile
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
