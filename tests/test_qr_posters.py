"""QR codes and posters: they decode to the exact link, say the right things, one page per
counter; the CLI with the real reference data; the staff page within each user's scope."""

import io
import shutil
import subprocess
import unicodedata

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from support import PUBLIC_BASE_URL, missing_part
from survey_app.extensions import db
from survey_app.models import Agency, Counter, Sector, StaffScope
from survey_app.services.printing import posters, qr

zxingcpp = pytest.importorskip("zxingcpp")

CALL_TO_ACTION = "Quét mã QR để đánh giá mức độ hài lòng"
HOST = PUBLIC_BASE_URL.removeprefix("https://")


def decode(png_bytes: bytes) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png_bytes)))]


def pdf_text(pdf_bytes: bytes) -> list[str]:
    pages = PdfReader(io.BytesIO(pdf_bytes)).pages
    return [unicodedata.normalize("NFC", page.extract_text()) for page in pages]


def counter(code: str) -> Counter:
    return db.session.execute(select(Counter).where(Counter.code == code)).scalar_one()


def test_counter_qr_png_decodes_to_the_counter_link():
    url = qr.counter_url(PUBLIC_BASE_URL, "ttphc-dat-dai")
    assert url == f"{PUBLIC_BASE_URL}/c/ttphc-dat-dai"
    assert decode(qr.png(url)) == [url]


def test_qr_svg_keeps_the_quiet_zone_and_has_no_inline_style():
    url = qr.counter_url(PUBLIC_BASE_URL, "ttphc-dat-dai")
    svg = qr.svg(url).decode()
    modules = len(qr.matrix(url))
    assert f'viewBox="0 0 {modules} {modules}"' in svg
    assert all(not any(row[:4]) for row in qr.matrix(url)[:4])  # four light rows on top
    assert "style" not in svg


def test_poster_png_decodes_to_the_counter_link(reference_only):
    poster = posters.poster_of(counter("ttphc-tu-phap"), PUBLIC_BASE_URL)
    image = posters.png(poster)
    assert Image.open(io.BytesIO(image)).size == (1240, 1754)
    assert decode(image) == [f"{PUBLIC_BASE_URL}/c/ttphc-tu-phap"]


def test_poster_pdf_says_what_to_do_in_vietnamese_with_the_link(reference_only):
    poster = posters.poster_of(counter("ttphc-tu-phap"), PUBLIC_BASE_URL)
    (text,) = pdf_text(posters.pdf([poster], "poster"))
    flat = " ".join(text.split())
    assert CALL_TO_ACTION in flat
    assert "Scan the QR code" in flat
    assert f"{HOST}/c/ttphc-tu-phap" in flat
    assert "ẩn danh" in flat
    assert "chưa đến một phút" in flat
    assert "Trung tâm Phục vụ hành chính công tỉnh Vĩnh Long" in flat


def test_poster_pdf_qr_decodes_when_printed(reference_only, tmp_path):
    if shutil.which("pdftoppm") is None:
        missing_part("pdftoppm (Debian poppler-utils) renders the PDF for the QR decoder")
    poster = posters.poster_of(counter("ttphc-dat-dai"), PUBLIC_BASE_URL)
    (tmp_path / "poster.pdf").write_bytes(posters.pdf([poster], "poster"))
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", "poster.pdf", "page"],
                   cwd=tmp_path, check=True)
    assert decode((tmp_path / "page.png").read_bytes()) == [poster.url]


def test_agency_counters_include_sub_units(reference_only):
    agency, counters = posters.agency_counters("vp-ubnd-tinh")  # parent of the service centre
    assert agency.code == "vp-ubnd-tinh"
    codes = {c.code for c in counters}
    assert "ttphc-dat-dai" in codes
    assert all(code.startswith("ttphc-") for code in codes)
    _, all_counters = posters.agency_counters("ubnd-tinh")
    total = db.session.execute(select(Counter).where(Counter.active.is_(True))).all()
    assert len(all_counters) == len(total)
    with pytest.raises(posters.UnknownPosterAgency):
        posters.agency_counters("no-such-agency")


def test_cli_writes_one_pdf_per_counter_and_the_combined_pdf(reference_data, runner,
                                                              tmp_path):
    out = tmp_path / "posters"
    result = runner.invoke(args=["qr", "posters", "--agency", "ttphc-tinh", "--out", str(out),
                                 "--png"])
    assert result.exit_code == 0, result.output
    _, counters = posters.agency_counters("ttphc-tinh")
    codes = sorted(c.code for c in counters)
    assert sorted(p.stem for p in out.glob("*.pdf") if p.stem != "ttphc-tinh-all-counters") \
        == codes
    combined = pdf_text((out / "ttphc-tinh-all-counters.pdf").read_bytes())
    assert len(combined) == len(codes)
    for code in codes:
        assert sum(f"{HOST}/c/{code}" in " ".join(page.split()) for page in combined) == 1
        assert len(pdf_text((out / f"{code}.pdf").read_bytes())) == 1
    png = (out / "ttphc-dat-dai.png").read_bytes()
    assert decode(png) == [f"{PUBLIC_BASE_URL}/c/ttphc-dat-dai"]
    assert f"{len(codes)} poster(s)" in result.output


def test_cli_unknown_agency_exits_2_and_writes_nothing(reference_only, runner, tmp_path):
    out = tmp_path / "posters"
    result = runner.invoke(args=["qr", "posters", "--agency", "no-such", "--out", str(out)])
    assert result.exit_code == 2
    assert "unknown agency 'no-such'" in result.output
    assert not out.exists()


def test_cli_agency_without_counters_exits_2(reference_only, runner, tmp_path):
    result = runner.invoke(args=["qr", "posters", "--agency", "so-y-te", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "no active counter" in result.output


# --- staff pages ------------------------------------------------------------------------

def _id(model, code):
    return db.session.execute(select(model.id).where(model.code == code)).scalar_one()


@pytest.fixture
def login_as(reference_only, staff):
    def login(role, agency=None, sector=None):
        scopes = []
        if agency or sector:
            scopes = [StaffScope(agency_id=agency and _id(Agency, agency),
                                 sector_id=sector and _id(Sector, sector))]
        staff.create(f"user-{role}-{agency}-{sector}", role, scopes)
        assert staff.login(f"user-{role}-{agency}-{sector}").status_code == 302
        return staff.client
    return login


def test_posters_page_needs_login(client):
    response = client.get("/staff/posters")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]
    assert client.get("/staff/posters/ttphc-dat-dai.pdf").status_code == 302


def test_admin_sees_every_counter_and_downloads_files(login_as):
    client = login_as("admin")
    page = client.get("/staff/posters").get_data(as_text=True)
    for code in ("ttphc-dat-dai", "ca-tinh-1c", "p-thanh-duc-1c"):
        assert f"/staff/posters/{code}.pdf" in page
    pdf = client.get("/staff/posters/ttphc-dat-dai.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert len(pdf_text(pdf.data)) == 1
    png = client.get("/staff/posters/ttphc-dat-dai.png")
    assert decode(png.data) == [f"{PUBLIC_BASE_URL}/c/ttphc-dat-dai"]
    svg = client.get("/staff/posters/ttphc-dat-dai/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    combined = client.get("/staff/posters/agency/ttphc-tinh.pdf")
    assert len(pdf_text(combined.data)) == len(posters.agency_counters("ttphc-tinh")[1])


def test_agency_user_sees_only_its_agency_and_units(login_as):
    client = login_as("agency", agency="vp-ubnd-tinh")
    page = client.get("/staff/posters").get_data(as_text=True)
    assert "/staff/posters/ttphc-dat-dai.pdf" in page
    assert "ca-tinh-1c" not in page
    for url in ["/staff/posters/ca-tinh-1c.pdf", "/staff/posters/ca-tinh-1c.png",
                "/staff/posters/ca-tinh-1c/qr.svg", "/staff/posters/agency/cong-an-tinh.pdf",
                "/staff/posters/no-such.pdf", "/staff/posters/agency/no-such.pdf"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/staff/posters/ttphc-dat-dai.png").status_code == 200
    # The province's combined PDF holds only the counters this user may see.
    combined = pdf_text(client.get("/staff/posters/agency/ubnd-tinh.pdf").data)
    assert len(combined) == len(posters.agency_counters("vp-ubnd-tinh")[1])


def test_sector_scope_sees_the_counters_serving_that_sector(login_as):
    client = login_as("analyst", sector="cu-tru")
    page = client.get("/staff/posters").get_data(as_text=True)
    assert "/staff/posters/ca-tinh-1c.pdf" in page
    assert "ttphc-dat-dai" not in page
    assert client.get("/staff/posters/ttphc-dat-dai.pdf").status_code == 404


def test_user_without_scope_sees_no_counter(login_as):
    client = login_as("viewer")
    response = client.get("/staff/posters")
    assert response.status_code == 200
    assert "/staff/posters/" not in response.get_data(as_text=True).replace(
        'href="/staff/posters"', "")
    assert client.get("/staff/posters/ttphc-dat-dai.pdf").status_code == 404
