"""PDF copies with LibreOffice headless and merged PDFs (pypdf)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from ocop.documents import pdf
from ocop.documents.renderer import Renderer
from ocop.documents.samples import sample
from ocop.errors import DocumentError

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed")

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TITLES = {"phieu_danh_gia": "PHIẾU ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP",
          "qd_thanh_lap_hoi_dong": "QUYẾT ĐỊNH"}

needs_soffice = pytest.mark.skipif(
    pdf.soffice() is None,
    reason="LibreOffice (soffice) is not installed: " + pdf.INSTALL_HINT)


def pages(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages)


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """Two rendered samples converted in ONE to_pdf call (one soffice run)."""
    if pdf.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: " + pdf.INSTALL_HINT)
    d = tmp_path_factory.mktemp("pdf")
    r = Renderer(TEMPLATES)
    docs = []
    for name in TITLES:
        out = d / "ho so" / f"{name}.docx"                      # a space in the directory
        r.render(name, sample(name), out)
        docs.append(out)
    pdfs = pdf.to_pdf(docs)
    assert pdfs == [p.with_suffix(".pdf") for p in docs]         # next to each DOCX, in order
    return dict(zip(TITLES, pdfs, strict=True))


@needs_soffice
@pytest.mark.parametrize("name", sorted(TITLES))
def test_converted_pdf_has_pages_and_vietnamese_text(converted, name):
    path = converted[name]
    assert pages(path) >= 1
    content = text(path)
    assert TITLES[name] in content
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in content
    leftovers = sorted(p.name for p in path.parent.iterdir() if p.suffix not in (".docx", ".pdf"))
    assert leftovers == []


@needs_soffice
def test_out_dir_and_concurrent_calls_use_private_profiles(converted, tmp_path, monkeypatch):
    """Two conversions at once: each soffice has its own profile, so neither hands its files to
    the other's running instance; no profile or temp directory is left behind."""
    from concurrent.futures import ThreadPoolExecutor

    src = [converted[n].with_suffix(".docx") for n in sorted(TITLES)]
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))      # profiles and work dirs go here
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda d: pdf.to_pdf(src, out_dir=tmp_path / d), ["a", "b"]))
    for d, outs in zip(["a", "b"], results, strict=True):
        assert outs == [tmp_path / d / f"{n}.pdf" for n in sorted(TITLES)]
        assert all(pages(p) >= 1 for p in outs)
    assert list(scratch.iterdir()) == []


def test_missing_libreoffice_raises_pdf_unavailable(monkeypatch, tmp_path):
    monkeypatch.setenv("OCOP_SOFFICE", str(tmp_path / "khong-co" / "soffice"))
    assert pdf.soffice() is None
    docx = tmp_path / "a.docx"
    Renderer(TEMPLATES).render("qd_thanh_lap_hoi_dong", sample("qd_thanh_lap_hoi_dong"), docx)
    with pytest.raises(pdf.PdfUnavailable) as info:
        pdf.to_pdf([docx])
    msg = str(info.value)
    assert isinstance(info.value, DocumentError)
    assert "LibreOffice" in msg and "apt-get install --no-install-recommends libreoffice-writer-nogui" in msg
    assert "fonts-liberation fonts-liberation2" in msg and "DOCX" in msg and "hợp lệ" in msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx"]


def test_missing_docx_is_named(tmp_path):
    with pytest.raises(DocumentError, match=r"khong_co\.docx"):
        pdf.to_pdf([tmp_path / "khong_co.docx"])
    assert pdf.to_pdf([]) == []


@needs_soffice
def test_unconvertible_file_is_named_and_nothing_written(converted, tmp_path):
    good = converted["qd_thanh_lap_hoi_dong"].with_suffix(".docx")
    bad = tmp_path / "hong.docx"
    bad.write_bytes(good.read_bytes()[:5000])                # truncated zip: "could not be loaded"
    with pytest.raises(DocumentError, match=r"hong\.docx"):
        pdf.to_pdf([good, bad], out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
