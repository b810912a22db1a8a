"""A tamper-evident register: `ocop documents verify` over the documents folder and a referral packet,
paths relative to the folder (moved, restored), migration 0008, and the warnings of a stage and of
`documents list`.

The 148/2023 campaign (tests/campaign_148.py) runs once, every stage to the Tờ trình, on SQLite with
its database in the documents folder; each test works on a copy of that folder (times kept, as a
restore keeps them). PDFs are made where LibreOffice is installed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from flows.cli import app
from ocop.documents.pdf import soffice
from ocop.persistence.db import alembic_config, engine_for, migrate, unit_of_work
from ocop.persistence.models import Document
from ocop.services import stages
from ocop.services.paperwork import packet
from ocop.services.paperwork.verify import verify_folder, verify_packet
from ocop.settings import Settings
from tests.campaign_148 import CODE, run_148

PDF = "on" if soffice() else "off"


def _settings(out: Path) -> Settings:
    return Settings.from_env({"OCOP_PDF": PDF}, out_dir=out)  # the database: out/ocop.db


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The documents folder of the whole 148 campaign, Tờ trình issued."""
    base = tmp_path_factory.mktemp("verify")
    out = base / "out"
    settings = _settings(out)
    stages.prepare_database(settings)
    inputs = base / "inputs"
    inputs.mkdir()
    run_148(settings, inputs)
    stages.refer(settings, CODE)
    engine_for(settings.database_url).dispose()
    yield out


@pytest.fixture
def out(issued: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "out"
    shutil.copytree(issued, copy)  # copy2: times kept
    yield copy
    engine_for(_settings(copy).database_url).dispose()


def _cli(*args: str) -> Result:
    return CliRunner().invoke(app, ["documents", *args])


def _issued_docx(out: Path, kind: str) -> Path:
    with unit_of_work(_settings(out).database_url) as s:
        doc = s.scalars(sa.select(Document).where(Document.kind == kind, Document.status == "issued")).one()
        assert not os.path.isabs(doc.file_path), "the register names files relative to the documents folder"
        return out / doc.file_path


def _packet(out: Path) -> Path:
    found = sorted(out.rglob(f"*{packet.SUFFIX}"))
    assert len(found) == 1, found
    return found[0]


def test_an_untouched_folder_verifies_clean_in_one_line(out: Path) -> None:
    result = _cli("verify", "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Đạt: ") and "khớp SHA-256" in lines[0], lines
    report = verify_folder(_settings(out))
    assert report.ok and report.files >= 20  # the plan's, the council's, the sheets', the results' documents


def test_a_tampered_a_deleted_and_an_extra_file_are_each_named(out: Path) -> None:
    tampered = _issued_docx(out, "bien_ban_hop_hoi_dong")
    with tampered.open("ab") as fh:
        fh.write(b"\0")
    deleted = _issued_docx(out, "qd_thanh_lap_hoi_dong")
    if PDF == "on":
        deleted = deleted.with_suffix(".pdf")
    deleted.unlink()
    extra = out / CODE / "04-ket-qua" / "ghi-chu.docx"
    extra.write_bytes(b"not registered")
    # our own bookkeeping is not named: the log, a staging folder, an atomic write's leftover
    (out / "ocop.log").write_text("log\n")
    (out / CODE / ".dang-ghi" / "0123").mkdir(parents=True)
    (out / CODE / ".dang-ghi" / "0123" / "x.docx").write_bytes(b"staged")
    (out / CODE / f".{tampered.name}.abc.tmp").write_bytes(b"half")

    result = _cli("verify", "--out", str(out))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    rel = {p: p.relative_to(out).as_posix() for p in (tampered, deleted, extra)}
    assert any(line.startswith(f"{rel[tampered]}: đã bị sửa") and "Biên bản" in line for line in lines), lines
    assert any(line.startswith(f"{rel[deleted]}: bị mất") for line in lines), lines
    assert any(line.startswith(f"{rel[extra]}: không có trong sổ văn bản") for line in lines), lines
    assert len(lines) == 4 and lines[-1].startswith("Không đạt: "), lines
    assert "1 tệp đã bị sửa" in lines[-1] and "1 tệp bị mất" in lines[-1]

    report = verify_folder(_settings(out), CODE)  # one campaign: the same three
    assert [p.path for p in report.of("modified")] == [rel[tampered]]
    assert [p.path for p in report.of("missing")] == [rel[deleted]]
    assert [p.path for p in report.of("unregistered")] == [rel[extra]]


def test_documents_list_and_a_stage_warn_about_modified_and_missing_files(out: Path) -> None:
    settings = _settings(out)
    minutes = _issued_docx(out, "bien_ban_hop_hoi_dong")
    before = stages.refer(settings, CODE)
    assert before.documents.notes == () and before.documents.issued == 0
    minutes.write_bytes(minutes.read_bytes().replace(b"word/", b"word/", 1) + b"x")
    result = _cli("list", "--out", str(out))
    assert result.exit_code == 0
    warning = [line for line in result.stderr.splitlines() if line.startswith("Cảnh báo:")]
    assert len(warning) == 1 and minutes.relative_to(out).as_posix() in warning[0], result.stderr
    assert "ocop documents verify" in warning[0]
    # a stage says it too, and still changes nothing when run again
    rows = _rows(settings)
    again = stages.refer(settings, CODE)
    assert any("ocop documents verify" in n for n in again.documents.notes), again.documents.notes
    assert again.documents.issued == 0 and _rows(settings) == rows


def test_the_same_size_and_time_is_trusted_by_the_warning_but_not_by_verify(out: Path) -> None:
    minutes = _issued_docx(out, "bien_ban_hop_hoi_dong")
    st = minutes.stat()
    data = bytearray(minutes.read_bytes())
    data[-30] ^= 0xFF  # one byte changed, size kept, time forged back
    minutes.write_bytes(bytes(data))
    os.utime(minutes, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _cli("list", "--out", str(out)).stderr == ""
    report = verify_folder(_settings(out))
    assert [p.path for p in report.problems] == [minutes.relative_to(out).as_posix()]


def _rows(settings: Settings) -> list[tuple[object, ...]]:
    with unit_of_work(settings.database_url) as s:
        return [tuple(r) for r in s.execute(sa.select(
            Document.id, Document.status, Document.file_path, Document.sha256, Document.pdf_path,
            Document.pdf_sha256, Document.size, Document.mtime_ns).order_by(Document.id))]


def test_a_moved_folder_still_verifies_and_lists_its_own_files(out: Path, tmp_path: Path) -> None:
    moved = tmp_path / "restored" / "van-ban"
    moved.parent.mkdir()
    shutil.move(out, moved)
    result = _cli("verify", "--out", str(moved))
    assert result.exit_code == 0, result.output
    listed = _cli("list", "--out", str(moved))
    assert listed.exit_code == 0 and listed.stderr == ""
    assert str(moved / CODE) in listed.stdout and str(out) + os.sep not in listed.stdout
    assert verify_packet(_packet(moved)).ok
    engine_for(_settings(moved).database_url).dispose()


def test_the_packet_holds_the_referral_and_its_attachments_and_verifies_clean(out: Path) -> None:
    zip_path = _packet(out)
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        text = zf.read(packet.MANIFEST_TEXT).decode("utf-8")
    kinds = ("to_trinh_de_nghi_tinh", "bien_ban_hop_hoi_dong", "bang_tong_hop")
    wanted = {_issued_docx(out, k).name for k in kinds}
    if PDF == "on":
        wanted |= {_issued_docx(out, k).with_suffix(".pdf").name for k in kinds}
    assert set(names) == wanted | {packet.MANIFEST, packet.MANIFEST_TEXT}
    assert CODE in text and "SHA-256" in text and "Tờ trình" in text
    result = _cli("verify", str(zip_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Đạt: {len(wanted)} tệp trong hồ sơ")


def test_refer_again_leaves_the_packet_byte_for_byte(out: Path) -> None:
    zip_path = _packet(out)
    before = (zip_path.read_bytes(), zip_path.stat().st_mtime_ns)
    r = stages.refer(_settings(out), CODE)
    assert r.packet == str(zip_path)
    assert (zip_path.read_bytes(), zip_path.stat().st_mtime_ns) == before
    zip_path.unlink()  # lost, or a crash before it was written: the same command writes it again
    stages.refer(_settings(out), CODE)
    assert zip_path.read_bytes() == before[0]


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> Path:
    """A copy of the ZIP with members changed (None: removed) or added, as a sender's mistake would make."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in change:
                new = change[info.filename]
                if new is not None:
                    zout.writestr(info, new)
                continue
            zout.writestr(info, zin.read(info))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def test_a_tampered_a_removed_and_an_extra_member_of_the_packet_are_named(out: Path, tmp_path: Path) -> None:
    zip_path = _packet(out)
    minutes = _issued_docx(out, "bien_ban_hop_hoi_dong").name
    table = _issued_docx(out, "bang_tong_hop").name
    bad = _rewrite(zip_path, tmp_path / "ho-so.zip", {minutes: b"changed", table: None}, {"them.txt": b"x"})
    result = _cli("verify", str(bad))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{minutes}: đã bị sửa") for line in lines), lines
    assert any(line.startswith(f"{table}: bị mất") for line in lines), lines
    assert any(line.startswith("them.txt: thừa") for line in lines), lines
    assert lines[-1].startswith("Không đạt: hồ sơ")
    report = verify_packet(bad)
    assert {(p.kind, p.path) for p in report.problems} == {("modified", minutes), ("missing", table),
                                                          ("extra", "them.txt")}


def test_the_human_manifest_must_say_what_the_json_one_says(out: Path, tmp_path: Path) -> None:
    zip_path = _packet(out)
    with zipfile.ZipFile(zip_path) as zf:
        text = zf.read(packet.MANIFEST_TEXT).decode("utf-8")
    bad = _rewrite(zip_path, tmp_path / "ho-so.zip", {packet.MANIFEST_TEXT: text.replace("SHA-256: ", "SHA-256:  ", 1)
                                                      .encode("utf-8")})
    assert [(p.kind, p.path) for p in verify_packet(bad).problems] == [("modified", packet.MANIFEST_TEXT)]


def test_a_file_that_is_not_a_packet_is_one_clear_message(tmp_path: Path) -> None:
    plain = tmp_path / "khong-phai.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("a.txt", "a")
    result = _cli("verify", str(plain))
    assert result.exit_code == 1 and "không phải hồ sơ đề nghị" in result.stderr and "Traceback" not in result.output
    broken = tmp_path / "hong.zip"
    broken.write_bytes(b"PK\x03\x04 broken")
    result = _cli("verify", str(broken))
    assert result.exit_code == 1 and "không phải tệp ZIP" in result.stderr


def _insert_document(db: Path, values: dict[str, object]) -> None:
    """A register row as an older version wrote it (raw SQL: the models are at the newest schema)."""
    con = sqlite3.connect(db)
    try:
        columns = con.execute("PRAGMA table_info(document)").fetchall()
        row = {name: "" if "CHAR" in kind.upper() or "TEXT" in kind.upper() else 0
               for _, name, kind, notnull, default, pk in columns if notnull and default is None and not pk}
        row |= {"issued_on": "2020-10-01", "signature": "[]", **values}
        con.execute("PRAGMA foreign_keys=OFF")
        con.execute(f"INSERT INTO document ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                    list(row.values()))
        con.commit()
    finally:
        con.close()


def test_migration_0008_makes_paths_under_the_folder_relative_and_names_the_others(tmp_path: Path) -> None:
    from alembic import command

    out = tmp_path / "out"
    db = tmp_path / "old.db"
    url = f"sqlite:///{db}"
    with engine_for(url).begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    engine_for(url).dispose()
    inside, elsewhere = out / "c" / "01" / "a.docx", "/srv/cu/c/01/b.docx"
    _insert_document(db, {"id": 1, "subject": "1", "file_path": str(inside), "draft_path": str(out / "c" / "d.docx"),
                          "pdf_path": str(inside.with_suffix(".pdf")), "sha256": "ab", "status": "issued"})
    _insert_document(db, {"id": 2, "subject": "2", "file_path": elsewhere, "sha256": "cd", "status": "issued"})
    outside = migrate(url, out)
    assert outside == (elsewhere,)
    with engine_for(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT draft_path, file_path, pdf_path FROM document ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("c/d.docx", "c/01/a.docx", "c/01/a.pdf"), ("", elsewhere, "")]
    assert migrate(url, out) == ()  # upgraded once
    engine_for(url).dispose()
