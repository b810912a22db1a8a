"""`ocop documents verify` checks the PDFs' digital signatures too, in the documents folder and in a
referral packet, where a forger who rewrites a member and its manifest line is still caught.

The sample campaign runs once, every stage to the Tờ trình, with the sample's test certificate; each
test works on a copy of its documents folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.cli import app
from ocop.documents import pdf, signing
from ocop.persistence.db import engine_for
from ocop.services import stages
from ocop.services.paperwork import packet
from ocop.services.paperwork.verify import verify_folder, verify_packet
from ocop.settings import Settings
from tests.integration.test_pdf_signing import _p12_ca

pytestmark = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed")

SAMPLE = Path(__file__).resolve().parents[2] / "ocop" / "sample" / "luc-nam-2020"
CODE = "luc-nam-2020"
SIGNED = {"OCOP_PDF": "on", "OCOP_SIGNING_CERT": str(signing.SAMPLE_CERT),
          "OCOP_SIGNING_PASSWORD": signing.SAMPLE_PASSWORD}


def _settings(out: Path, **env: str) -> Settings:
    return Settings.from_env({"OCOP_PDF": "on", **env}, out_dir=out)


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("verify-signatures") / "out"
    settings = Settings.from_env(SIGNED, out_dir=out)
    stages.prepare_database(settings)
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    for stage in (stages.verify, stages.schedule):
        stage(settings, CODE)
    stages.score(settings, CODE, SAMPLE / "scores.csv")
    stages.issue_score_sheets(settings, CODE)
    for stage in (stages.rank, stages.recognise, stages.refer):
        stage(settings, CODE)
    engine_for(settings.database_url).dispose()
    yield out


@pytest.fixture
def out(issued: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "out"
    shutil.copytree(issued, copy)
    yield copy
    engine_for(_settings(copy).database_url).dispose()


def _pdfs(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.pdf") if not p.name.startswith(".") and "in-phieu" not in p.name)


def test_signed_pdfs_verify_against_the_offices_own_ca(out: Path) -> None:
    report = verify_folder(_settings(out, **SIGNED))       # trust roots: the CAs in the office's .p12
    assert report.ok and report.notes == ()
    assert len(_pdfs(out)) == 30


def test_without_a_trust_root_the_signatures_are_one_note_not_a_failure(out: Path) -> None:
    report = verify_folder(_settings(out))
    assert report.ok
    [note] = report.notes
    assert (note.kind, note.path) == ("unverified", "30 tệp PDF")
    assert note.detail.endswith(", …") and note.detail.count(".pdf") == 3


def test_a_foreign_trust_root_makes_every_signature_a_problem(out: Path, tmp_path: Path) -> None:
    other = _p12_ca(tmp_path)     # a CA of its own, which signed none of them
    report = verify_folder(_settings(out, OCOP_SIGNING_TRUST=str(other)))
    assert not report.ok and {p.kind for p in report.problems} == {"signature"}
    assert len(report.problems) == 30
    assert all("không do tổ chức chứng thực được tin cậy cấp" in p.detail for p in report.problems)


def test_a_modified_pdf_is_named_once_as_modified(out: Path) -> None:
    target = _pdfs(out)[0]
    data = bytearray(target.read_bytes())
    at = data.index(b"stream", data.index(b"/Length")) + 40
    data[at] ^= 0x01
    target.write_bytes(bytes(data))
    report = verify_folder(_settings(out, **SIGNED))
    assert [(p.kind, p.path) for p in report.problems] == [("modified", target.relative_to(out).as_posix())]


def test_unsigned_pdfs_are_one_note(tmp_path: Path) -> None:
    out = tmp_path / "out"
    settings = _settings(out)                          # no certificate: PDFs issued unsigned
    stages.prepare_database(settings)
    stages.set_up(settings, SAMPLE / "campaign.toml")
    report = verify_folder(settings)
    engine_for(settings.database_url).dispose()
    assert report.ok
    [note] = report.notes
    assert (note.kind, note.path) == ("unsigned", "3 tệp PDF")


def test_a_forged_packet_member_with_its_manifest_rewritten_is_caught_by_the_signature(out: Path,
                                                                                       tmp_path: Path) -> None:
    [zipped] = sorted(out.rglob(f"*{packet.SUFFIX}"))
    roots = signing.load_certificates([signing.SAMPLE_CA])
    assert verify_packet(zipped, roots).ok and verify_packet(zipped, roots).notes == ()

    # a forger changes a PDF's bytes and writes its new SHA-256 into both manifests
    def flip(body: bytes) -> bytes:
        changed = bytearray(body)
        changed[changed.index(b"stream", changed.index(b"/Length")) + 40] ^= 0x01
        return bytes(changed)

    forged, victim = _forge(zipped, tmp_path, flip)
    report = verify_packet(forged, roots)
    assert [(p.kind, p.path) for p in report.problems] == [("signature", victim["name"])]
    assert "tệp đã bị sửa sau khi ký" in report.problems[0].detail

    # the command: the receiving office's trust root from OCOP_SIGNING_TRUST, exit code 1, the file named
    result = CliRunner().invoke(app, ["documents", "verify", str(forged)],
                                env={"OCOP_SIGNING_TRUST": str(signing.SAMPLE_CA), "OCOP_SIGNING_CERT": ""})
    assert result.exit_code == 1
    assert f"{victim['name']}: chữ ký số không hợp lệ (chữ ký số của UBND huyện Lục Nam — THỬ NGHIỆM không còn " \
           "khớp với nội dung: tệp đã bị sửa sau khi ký)" in result.output


def test_a_packet_pdf_stripped_of_its_signature_fails_where_trust_roots_are_configured(out: Path,
                                                                                       tmp_path: Path) -> None:
    [zipped] = sorted(out.rglob(f"*{packet.SUFFIX}"))
    roots = signing.load_certificates([signing.SAMPLE_CA])
    assert verify_packet(zipped, roots).signers == ("UBND huyện Lục Nam — THỬ NGHIỆM",)   # whom the reader expects

    # a forger keeps the PDF as it was before signing (the signature is an incremental update after it)
    stripped, victim = _forge(zipped, tmp_path, lambda body: body[:body.index(b"%%EOF") + len(b"%%EOF\n")])
    assert signing.check_signature(Path(victim["name"]), roots, zipfile.ZipFile(stripped).read(victim["name"])
                                   ).problem == signing.NOT_SIGNED
    report = verify_packet(stripped, roots)
    assert [(p.kind, p.path) for p in report.problems] == [("signature", victim["name"])]
    # without a trust root nothing can be said of the sender: the same packet is one note, not a failure
    assert verify_packet(stripped, ()).ok


def _forge(zipped: Path, folder: Path, change: Callable[[bytes], bytes]) -> tuple[Path, dict[str, Any]]:
    """The packet with its first PDF changed by ``change`` and that PDF's new SHA-256 and size written
    into both manifests, as a forger would; returns the forged packet and the changed file's entry."""
    forged = folder / zipped.name
    with zipfile.ZipFile(zipped) as src, zipfile.ZipFile(forged, "w") as dst:
        data = json.loads(src.read(packet.MANIFEST))
        victim = next(f for f in data["files"] if f["name"].endswith(".pdf"))
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == victim["name"]:
                body = change(body)
                victim["sha256"], victim["size"] = hashlib.sha256(body).hexdigest(), len(body)
            if info.filename not in (packet.MANIFEST, packet.MANIFEST_TEXT):
                dst.writestr(info, body)
        dst.writestr(packet.MANIFEST, json.dumps(data, ensure_ascii=False, indent=2))
        dst.writestr(packet.MANIFEST_TEXT, packet.manifest_text(data))
    return forged, victim
