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
import urllib.request
from pathlib import Path

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
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
                break
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
            page.goto("/")
            page.screenshot(path=str(OUT / "dashboard.png"))
            page.goto("/accounts/?key=yes")
            page.wait_for_selector("#account-table")
            page.screenshot(path=str(OUT / "account-list.png"))
            page.goto("/accounts/?q=Orient+Auto+Group")
            page.click("#account-table tbody a")
            page.wait_for_selector("#sales svg")
            page.wait_for_selector("#strategy-panel .tiles")
            page.screenshot(path=str(OUT / "account-detail.png"), full_page=True)
            page.locator("#strategy-panel").screenshot(path=str(OUT / "strategy-panel.png"))
            page.goto("/portfolio/")
            page.wait_for_selector("[data-chart-ready]")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / "portfolio-matrix.png"))
            page.goto("/portfolio/pareto/")
            page.wait_for_selector("[data-chart-ready]")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / "portfolio-pareto.png"))
            page.goto("/portfolio/migration/")
            page.wait_for_selector("[data-chart-ready]")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / "portfolio-migration.png"), full_page=True)
            page.goto("/portfolio/proposals/")
            page.screenshot(path=str(OUT / "portfolio-proposals.png"))
            page.goto("/alerts/")
            page.screenshot(path=str(OUT / "alerts.png"))
            page.goto("/portfolio/settings/")
            page.screenshot(path=str(OUT / "portfolio-settings.png"), full_page=True)
            page.goto("/imports/")
            page.screenshot(path=str(OUT / "imports.png"))
            page.click("button[name=language][value=zh-hans]")
            page.goto("/accounts/")
            page.screenshot(path=str(OUT / "account-list-zh.png"))
            page.goto("/portfolio/")
            page.wait_for_selector("[data-chart-ready]")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / "portfolio-matrix-zh.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
