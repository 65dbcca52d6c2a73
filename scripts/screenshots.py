"""Take the README's screenshots from a real `kam serve` with the demo company.

Usage: .venv/bin/python scripts/screenshots.py  (writes docs/screenshots/*.png)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
KAM = str(Path(sys.executable).with_name("kam"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# (address, file, what to wait for, whole page); the last ones after switching to Chinese.
SHOTS = [
    ("/", "dashboard", "", False),
    ("/accounts/?key=yes", "account-list", "#account-table", False),
    ("/accounts/?q=Orient+Auto+Group", "account-detail", "#strategy-panel .governing", True),
    ("/portfolio/", "portfolio-matrix", "[data-chart-drawn]", False),
    ("/portfolio/pareto/", "portfolio-pareto", "[data-chart-drawn]", False),
    ("/portfolio/migration/", "portfolio-migration", "[data-chart-drawn]", True),
    ("/portfolio/proposals/", "portfolio-proposals", "", False),
    ("/accounts/?q=Orient+Auto+Group", "relationship-map", "[data-chart-drawn]", False),
    ("/agenda/", "agenda", "", False),
    ("/engagement/complaints/", "complaints", "", False),
    ("/engagement/complaints/", "complaint-detail", "", True),
    ("/engagement/complaints/report/", "complaint-report", "", False),
    ("/accounts/?q=Orient+Auto+Group", "survey-panel", "#surveys", False),
    ("/accounts/?q=Orient+Auto+Group", "survey-public-form", "", True),
    ("/engagement/settings/", "cadence-settings", "", True),
    ("/accounts/?q=Orient+Auto+Group", "service-page", "[data-chart-drawn]", True),
    ("/engagement/competitor-moves/", "competitor-moves", "", False),
    ("/alerts/", "alerts", "", False),
    ("/alerts/", "alert-detail", "", True),
    ("/inbox/", "inbox", "", False),
    ("/portfolio/settings/", "portfolio-settings", "", True),
    ("/imports/", "imports", "", False),
    ("zh", "", "", False),
    ("/accounts/", "account-list-zh", "", False),
    ("/portfolio/", "portfolio-matrix-zh", "[data-chart-drawn]", False),
]


def _shoot(page: Any, url: str, name: str, wait: str, full_page: bool) -> None:
    if url == "zh":
        page.click("button[name=language][value=zh-hans]")
        return
    page.goto(url)
    if name in (
        "account-detail",
        "relationship-map",
        "survey-panel",
        "survey-public-form",
        "service-page",
    ):
        page.click("#account-table tbody a")
    if name == "complaint-detail":
        page.click(".complaints-table tbody a[href*='/engagement/complaints/']")
    if name == "survey-public-form":
        # A one-time link made for the account's first contact, opened as the contact would.
        page.click("form[action$='/surveys/invite/'] button")
        page.goto(page.locator("#survey-link").input_value())
    if name == "relationship-map":
        page.click("text=Open the relationship map")
    if name == "service-page":
        page.goto(page.url.rstrip("/") + "/service/")
    if name == "alert-detail":
        page.click("text=Work on it")
    if wait:
        page.wait_for_selector(wait)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    if name == "account-detail":
        page.locator("#strategy-panel").screenshot(path=str(OUT / "strategy-panel.png"))
    if name == "survey-panel":  # the panel alone, over the page's shot
        page.locator("#surveys").screenshot(path=str(OUT / f"{name}.png"))


def main() -> None:
    home = tempfile.mkdtemp(prefix="kam-shots-")
    env = {**os.environ, "KAM_HOME": home, "KAM_DATABASE_URL": "", "KAM_HTTPS": "false"}
    subprocess.run([KAM, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    subprocess.run([KAM, "demo", "--quiet-logins"], env=env, check=True)  # noqa: S603
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own console script
        [
            KAM,
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # The first start collects and compresses the static files: up to a minute or two.
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # answering (503 until a worker beats): the pages are served
            except OSError:
                time.sleep(0.5)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 860}, base_url=base)
            page.goto("/login/")
            page.screenshot(path=str(OUT / "login.png"))
            page.fill("#id_username", "director")
            page.fill("#id_password", "kam-demo")
            page.click("button[type=submit].primary")
            for url, name, wait, full_page in SHOTS:
                _shoot(page, url, name, wait, full_page)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
