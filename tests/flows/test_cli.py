"""The README's step-by-step commands, run as written, and the CLI's error path."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE

OCOP = str(Path(sys.executable).parent / "ocop")
# what Prefect, uvicorn or Python print on their own; none of it may reach the clerk's terminal
FOREIGN = re.compile(r"Traceback|Flow run|Task run|Finished in state|temporary server|prefect\.io|INFO|WARNING|"
                     r"ERROR|Error|Exception|http://")


@pytest.fixture
def ocop(prefect_api: str):
    """Run the installed `ocop` command against the test session's Prefect API."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": ""}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([OCOP, *args], env=env, capture_output=True, text=True, timeout=180)

    return run


def _readme_steps() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### The whole campaign step by step.*?```sh\n(.*?)```", readme, re.S).group(1)
    return [line for line in block.splitlines() if line.startswith(".venv/bin/ocop")]


def test_the_readme_step_by_step_commands_work(ocop, tmp_path: Path) -> None:
    outputs = []
    for line in _readme_steps():
        line = line.replace("$S", str(SAMPLE)).replace("/tmp/ln", str(tmp_path))
        result = ocop(*shlex.split(line)[1:])
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        outputs.append(result.stdout)
    text = "\n".join(outputs)
    assert "Đã tạo kế hoạch luc-nam-2020" in text
    assert "LN-12 Lạc đỏ Bảo Sơn" in text
    assert re.search(r"LN-06 .* 50,00 +3★ +Đề nghị cấp trên", text)
    assert "Tờ trình 20/TTr-UBND ngày 02/11/2020: 6 sản phẩm." in text  # dd/mm/yyyy in a Vietnamese sentence
    attached = next(line for line in text.splitlines() if line.startswith("Hồ sơ kèm theo: "))
    assert "03_bb_hdocop_bien_ban_hop_hoi_dong." in attached and "bang_tong_hop." in attached  # what it attaches
    assert "184 văn bản." in text  # 29 numbered documents, 154 score sheets and the summary table
    assert (tmp_path / "ocop.db").is_file()


def test_a_bad_file_gives_a_vietnamese_error_and_exit_code_1(ocop, tmp_path: Path) -> None:
    out = ["--out", str(tmp_path)]
    assert ocop("campaign", "create", str(SAMPLE / "campaign.toml"), *out).returncode == 0
    bad = tmp_path / "thieu-cot.csv"
    bad.write_text("Tên sản phẩm,Bộ sản phẩm\nMật ong,1\n", encoding="utf-8")
    result = ocop("registrations", "import", str(bad), *out)
    assert result.returncode == 1
    assert "Lỗi: thieu-cot.csv, dòng 1 (tiêu đề): tệp thiếu cột bắt buộc." in result.stderr
    assert "thiếu cột 'Tên chủ thể' (hoặc 'ten_chu_the')" in result.stderr
    # only the message and its items: no traceback, no line of Prefect's own logging
    assert result.stdout == "" and all(line.startswith(("Lỗi: ", "  - ")) for line in result.stderr.splitlines())
    debug = ocop("--debug", "registrations", "import", str(bad), *out)  # everything, for whoever investigates
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "Flow run" in debug.stderr
    assert "Lỗi: thieu-cot.csv, dòng 1 (tiêu đề): tệp thiếu cột bắt buộc." in debug.stderr
    listing = ocop("verify", *out)
    assert listing.returncode == 0 and "Đủ điều kiện" not in listing.stdout
    assert listing.stderr == "" and not FOREIGN.search(listing.stdout), listing.stdout + listing.stderr
    assert "Flow run 'luc-nam-2020' - Finished in state Completed()" in (tmp_path / "ocop.log").read_text("utf-8")


def test_a_file_that_cannot_be_read_is_a_vietnamese_error_without_a_traceback(ocop, tmp_path: Path) -> None:
    out = ["--out", str(tmp_path)]
    good = tmp_path / "good.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
    for i in range(300):
        wb.active.append([f"LN-{i:02d}", "Lương Thế Tuấn", "1.1", 3])
    wb.save(good)
    corrupt = tmp_path / "phieu-cham.xlsx"
    corrupt.write_bytes(good.read_bytes()[:2000])  # a copy cut short
    binary_plan = tmp_path / "ke-hoach.toml"
    binary_plan.write_bytes(bytes(range(256)) * 4)
    cases = [
        (("campaign", "create", str(binary_plan)),
         "Lỗi: Tệp 'ke-hoach.toml' không đọc được: không phải tệp văn bản (có ký tự nhị phân)."),
        (("campaign", "create", str(SAMPLE / "campaign.toml")), None),
        (("scores", "import", str(corrupt)),
         "Lỗi: Tệp 'phieu-cham.xlsx' không đọc được: không phải tệp Excel (.xlsx) hợp lệ"),
        (("registrations", "import", str(tmp_path / "khong-co.csv")),
         f"Lỗi: Không tìm thấy tệp '{tmp_path / 'khong-co.csv'}'."),
        (("registrations", "import", str(corrupt)),
         "Lỗi: Tệp 'phieu-cham.xlsx' không đọc được: không phải tệp Excel (.xlsx) hợp lệ"),
    ]
    for args, error in cases:
        result = ocop(*args, *out)
        if error is None:
            assert result.returncode == 0, result.stderr
            continue
        assert result.returncode == 1, f"{args}\n{result.stdout}\n{result.stderr}"
        assert error in result.stderr, result.stderr
        assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(("args", "error"), [
    (("--time", "25:99"), "Lỗi: Giờ '25:99' (--time) không hợp lệ: cần HH:MM (ví dụ 08:30, 14:00) hoặc 8h30."),
    (("--time", "8 giờ"), "Lỗi: Giờ '8 giờ' (--time) không hợp lệ"),
    (("--date", "31/02/2020"), "Lỗi: Ngày '31/02/2020' (--date) không hợp lệ: cần dd/mm/yyyy"),
    (("--invitation-date", "15-10"), "Lỗi: Ngày '15-10' (--invitation-date) không hợp lệ"),
    (("--time", "\x1b[2J\x1b[31m8h\x07"), "Lỗi: Giờ '\\x1b[2J\\x1b[31m8h\\x07' (--time) không hợp lệ"),  # escaped
])
def test_a_bad_meeting_time_or_date_is_a_vietnamese_error_before_anything_runs(
        ocop, tmp_path: Path, args: tuple[str, ...], error: str) -> None:
    result = ocop("meeting", "schedule", *args, "--out", str(tmp_path))
    assert result.returncode == 1, f"{result.stdout}\n{result.stderr}"
    assert error in result.stderr.splitlines()[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "ocop.db").exists()  # refused before the database is opened


@pytest.mark.parametrize(("args", "error"), [
    (("verify", "--bogus"), "Lỗi: lệnh 'ocop verify' không có tùy chọn '--bogus' (có phải --out?). Xem: ocop verify "
                            "--help."),
    (("verifi",), "Lỗi: 'ocop' không có lệnh 'verifi' (có phải 'verify'?). Xem: ocop --help."),
    (("registrations", "import"), "Lỗi: lệnh 'ocop registrations import' thiếu tham số FILE. Xem: ocop registrations "
                                  "import --help."),
    (("registrations", "inspect", "LN-01"), "Lỗi: lệnh 'ocop registrations inspect' thiếu tùy chọn --date. Xem: ocop "
                                            "registrations inspect --help."),
    (("remind", "--days", "năm"), "Lỗi: giá trị của --days không hợp lệ. Xem: ocop remind --help."),
    (("rank", "thừa"), "Lỗi: lệnh 'ocop rank' viết chưa đúng (thừa hoặc thiếu tham số). Xem: ocop rank --help."),
])
def test_a_mistyped_command_is_one_vietnamese_line(ocop, args: tuple[str, ...], error: str) -> None:
    result = ocop(*args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"{error}\n")


def test_an_unforeseen_error_is_one_line_naming_the_log_that_has_its_traceback(ocop, tmp_path: Path) -> None:
    result = ocop("documents", "list", "--db", "khong-phai-url://x", "--out", str(tmp_path))
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Lỗi: ") and not FOREIGN.search(line), line
    if "ngoài dự kiến" in line:  # until a bad URL is refused at the door
        assert line.endswith(f"chi tiết trong nhật ký {tmp_path / 'ocop.log'} — gửi tệp này cho người hỗ trợ, hoặc "
                             "chạy lại với 'ocop --debug …' để xem ngay."), line
        assert "Traceback" in (tmp_path / "ocop.log").read_text(encoding="utf-8")


def test_meeting_close_at_records_the_end_time_the_minutes_state(ocop, tmp_path: Path) -> None:
    from ocop.services import stages
    from ocop.settings import Settings
    from tests.conftest import docx_text

    campaign = tmp_path / "campaign.toml"
    campaign.write_text((SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace("end_time = 11:30:00\n", ""),
                        encoding="utf-8")
    out = ["--out", str(tmp_path)]
    assert ocop("campaign", "create", str(campaign), *out).returncode == 0
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/ocop.db")
    stages.collect(settings, "luc-nam-2020", SAMPLE / "registrations.csv")
    stages.verify(settings, "luc-nam-2020")
    stages.score(settings, "luc-nam-2020", SAMPLE / "scores.csv")
    missing = ocop("meeting", "close", *out)
    assert missing.returncode == 1 and "Lỗi: Cần giờ kết thúc phiên họp" in missing.stderr
    bad = ocop("meeting", "close", "--at", "25:00", *out)
    assert bad.returncode == 1 and "Lỗi: Giờ '25:00' (--at) không hợp lệ" in bad.stderr
    closed = ocop("meeting", "close", "--at", "11h30", *out)
    assert closed.returncode == 0, closed.stderr
    assert "Phiên họp kết thúc lúc 11:30 ngày 20/10/2020; phiếu đánh giá đã khóa" in closed.stdout
    stages.rank(settings, "luc-nam-2020")
    [minutes] = [d for d in stages.documents(settings, "luc-nam-2020") if d.kind == "bien_ban_hop_hoi_dong"]
    assert "Cuộc họp kết thúc vào hồi 11 giờ 30 phút cùng ngày./." in docx_text(minutes.file)


def test_the_meeting_time_is_read_as_clerks_write_it() -> None:
    from datetime import time

    from flows.cli import _time

    assert [_time(v) for v in ("08:30", "8:30", "8h30", "08h30", "14H00", "8h", " 9h05 ", "08:30:15")] == [
        time(8, 30), time(8, 30), time(8, 30), time(8, 30), time(14), time(8), time(9, 5), time(8, 30, 15)]
    assert _time(None) is None


def test_the_signers_authority_is_read_in_any_case_and_anything_else_is_refused() -> None:
    from flows.cli import _authority
    from ocop.errors import InputError

    assert [_authority(v) for v in ("", " ", "TM.", " kt. ", "q.", "TL.", "tuq.")] == [
        "", "", "TM.", "KT.", "Q.", "TL.", "TUQ."]
    with pytest.raises(InputError, match=r"^Thẩm quyền ký 'KT' \(--authority\) không hợp lệ; "
                                         r"chỉ dùng: TM\., KT\., Q\., TL\., TUQ\. hoặc để trống\.$"):
        _authority("KT")


def test_documents_check_reports_each_file_it_cannot_read_and_checks_the_others(ocop, tmp_path: Path) -> None:
    from docx import Document as Docx

    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    (tmp_path / "to-trinh.docx").write_bytes(pdf)  # a PDF renamed .docx
    (tmp_path / "to-trinh.pdf").write_bytes(pdf)
    (tmp_path / "rong.docx").write_bytes(b"")
    good = tmp_path / "giay-moi.docx"
    Docx().save(good)
    files = ["to-trinh.docx", "khong-co.docx", "to-trinh.pdf", "rong.docx", "giay-moi.docx"]
    result = ocop("documents", "check", "--no-pdf", *(str(tmp_path / f) for f in files))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Lỗi: Tệp 'to-trinh.docx' không đọc được: đây là tệp PDF được đặt đuôi '.docx', không phải tệp Word (.docx).",
        f"Lỗi: Không tìm thấy tệp '{tmp_path / 'khong-co.docx'}'.",
        "Lỗi: Tệp 'to-trinh.pdf' không đọc được: chỉ nhận tệp Word (.docx) (tệp này là '.pdf').",
        "Lỗi: Tệp 'rong.docx' không đọc được: tệp rỗng (0 byte), không phải tệp Word (.docx) hợp lệ.",
    ]
    assert result.stdout.startswith(f"{good}: ")  # the readable file is still checked
    assert "Traceback" not in result.stdout + result.stderr
