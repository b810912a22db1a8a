"""Digital signatures on issued PDFs (PAdES with pyHanko): the office's certificate, signing, checking.

The sample's test certificate (ocop/sample/chung-thu-thu-nghiem) signs; its test CA verifies.
Certificates that cannot sign (expired, another CA's) are made here with ``cryptography``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from ocop.documents import pdf, signing
from ocop.documents.renderer import Renderer
from ocop.documents.samples import sample
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Document
from ocop.services import stages
from ocop.settings import Settings
from tests.integration.test_crash_safety import _assert_same, _kill_and_rerun, _restore, _run, _state, clean

__all__ = ["clean"]  # the crash-safety test's uninterrupted run, shared

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "ocop" / "sample" / "luc-nam-2020"
TEMPLATES = REPO / "templates"
needs_soffice = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed")


def _roots() -> tuple[x509.Certificate, ...]:
    return signing.load_certificates([signing.SAMPLE_CA])


def _sample_signer() -> signing.OfficeSigner:
    return signing.load_signer(signing.SAMPLE_CERT, signing.SAMPLE_PASSWORD)


# what a certificate that signs documents may do (non-repudiation included)
SIGNING_USAGE = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                              data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                              encipher_only=False, decipher_only=False)


def _p12(path: Path, password: str, *, not_after: datetime, not_before: datetime | None = None) -> Path:
    """A self-issued certificate and key in a PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND xã Thử Nghiệm")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or not_after - timedelta(days=365)).not_valid_after(not_after)
            .add_extension(SIGNING_USAGE, critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(password.encode())))
    return path


# --- the office's certificate ------------------------------------------------------------------------

def test_the_sample_certificate_is_marked_as_a_test_and_valid_until_2046() -> None:
    signer = _sample_signer()
    assert signer.name == "UBND huyện Lục Nam — THỬ NGHIỆM"
    assert signer.valid_until.year == 2046
    cert = x509.load_der_x509_certificate(signer.signer.signing_cert.dump())
    unit = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value
    assert unit == "CHỨNG THƯ THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
    assert [c.subject for c in signer.chain] == [c.subject for c in _roots()]   # the test CA travels with it


def test_a_certificate_that_cannot_sign_is_named_in_one_vietnamese_message(tmp_path: Path) -> None:
    with pytest.raises(signing.SigningUnavailable) as wrong:
        signing.load_signer(signing.SAMPLE_CERT, "sai-mat-khau")
    assert str(wrong.value).startswith(f"Không mở được tệp chứng thư số '{signing.SAMPLE_CERT}': sai mật khẩu")

    with pytest.raises(signing.SigningUnavailable, match="tệp có mật khẩu nhưng chưa đặt mật khẩu"):
        signing.load_signer(signing.SAMPLE_CERT, "")

    missing = tmp_path / "khong-co.p12"
    with pytest.raises(signing.SigningUnavailable) as gone:
        signing.load_signer(missing, "x")
    assert str(gone.value) == (f"Không đọc được tệp chứng thư số '{missing}' (OCOP_SIGNING_CERT): "
                               "No such file or directory.")

    junk = tmp_path / "khong-phai.p12"
    junk.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot a key\n")
    with pytest.raises(signing.SigningUnavailable, match=re.escape(f"Tệp chứng thư số '{junk}' không phải tệp "
                                                                   "PKCS#12 (.p12/.pfx) hợp lệ")) as bad:
        signing.load_signer(junk, "x")
    assert "USB (token) chưa được hỗ trợ" in str(bad.value)

    expired = _p12(tmp_path / "het-han.p12", "mk", not_after=datetime(2024, 12, 31, tzinfo=UTC))
    with pytest.raises(signing.SigningUnavailable) as old:
        signing.load_signer(expired, "mk")
    assert str(old.value).startswith(f"Chứng thư số '{expired}' (UBND xã Thử Nghiệm) đã hết hạn ngày 31/12/2024.")

    future = _p12(tmp_path / "chua-hieu-luc.p12", "mk", not_before=datetime(2090, 1, 1, tzinfo=UTC),
                  not_after=datetime(2091, 1, 1, tzinfo=UTC))
    with pytest.raises(signing.SigningUnavailable, match="chưa có hiệu lực: hiệu lực từ 01/01/2090"):
        signing.load_signer(future, "mk")


def test_settings_read_the_certificate_and_its_password_or_password_file(tmp_path: Path) -> None:
    assert signing.office_signer(Settings.from_env({}, out_dir=tmp_path)) is None

    secret = tmp_path / "mat-khau.txt"
    secret.write_text(signing.SAMPLE_PASSWORD + "\n", encoding="utf-8")
    env = {"OCOP_SIGNING_CERT": str(signing.SAMPLE_CERT), "OCOP_SIGNING_PASSWORD_FILE": str(secret)}
    settings = Settings.from_env(env, out_dir=tmp_path)
    assert signing.SAMPLE_PASSWORD not in repr(settings)
    by_file = signing.office_signer(settings)
    assert by_file is not None and by_file.name == "UBND huyện Lục Nam — THỬ NGHIỆM"
    assert signing.trust_roots(settings) == by_file.chain       # the CAs in the office's own file

    env = {"OCOP_SIGNING_CERT": str(signing.SAMPLE_CERT), "OCOP_SIGNING_PASSWORD": signing.SAMPLE_PASSWORD,
           "OCOP_SIGNING_TRUST": str(signing.SAMPLE_CA)}
    settings = Settings.from_env(env, out_dir=tmp_path)
    assert signing.office_signer(settings) is by_file            # loaded once per process
    assert signing.trust_roots(settings) == _roots()

    gone = tmp_path / "khong-co.txt"
    env = {"OCOP_SIGNING_CERT": str(signing.SAMPLE_CERT), "OCOP_SIGNING_PASSWORD_FILE": str(gone)}
    with pytest.raises(signing.SigningUnavailable, match=re.escape(f"Không đọc được tệp mật khẩu chứng thư số "
                                                                   f"'{gone}' (OCOP_SIGNING_PASSWORD_FILE)")):
        signing.office_signer(Settings.from_env(env, out_dir=tmp_path))


# --- signing and checking ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def unsigned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if pdf.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("signing")
    docx = folder / "qd.docx"
    Renderer(TEMPLATES).render("qd_thanh_lap_hoi_dong", sample("qd_thanh_lap_hoi_dong"), docx)
    return pdf.to_pdf([docx])[0]


@pytest.fixture
def signed(unsigned: Path, tmp_path: Path) -> Path:
    path = tmp_path / "qd-ky-so.pdf"
    shutil.copyfile(unsigned, path)
    signing.sign_pdfs(_sample_signer(), [signing.SignJob(path, "Ban hành văn bản số 05/QĐ-UBND")], "Lục Nam")
    return path


@needs_soffice
def test_a_signed_pdf_verifies_with_the_sample_ca(signed: Path, unsigned: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    before = datetime.now(UTC)
    check = signing.check_signature(signed, _roots())
    assert check.ok and check.signed and check.intact and check.trusted and check.problem == ""
    assert check.signer == "UBND huyện Lục Nam — THỬ NGHIỆM"
    assert check.signed_at is not None and before - timedelta(minutes=5) < check.signed_at <= datetime.now(UTC)
    # an incremental update: the original bytes are kept whole, the signature appended
    assert signed.read_bytes().startswith(unsigned.read_bytes())
    with signed.open("rb") as fh:
        sig = PdfFileReader(fh).embedded_signatures[0].sig_object
        assert (sig["/SubFilter"], sig["/Reason"], sig["/Location"], sig["/Name"]) == (
            "/ETSI.CAdES.detached", "Ban hành văn bản số 05/QĐ-UBND", "Lục Nam", "UBND huyện Lục Nam — THỬ NGHIỆM")


@needs_soffice
def test_a_byte_changed_in_a_signed_pdf_is_reported_not_intact(signed: Path) -> None:
    data = bytearray(signed.read_bytes())
    at = data.index(b"stream", data.index(b"/Length")) + 40   # inside the first stream's data
    data[at] ^= 0x01
    signed.write_bytes(bytes(data))
    check = signing.check_signature(signed, _roots())
    assert (check.signed, check.intact, check.trusted, check.ok) == (True, False, False, False)
    assert check.problem == ("chữ ký số của UBND huyện Lục Nam — THỬ NGHIỆM không còn khớp với nội dung: tệp đã bị "
                             "sửa sau khi ký")
    assert check.message == f"Tệp '{signed}': {check.problem}."


@needs_soffice
def test_any_byte_changed_outside_the_signature_container_is_caught(signed: Path, tmp_path: Path) -> None:
    """150 single-byte changes spread over the file: each one outside the /Contents hex string (the
    only bytes a PDF signature cannot cover: the container and its padding) is reported not intact,
    none raises. Inside it, a change to the padding is invisible to the signature: the register's
    SHA-256 of the whole file catches those."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = signed.read_bytes()
    with signed.open("rb") as fh:
        start, length, gap_end, _ = PdfFileReader(fh).embedded_signatures[0].sig_object["/ByteRange"]
    changed = tmp_path / "doi-1-byte.pdf"
    missed = []
    for at in range(0, len(data), max(1, len(data) // 150)):
        if start + length <= at < gap_end:
            continue
        copy = bytearray(data)
        copy[at] ^= 0x55
        changed.write_bytes(bytes(copy))
        check = signing.check_signature(changed, _roots())
        if check.intact or check.ok:
            missed.append(at)
    assert missed == []


@needs_soffice
def test_content_added_after_signing_is_reported_not_intact(signed: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with signed.open("rb+") as fh:   # a later revision: the signed one is untouched, something appended
        writer = IncrementalPdfFileWriter(fh)
        writer.root["/Lang"] = writer.root.get("/Lang", "vi-VN")
        writer.update_root()
        writer.write_in_place()
    check = signing.check_signature(signed, _roots())
    assert (check.signed, check.intact, check.ok) == (True, False, False)
    assert check.problem == ("có phần được thêm vào sau khi UBND huyện Lục Nam — THỬ NGHIỆM ký số, không được chữ ký "
                             "bảo đảm")


@needs_soffice
def test_an_unsigned_or_untrusted_pdf_says_so(signed: Path, unsigned: Path, tmp_path: Path) -> None:
    check = signing.check_signature(unsigned, _roots())
    assert (check.signed, check.intact, check.trusted) == (False, False, False)
    assert check.problem == "chưa được ký số" and check.message == f"Tệp '{unsigned}': chưa được ký số."

    other = signing.load_certificates([_p12_ca(tmp_path)])
    check = signing.check_signature(signed, other)       # signed by a CA nobody configured
    assert (check.signed, check.intact, check.trusted) == (True, True, False)
    assert check.problem == ("chữ ký số của UBND huyện Lục Nam — THỬ NGHIỆM nguyên vẹn nhưng chứng thư của người ký "
                             "không do tổ chức chứng thực được tin cậy cấp (OCOP_SIGNING_TRUST)")
    check = signing.check_signature(signed, ())
    assert (check.intact, check.trusted) == (True, False)
    assert "chưa cấu hình chứng thư tin cậy (OCOP_SIGNING_TRUST)" in check.problem

    text = tmp_path / "khong-phai.pdf"
    text.write_text("không phải PDF", encoding="utf-8")
    check = signing.check_signature(text, _roots())
    assert not check.signed and check.problem.startswith("tệp hỏng hoặc không phải PDF, không đọc được chữ ký số: ")


@needs_soffice
def test_a_signature_made_before_its_certificate_expired_stays_valid(unsigned: Path, tmp_path: Path) -> None:
    """Archived documents outlive the office's certificate (1–3 years): each is judged at its signing time."""
    import time

    ca_key, ca = _ca("CA thử nghiệm")
    ca_name = ca.subject
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ends = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND xã Thử Nghiệm")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(ends - timedelta(days=30)).not_valid_after(ends)
            .add_extension(SIGNING_USAGE, critical=True)
            .sign(ca_key, hashes.SHA256()))
    p12 = tmp_path / "sap-het-han.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", key, leaf, [ca], serialization.BestAvailableEncryption(b"mk")))
    path = tmp_path / "ky-truoc-khi-het-han.pdf"
    shutil.copyfile(unsigned, path)
    signing.sign_pdfs(signing.load_signer(p12, "mk"), [signing.SignJob(path, "Ban hành văn bản số 05/QĐ-UBND")],
                      "Lục Nam")
    while datetime.now(UTC) <= ends + timedelta(seconds=1):   # the certificate has now expired
        time.sleep(0.5)
    check = signing.check_signature(path, (ca,))
    assert check.ok and check.trusted and check.problem == "", check.problem


def _ca(common_name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A certification authority's key and self-issued certificate (2020–2040)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _p12_ca(tmp_path: Path) -> Path:
    _, cert = _ca("CA khác")
    path = tmp_path / "ca-khac.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@needs_soffice
def test_signing_and_checking_work_where_an_event_loop_is_running(unsigned: Path, tmp_path: Path) -> None:
    """pyHanko is asynchronous: called from a coroutine (as inside an async flow) it runs in a thread of its own."""
    import asyncio

    path = tmp_path / "trong-vong-lap.pdf"
    shutil.copyfile(unsigned, path)

    async def inside() -> signing.SignatureCheck:
        signing.sign_pdfs(_sample_signer(), [signing.SignJob(path)], "Lục Nam")
        return signing.check_signature(path, _roots())

    assert asyncio.run(inside()).ok


# --- the register signs what it issues ----------------------------------------------------------------

def _stage_env(monkeypatch: pytest.MonkeyPatch, certificate: bool) -> None:
    monkeypatch.setenv("OCOP_PDF", "on")
    for name in ("OCOP_SIGNING_PASSWORD_FILE", "OCOP_SIGNING_TRUST"):
        monkeypatch.delenv(name, raising=False)
    if certificate:
        monkeypatch.setenv("OCOP_SIGNING_CERT", str(signing.SAMPLE_CERT))
        monkeypatch.setenv("OCOP_SIGNING_PASSWORD", signing.SAMPLE_PASSWORD)
    else:
        monkeypatch.delenv("OCOP_SIGNING_CERT", raising=False)
        monkeypatch.delenv("OCOP_SIGNING_PASSWORD", raising=False)


def _set_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, certificate: bool) -> tuple[Settings, Any]:
    """The sample's set-up stage, with or without the sample's certificate: its settings and documents summary."""
    _stage_env(monkeypatch, certificate=certificate)
    settings = Settings.from_env(out_dir=tmp_path / "out")
    stages.prepare_database(settings)
    return settings, stages.set_up(settings, SAMPLE / "campaign.toml").documents


def _issued_pdfs(settings: Settings) -> list[tuple[Path, str]]:
    with unit_of_work(settings.database_url) as s:
        # the register's path under the documents folder (an absolute one stays as it is)
        return [(settings.out_dir / d.pdf_path, d.pdf_sha256)
                for d in s.scalars(select(Document).where(Document.pdf_path != ""))]


@needs_soffice
def test_a_stage_signs_its_pdfs_and_registers_the_signed_files_hash(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    settings, summary = _set_up(tmp_path, monkeypatch, certificate=True)
    assert summary.pdf > 0 and signing.UNSIGNED not in summary.notes
    made = _issued_pdfs(settings)
    assert len(made) == summary.pdf
    for path, sha in made:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
        check = signing.check_signature(path, _roots())
        assert check.ok, check.problem
    assert sorted(_reason(path) for path, _ in made) == [
        "Ban hành văn bản số 01/QĐ-HĐOCOP", "Ban hành văn bản số 18/QĐ-UBND", "Ban hành văn bản số 19/KH-UBND"]


def _reason(path: Path) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    with path.open("rb") as fh:
        return str(PdfFileReader(fh).embedded_signatures[0].sig_object["/Reason"])


@needs_soffice
def test_without_a_certificate_pdfs_are_unsigned_and_the_stage_says_so_once(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    settings, summary = _set_up(tmp_path, monkeypatch, certificate=False)
    assert summary.pdf > 1
    assert [n for n in summary.notes if "ký số" in n] == [signing.UNSIGNED]
    assert all(not signing.check_signature(p, _roots()).signed for p, _ in _issued_pdfs(settings))


def test_a_wrong_password_stops_the_command_before_anything_is_written(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    out = tmp_path / "out"
    env = {**os.environ, "OCOP_PDF": "auto", "OCOP_SIGNING_CERT": str(signing.SAMPLE_CERT),
           "OCOP_SIGNING_PASSWORD": "sai", "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": "",
           "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("OCOP_SIGNING_PASSWORD_FILE", None)
    done = subprocess.run([str(Path(sys.executable).parent / "ocop"), "campaign", "create",
                           str(SAMPLE / "campaign.toml"), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 1
    assert f"Không mở được tệp chứng thư số '{signing.SAMPLE_CERT}': sai mật khẩu" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert sorted(p.name for p in out.rglob("*") if p.name != "ocop.log") == []


# --- crash safety: a killed stage never leaves an unsigned PDF registered as signed -------------------------

# refer (pdf on): the Tờ trình's DOCX staged (write:1), its PDF staged unsigned (write:2), then signed
# (write:3); committed with nothing in place (committed:1); the DOCX placed, not the PDF (place:1)
SIGNED_POINTS = ["write:2", "write:3", "committed:1", "place:1"]


@needs_soffice
def test_a_stage_killed_while_signing_ends_with_signed_registered_pdfs(clean: dict[str, Path],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _stage_env(monkeypatch, certificate=True)
    stage = "refer"
    work = _restore(clean, stage)
    done = _run(work, stage, pdf="on")
    assert done.returncode == 0, done.stderr[-3000:]
    expected = _state(work, work)             # checks every registered PDF's hash on the way
    pdfs = [work / "out" / f for f in expected[0] if f.endswith(".pdf")]
    assert pdfs and all(signing.check_signature(p, _roots()).ok for p in pdfs)
    for fault in SIGNED_POINTS:
        work = _restore(clean, stage)
        _kill_and_rerun(work, stage, fault, pdf="on")
        _assert_same(_state(work, work), expected)
        for path in pdfs:
            assert signing.check_signature(path, _roots()).ok, (fault, path)


# --- ocop demo: signed with the sample's test certificate -------------------------------------------------

@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``ocop demo`` run as a person runs it, with no certificate configured: it uses the sample's."""
    import os
    import subprocess
    import sys

    if pdf.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    tmp = tmp_path_factory.mktemp("demo-signed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCOP_SIGNING_")}
    env.update({"OCOP_PDF": "on", "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": "", "PREFECT_HOME": str(tmp / "prefect")})
    done = subprocess.run([str(Path(sys.executable).parent / "ocop"), "demo", "--out", str(tmp / "out")], env=env,
                          capture_output=True, text=True, timeout=600, cwd=tmp)
    assert done.returncode == 0, done.stderr[-3000:]
    return tmp / "out", done.stderr


@needs_soffice
def test_the_demos_pdfs_are_signed_and_verify_with_the_sample_ca(demo_out: tuple[Path, str]) -> None:
    out, stderr = demo_out
    assert "chưa được ký số" not in stderr
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == 30
    for path in pdfs:
        check = signing.check_signature(path, _roots())
        assert check.ok and check.signer == "UBND huyện Lục Nam — THỬ NGHIỆM", (path, check.problem)


@needs_soffice
def test_a_modified_demo_pdf_is_reported_not_intact(demo_out: tuple[Path, str], tmp_path: Path) -> None:
    [referral] = (demo_out[0] / "luc-nam-2020").rglob("*_ttr_ubnd_*.pdf")
    copy = tmp_path / referral.name
    data = bytearray(referral.read_bytes())
    at = data.index(b"stream", data.index(b"/Length")) + 40
    data[at] ^= 0x01
    copy.write_bytes(bytes(data))
    check = signing.check_signature(copy, _roots())
    assert (check.signed, check.intact, check.ok) == (True, False, False)
    assert "tệp đã bị sửa sau khi ký" in check.problem
