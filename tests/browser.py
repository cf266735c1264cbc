"""Toolkit for tests in a real browser: the app under uvicorn, Chromium driven by Playwright
with the network to other hosts cut, screenshots at laptop and tablet sizes, and axe-core.

Make its fixtures visible in a test folder's conftest.py (as tests/web/conftest.py does)::

    from browser import blocked_requests, chromium_browser, demo_server, page  # noqa: F401

and mark the test modules ``dbless`` (the server brings its own database)::

    pytestmark = [pytest.mark.dbless, needs_chromium]

    def test_something(demo_server, page, blocked_requests):
        page.goto(demo_server.url("/docs"))
        screenshot(page, "docs")
        assert axe_violations(page) == []
        assert blocked_requests == []

The server is the real app on a loopback port with its own SQLite file (a browser cannot join
the tests' rolled-back transaction). ``demo_server`` is one per test session, loaded with the
demo register (``gimark demo load``): tests that change data should start their own with
``live_server``. Playwright's own browser download cannot be reached here; Debian's chromium
is driven instead. Screenshots go to ``$GIMARK_TEST_ARTIFACTS/screenshots`` (a temporary folder
when unset)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from app.core import migrate
from app.core.config import Settings
from app.core.db import Database, create_engine
from app.demo.loader import load_demo, sample_codes
from app.main import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
LOOPBACK = frozenset({"127.0.0.1"})
# Laptop and tablet: the sizes every main page is screenshotted at.
SIZES = ((1280, 800), (768, 1024))
SERIOUS = ("serious", "critical")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    # Nothing of Chromium's own (updates, sync, safe browsing) goes out either, and a name the
    # page routing missed cannot be resolved: the loopback address is all there is.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sqlite_settings(settings: Settings, folder: Path) -> Settings:
    """The same settings over a fresh SQLite file in ``folder``."""
    url = f"sqlite+aiosqlite:///{folder / 'browser.db'}"
    return settings.model_copy(update={"database_url": url})


@dataclass
class LiveServer:
    base: str
    settings: Settings
    folder: Path
    seeded: Any = None  # what the seed function returned
    demo_codes: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


async def _prepare(settings: Settings, seed: Callable[[Database], Awaitable[Any]] | None) -> Any:
    database = Database(create_engine(settings.resolved_database_url))
    try:
        await migrate.upgrade(database.engine)
        return None if seed is None else await seed(database)
    finally:
        await database.dispose()


def in_own_thread(work: Callable[[], Any]) -> Any:
    """Playwright's sync API keeps an event loop marked running in the main thread while a
    browser is open, so asyncio.run there would refuse: seeding runs in a thread of its own."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@contextmanager
def live_server(
    settings: Settings,
    folder: Path,
    seed: Callable[[Database], Awaitable[Any]] | None = None,
) -> Iterator[LiveServer]:
    """Migrate the settings' database, run ``seed`` on it (it commits what it writes), then
    serve the app on a free loopback port until the block ends."""
    seeded = in_own_thread(lambda: asyncio.run(_prepare(settings, seed)))
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on port {port}")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings, folder, seeded)
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


def demo_seed(settings: Settings) -> Callable[[Database], Awaitable[list[str]]]:
    """The demo register, as ``gimark demo load`` writes it; returns one code per demo batch."""

    async def seed(database: Database) -> list[str]:
        async with database.sessionmaker() as session, session.begin():
            await load_demo(session, settings)
            return await sample_codes(session)

    return seed


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory, test_settings: Settings):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("demo-server")
    settings = sqlite_settings(test_settings, folder)
    with live_server(settings, folder, demo_seed(settings)) as server:
        server.demo_codes = list(server.seeded)
        yield server


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """One Chromium per test module. While it is open, asyncio tests cannot run (Playwright's
    sync API holds the main thread's event loop): keep browser tests in modules of their own."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def block_outside_hosts(
    context: BrowserContext, allowed: frozenset[str] = LOOPBACK, blocked: list[str] | None = None
) -> list[str]:
    """Refuse every request from the context's pages to a host not in ``allowed``; the list
    returned (``blocked`` if given) fills with the URLs refused: an offline page leaves it empty."""
    blocked = [] if blocked is None else blocked

    def judge(route: Route) -> None:
        if urlsplit(route.request.url).hostname in allowed:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", judge)
    return blocked


def offline_context(
    browser: Browser, blocked: list[str] | None = None, **options: Any
) -> tuple[BrowserContext, list[str]]:
    """A fresh context (cookies, storage) at laptop size, cut off from other hosts."""
    options.setdefault("viewport", {"width": SIZES[0][0], "height": SIZES[0][1]})
    context = browser.new_context(**options)
    return context, block_outside_hosts(context, blocked=blocked)


@pytest.fixture
def blocked_requests() -> list[str]:
    """Requests the test's ``page`` tried to send to another host (all refused)."""
    return []


@pytest.fixture
def page(chromium_browser: Browser, blocked_requests: list[str]) -> Iterator[Page]:
    context, _ = offline_context(chromium_browser, blocked_requests)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- what a test looks at -----------------------------------------------------------------


def artifacts_dir() -> Path:
    root = os.environ.get("GIMARK_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "gimark-test"
    folder = Path(root) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page: Page, name: str, *, full_page: bool = False) -> list[Path]:
    """The page at laptop (1280×800) and tablet (768×1024) size, as ``NAME-WxH.png``; the
    page's own viewport is restored afterwards."""
    before = page.viewport_size
    shots = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        path = artifacts_dir() / f"{name}-{width}x{height}.png"
        page.screenshot(path=path, full_page=full_page)
        shots.append(path)
    if before is not None:
        page.set_viewport_size(before)
    return shots


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[dict[str, Any]]:
    """axe-core (the copy inside the axe-playwright-python package, injected into the page:
    nothing is fetched) run over the page as it is now; the violations of the given impacts."""
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule broken, with the elements that break it: for an assertion message."""
    lines = []
    for violation in violations:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)
