"""Download the briefing pack in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import open_page

pytestmark = pytest.mark.e2e


def test_pdf_and_workbook_download(app_url, visit, tmp_path):
    page = visit.page
    open_page(page, app_url, "briefing", "?borough=Croydon")
    expect(page.get_by_text("Croydon: ward panel briefing")).to_be_visible()
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Download the PDF").click()
    pdf = tmp_path / "pack.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf_download.value.suggested_filename.startswith("ward-panel-briefing_croydon_")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5_000
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download the Excel workbook").click()
    xlsx = tmp_path / "pack.xlsx"
    xlsx_download.value.save_as(xlsx)
    assert xlsx.read_bytes()[:2] == b"PK"  # a zip: the xlsx container
    assert visit.outside == []
