"""An ERP report ending in a total row, on the imports page: named as one, then skipped with
the box, in English and in Chinese, on a laptop and a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def report_with_total(tmp_path: Path) -> Path:
    path = tmp_path / "销售明细.csv"
    path.write_text(
        "客户编码,客户名称,日期,金额\n"
        'HX-1,华信,2026-10-01,"¥1,000.00"\n'
        'HX-1,华信,2026-10-02,"(¥200.50)"\n'
        "HX-1,华信,2026-10-03,-¥99.50\n"
        ',合计,,"¥700.00"\n',
        encoding="utf-8",
    )
    return path


def upload(page: Any, path: Path, *, skip: bool, shoot: Any = None) -> None:
    page.goto("/imports/")
    page.set_input_files("input[type=file]", str(path))
    page.click("form.upload-form button[type=submit]")
    expect(page.locator("table.preview")).to_contain_text("HX-1")
    if skip:
        page.check("input[name=skip_total_rows]")
    if shoot is not None:
        shoot("mapping")
    page.click("form[action*='start'] button[type=submit]")
    call_command("worker", "--batch")


@pytest.mark.parametrize(
    ("language", "named", "skipped"),
    [("en", "total row", "Total rows skipped"), ("zh-hans", "合计行", "已跳过的合计行")],
)
@pytest.mark.parametrize("width", [1360, 390])
def test_a_total_row_is_named_then_skipped_with_the_box(
    page: Any, shoot: Any, tmp_path: Path, language: str, named: str, skipped: str, width: int
) -> None:
    # given a manager and a Chinese ERP report whose last row is 合计
    page.set_viewport_size({"width": width, "height": 900})
    user = UserFactory(username="li", role=Role.MANAGER, language=language)
    AccountFactory(code="HX-1", owner=user)
    sign_in(page, "li", PASSWORD)

    # when it is imported as it is, the page names the row as a total row
    upload(page, report_with_total(tmp_path), skip=False)
    rows = page.locator("#job-status table")
    expect(rows).to_contain_text(named, timeout=15_000)
    expect(rows).to_contain_text("合计")
    shoot(f"rejected-{language}-{width}")

    # and with the box ticked the other rows import, the skipped row listed
    upload(
        page,
        report_with_total(tmp_path),
        skip=True,
        shoot=lambda step: shoot(f"{step}-{language}-{width}"),
    )
    status = page.locator("#job-status")
    expect(status).to_contain_text(skipped, timeout=15_000)
    expect(status).to_contain_text("5")
    shoot(f"imported-{language}-{width}")
