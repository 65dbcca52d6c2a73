"""Importing an ERP export on the page: upload, map two columns, preview, import, and the
account page changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kam.core.dates import today
from kam.core.months import last_month_end, month_add
from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def erp_export(tmp_path: Path) -> Path:
    """A German ERP's export: semicolons, decimal commas, day-first dates, CP1252."""
    last = last_month_end(today()).replace(day=1)
    rows = ["Kunde;Invoice Date;Umsatz;Invoice No;Line;Category"]
    for back in range(12):
        day = month_add(last, -back).replace(day=15)
        amount = f"{1000 * (back + 1):,}".replace(",", ".") + ",50"  # 12.000,50
        rows.append(f"HX-1;{day:%d.%m.%Y};{amount};R{back};1;Pumps")
    rows.append(f"NEW-9;{last:%d.%m.%Y};99,00;R99;1;Müller Teile")
    path = tmp_path / "Umsatz-Export.csv"
    path.write_bytes("\n".join(rows).encode("cp1252"))
    return path


def test_upload_map_preview_import_and_see_the_account_change(page, shoot, tmp_path) -> None:
    UserFactory(username="dora", role=Role.DIRECTOR)
    account = AccountFactory(code="HX-1", name="Huaxin Export Test")
    sign_in(page, "dora", PASSWORD)

    page.goto("/imports/")
    shoot("empty")
    page.set_input_files("input[type=file]", str(erp_export(tmp_path)))
    page.click("button:has-text('Upload and preview')")
    expect(page.locator("table.preview")).to_contain_text("HX-1")
    page.select_option("#id_map_account_code", label="Kunde")
    page.select_option("#id_map_amount", label="Umsatz")
    shoot("mapping")
    page.click("button:has-text('Import')")
    expect(page.locator("#job-status")).to_contain_text(re.compile("Queued|Running"))
    call_command("worker", "--batch")
    expect(page.locator("#job-status")).to_contain_text("Imported", timeout=15_000)
    expect(page.locator("#job-status dl")).to_contain_text("13")
    expect(page.locator("#job-status")).to_contain_text("NEW-9")
    shoot("imported")

    page.goto(f"/accounts/{account.pk}/")
    sales = page.locator("#sales")
    expect(sales).to_contain_text("78,006.00")
    expect(sales.locator("svg")).to_be_visible()
    shoot("account-sales")


def test_a_rejected_upload_is_explained_in_the_uploaders_language(page, shoot, tmp_path) -> None:
    # Given a manager who reads kam in Chinese, and an export with an unreadable amount
    UserFactory(username="li", role=Role.MANAGER, language="zh-hans")
    sign_in(page, "li", PASSWORD)
    export = tmp_path / "导出.csv"
    export.write_text("客户编码,日期,金额\nHX-1,2026-10-03,一百\n", encoding="gb18030")

    # When it is uploaded and imported
    page.goto("/imports/")
    page.set_input_files("input[type=file]", str(export))
    page.click("form.upload-form button[type=submit]")
    expect(page.locator("table.preview")).to_contain_text("HX-1")
    page.click("form[action*='start'] button[type=submit]")
    call_command("worker", "--batch")

    # Then the page names the row, the field and the reason, in Chinese
    rows = page.locator("#job-status table")
    expect(rows).to_contain_text("不是金额", timeout=15_000)
    expect(rows).to_contain_text("净额")
    expect(rows).to_contain_text("一百")
    shoot("rejected-zh")
