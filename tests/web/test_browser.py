"""The verification page in a real headless Chromium: what a shopper's phone shows.

The app runs under uvicorn on a loopback port against its own SQLite file (a browser cannot
join the tests' rolled-back transaction). Screenshots land in the pytest tmp dir."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import factories
import httpx
import pytest
from browser import live_server, sqlite_settings
from websockets.sync.client import ClientConnection, connect

from app.core import notices
from app.core.db import Database
from app.core.notices import NoticeKind
from app.label.code import LabelCodec
from app.label.models import LabelStatus

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.dbless,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--window-size=412,915",
    "--virtual-time-budget=4000",
]


async def seed(database: Database, codec: LabelCodec) -> tuple[str, str]:
    async with database.sessionmaker() as session, session.begin():
        product = await factories.product(
            session, code="WYXRK", name_zh="五原向日葵", name_en="Wuyuan Sunflower Seeds"
        )
        company = await factories.enterprise(session, name="五原县丰瑞农业开发有限公司")
        licence = await factories.licence(session, company.id, product.id)
        batch = await factories.batch(session, licence, lot_number="WY-2026-001")
        genuine, revoked = await factories.labels(session, batch, codec.mint_many(2))
        revoked.status = LabelStatus.REVOKED
        about = notices.Subject(
            product=product,
            enterprise=company,
            licence_number=licence.number,
            lot_number="WY-2026-001",
            reason="抽检不合格，确认召回",
            case_number="五市监〔2026〕12号",
        )
        await notices.publish(session, NoticeKind.RECALL, 1, about)
    return genuine.code, revoked.code


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_settings):
    folder = tmp_path_factory.mktemp("browser")
    settings = sqlite_settings(test_settings, folder)
    codec = LabelCodec(settings.label_key_bytes(), settings.label_current_key_id)
    with live_server(settings, folder, lambda database: seed(database, codec)) as running:
        yield {"base": running.base, "codes": running.seeded, "folder": folder}


def chromium(*args: str, folder: Path) -> str:
    profile = folder / f"profile-{time.monotonic_ns()}"
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("which", ["genuine", "revoked"])
def test_verify_page_in_chromium(server, which, lang) -> None:
    code = server["codes"][0 if which == "genuine" else 1]
    url = f"{server['base']}/v/{code.lower()}?lang={lang}"
    shot = server["folder"] / f"verify-{which}-{lang}.png"
    chromium(f"--screenshot={shot}", url, folder=server["folder"])
    assert shot.stat().st_size > 5_000
    dom = chromium("--dump-dom", url, folder=server["folder"])
    assert f'data-verdict="{which}"' in dom
    expected = {
        ("genuine", "zh"): ["真品", "五原县丰瑞农业开发有限公司", "WY-2026-001", "举报问题"],
        ("genuine", "en"): ["Genuine", "Wuyuan Sunflower Seeds", "WY-2026-001", "Report a problem"],
        ("revoked", "zh"): ["已撤销", "举报问题"],
        ("revoked", "en"): ["Revoked", "Report a problem"],
    }[(which, lang)]
    for text in expected:
        assert text in dom


def test_report_form_submits_from_the_browser(server) -> None:
    """Chromium opens the real form page, fills it and submits it; the thank-you page shows."""
    code = server["codes"][1]
    form = httpx.get(f"{server['base']}/report", params={"code": code, "lang": "en"}).text
    assert 'action="/report?lang=en"' in form and 'name="what_was_seen"' in form and code in form
    # Drive the same form the page serves: a script fills the fields and submits it.
    driver = server["folder"] / "drive.html"
    driver.write_text(
        "<!doctype html><body>"
        f"<form id='r' method='post' action='{server['base']}/report?lang=en' enctype='multipart/form-data'>"
        f"<input name='code' value='{code}'><textarea name='what_was_seen'>Seal broken, print blurred</textarea>"
        "<input name='where_bought' value='Linhe market'></form>"
        "<script>document.getElementById('r').submit()</script></body>"
    )
    dom = chromium("--dump-dom", driver.as_uri(), folder=server["folder"])
    assert "Thank you, we have your report" in dom and "data-report=" in dom


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notices_page_in_chromium(server, lang) -> None:
    url = f"{server['base']}/public/notices?lang={lang}"
    shot = server["folder"] / f"notices-{lang}.png"
    chromium(f"--screenshot={shot}", url, folder=server["folder"])
    assert shot.stat().st_size > 5_000
    dom = chromium("--dump-dom", url, folder=server["folder"])
    heading, kind = ("监管公示", "召回") if lang == "zh" else ("Public notices", "Recall")
    for text in (heading, kind, "五原县丰瑞农业开发有限公司", "WY-2026-001", "五市监〔2026〕12号"):
        assert text in dom


class DevTools:
    """Just enough of the Chrome DevTools Protocol to type into a page like a person (the
    websockets client comes with uvicorn[standard])."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket, self.next_id = socket, 0

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == self.next_id:
                return dict(message.get("result", {}))

    def wait_for_load(self) -> None:
        while json.loads(self.socket.recv(timeout=30)).get("method") != "Page.loadEventFired":
            pass

    def evaluate(self, expression: str) -> object:
        return self.call("Runtime.evaluate", expression=expression)["result"].get("value")


def _page_socket_url(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    port = next(
        line.split("ws://", 1)[1].split("/", 1)[0]
        for line in process.stderr
        if "DevTools listening on ws://" in line
    )
    for _ in range(100):
        targets = httpx.get(f"http://{port}/json/list").json()
        pages = [target for target in targets if target["type"] == "page"]
        if pages:
            return str(pages[0]["webSocketDebuggerUrl"])
        time.sleep(0.05)
    raise AssertionError("Chromium opened no page")


@contextmanager
def devtools(folder: Path) -> Iterator[DevTools]:
    profile = folder / f"profile-{time.monotonic_ns()}"
    flags = [flag for flag in FLAGS if not flag.startswith("--virtual-time-budget")]
    command = [CHROMIUM, *flags, f"--user-data-dir={profile}", "--remote-debugging-port=0"]
    process = subprocess.Popen([*command, "about:blank"], stderr=subprocess.PIPE, text=True)
    try:
        with connect(_page_socket_url(process), max_size=2**24) as socket:
            browser = DevTools(socket)
            browser.call("Page.enable")
            yield browser
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_type_a_printed_code_on_the_home_page_and_land_on_the_verdict(server, lang) -> None:
    code = server["codes"][0]
    typed = "-".join(code[i : i + 4] for i in range(0, 20, 4)).lower()  # as a person types it
    with devtools(server["folder"]) as browser:
        browser.call("Page.navigate", url=f"{server['base']}/?lang={lang}")
        browser.wait_for_load()
        browser.evaluate("document.getElementById('code').focus()")
        browser.call("Input.insertText", text=typed)
        browser.evaluate("document.getElementById('check').requestSubmit()")
        browser.wait_for_load()
        landed = browser.evaluate("location.pathname + location.search")
        verdict = browser.evaluate("document.querySelector('[data-verdict]').dataset.verdict")
        body = str(browser.evaluate("document.body.innerText"))
    assert landed == f"/v/{code}?lang={lang}" and verdict == "genuine"
    assert ("真品" if lang == "zh" else "Genuine") in body


def test_a_four_character_chinese_report_is_sent_from_the_real_form(server) -> None:
    """The form page itself, typed into: the browser must not block 疑似假冒 (4 characters)."""
    with devtools(server["folder"]) as browser:
        browser.call("Page.navigate", url=f"{server['base']}/report?lang=zh")
        browser.wait_for_load()
        browser.evaluate("document.getElementById('what_was_seen').focus()")
        browser.call("Input.insertText", text="疑似假冒")
        browser.evaluate("document.querySelector('form').requestSubmit()")
        browser.wait_for_load()
        body = str(browser.evaluate("document.body.innerText"))
    assert "已收到您的举报" in body
