"""Results freeze once issued: a score change needs a recorded reopening, and what it invalidates
is replaced by new versions that name the one they replace — never left "Đã ban hành" and wrong."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from ocop import present
from ocop.errors import InputError, ScoringError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Person, Product, ScoreSheet
from ocop.rules.criteria import load_set
from ocop.services import stages
from tests.conftest import SAMPLE, docx_text
from tests.integration.test_editions_in_campaigns import MEMBERS, _campaign_file, _register

CODE = "luc-nam-2020"
CHAIR = "Lương Thế Tuấn"
REOPENED = dt.date(2020, 11, 10)  # after every result document of the sample (the Tờ trình: 02/11/2020)
OCOP = str(Path(sys.executable).parent / "ocop")


def _rows() -> list[list[str]]:
    return list(csv.reader((SAMPLE / "scores.csv").open(encoding="utf-8")))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _changed_sheet(tmp_path: Path, code: str = "LN-04", member: str = CHAIR) -> Path:
    """One member's sheet for one product with criterion 1.1 changed: the product's mean moves."""
    rows = _rows()
    sheet = [rows[0]] + [r for r in rows[1:] if r[0] == code and r[1] == member]
    sheet[1][3] = "2" if sheet[1][3] != "2" else "1"
    return _write(tmp_path / f"sua-{code}.csv", sheet)


def _docs(settings, kind: str, code: str = CODE) -> list:
    return [d for d in stages.documents(settings, code) if d.kind == kind]


def _total(settings, code: str, member: str) -> int:
    with unit_of_work(settings.database_url) as s:
        return s.scalars(select(ScoreSheet.total).join(Product, Product.id == ScoreSheet.product_id)
                         .join(Person, Person.id == ScoreSheet.member_id)
                         .where(Product.code == code, Person.name == member)).one()


def test_a_score_change_after_the_results_are_issued_is_refused_until_a_reopening(
        sample_campaign, tmp_path: Path) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    with pytest.raises(ScoringError, match="Chưa có văn bản kết quả nào ban hành"):
        stages.reopen(sample_campaign, CODE, CHAIR, "Sửa điểm")  # nothing issued: nothing to reopen
    stages.rank(sample_campaign, CODE)
    minutes = _docs(sample_campaign, "bien_ban_hop_hoi_dong")[0]
    before = _total(sample_campaign, "LN-04", CHAIR)
    with pytest.raises(ScoringError) as refused:
        stages.score(sample_campaign, CODE, _changed_sheet(tmp_path))
    message = str(refused.value)
    assert f"Kết quả đánh giá đã ban hành (Biên bản số {minutes.symbol} ngày 20/10/2020" in message
    assert "không sửa được phiếu đánh giá của sản phẩm LN-04" in message
    assert 'ocop meeting reopen --by "Họ tên" --reason "Lý do"' in message
    assert _total(sample_campaign, "LN-04", CHAIR) == before  # nothing was written
    with pytest.raises(ScoringError, match="không sửa được danh sách thành viên có mặt"):
        stages.attendance(sample_campaign, CODE, ["Vũ Thị Lan"], [])
    # a re-scoring with a reason is a score change too; the same sheets again change nothing and pass
    with pytest.raises(ScoringError, match="đã ban hành"):
        stages.score(sample_campaign, CODE, _changed_sheet(tmp_path), reason="Thống nhất lại tiêu chí 1.1")
    assert stages.score(sample_campaign, CODE, SAMPLE / "scores.csv").unchanged == 77
    with pytest.raises(InputError, match="--reason"):
        stages.reopen(sample_campaign, CODE, CHAIR, "  ")


def test_reopen_change_rank_replaces_only_what_changed(sample_campaign, tmp_path: Path) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    old_minutes = _docs(sample_campaign, "bien_ban_hop_hoi_dong")[0]
    old_notices = {d.subject: d for d in _docs(sample_campaign, "thong_bao_ket_qua")}
    reopened = stages.reopen(sample_campaign, CODE, CHAIR, "Nhập nhầm tiêu chí 1.1 của LN-04", REOPENED)
    assert reopened.documents == 12  # the minutes and 11 notices
    stages.score(sample_campaign, CODE, _changed_sheet(tmp_path))
    ranked = stages.rank(sample_campaign, CODE)
    assert ranked.changed == 1

    minutes = {d.id: d for d in _docs(sample_campaign, "bien_ban_hop_hoi_dong")}
    old, new = minutes[old_minutes.id], minutes[max(minutes)]
    assert (old.status, new.status) == ("replaced", "issued")
    assert new.symbol != old.symbol
    assert new.issued_on == REOPENED  # drawn up after the reopening: a later number never has an earlier date
    assert new.note == ""
    assert old.note == (f"Thay bằng Biên bản số {new.symbol} ngày 10/11/2020; mở lại kết quả ngày 10/11/2020 theo đề "
                        f"nghị của {CHAIR}: Nhập nhầm tiêu chí 1.1 của LN-04")
    text = docx_text(new.file)
    assert f"(Thay thế Biên bản số {old.symbol} ngày 20/10/2020)" in text
    assert "Lục Nam, ngày 10 tháng 11 năm 2020" in text and "Lục Nam, ngày 20 tháng 10 năm 2020" not in text
    assert "Thay thế" not in docx_text(old.file)  # the issued file is never overwritten

    notices = _docs(sample_campaign, "thong_bao_ket_qua")
    ln04 = [d for d in notices if d.subject == "LN-04"]
    assert [d.status for d in ln04] == ["replaced", "issued"] and ln04[1].issued_on == REOPENED
    assert ln04[1].symbol != ln04[0].symbol
    text = docx_text(ln04[1].file)
    assert f"(Thay thế Thông báo số {ln04[0].symbol} ngày 20/10/2020)" in text
    assert "Lục Nam, ngày 10 tháng 11 năm 2020" in text
    untouched = {d.subject: d for d in notices if d.subject != "LN-04"}
    assert len(untouched) == 10
    for subject, doc in untouched.items():  # the other products' notices stay as issued
        assert (doc.id, doc.status, doc.symbol, doc.sha256) == (
            old_notices[subject].id, "issued", old_notices[subject].symbol, old_notices[subject].sha256)
    assert not any("Thay thế" in docx_text(d.file) for d in untouched.values())

    register = stages.documents(sample_campaign, CODE)
    again = stages.rank(sample_campaign, CODE)  # a stage run twice changes nothing
    assert (again.changed, again.documents.issued, again.documents.replaced) == (0, 0, 0)
    assert stages.documents(sample_campaign, CODE) == register
    # results are issued again: the reopening is used up, the next change needs a new one
    with pytest.raises(ScoringError, match=f"Biên bản số {new.symbol}"):
        stages.score(sample_campaign, CODE, _changed_sheet(tmp_path, "LN-05"))


def test_after_referral_any_score_change_is_refused_and_a_reopening_replaces_the_to_trinh(
        sample_campaign, tmp_path: Path) -> None:
    rows = _rows()
    for r in rows[1:]:  # the chair scores LN-09 far above the others: the spread rule holds it back
        if r[0] == "LN-09" and r[1] == CHAIR:
            r[3] = {"4.1": "5", "4.2": "5", "4.3": "5", "5.1": "5", "1.5": "5"}.get(r[2], r[3])
    stages.score(sample_campaign, CODE, _write(tmp_path / "lech.csv", rows))
    assert "LN-09" not in [r.code for r in stages.rank(sample_campaign, CODE).ranking]
    referral = stages.refer(sample_campaign, CODE)
    fixed = _write(tmp_path / "cham-lai.csv", [rows[0]] + [r for r in _rows()[1:] if r[0] == "LN-09" and r[1] == CHAIR])
    # LN-09 has no result yet, but the referral acts on the whole ranking: after it, nothing changes unrecorded
    with pytest.raises(ScoringError, match=f"Tờ trình số {referral.document} ngày 02/11/2020.*sản phẩm LN-09"):
        stages.score(sample_campaign, CODE, fixed, reason="Thống nhất lại")
    stages.reopen(sample_campaign, CODE, CHAIR, "Chấm lại LN-09 theo quy tắc chênh lệch", REOPENED)
    stages.score(sample_campaign, CODE, fixed, reason="Thống nhất lại")
    assert "LN-09" in [r.code for r in stages.rank(sample_campaign, CODE).ranking]
    again = stages.refer(sample_campaign, CODE)
    assert again.document != referral.document
    old, new = _docs(sample_campaign, "to_trinh_de_nghi_tinh")
    assert (old.status, new.status, new.symbol, new.issued_on) == ("replaced", "issued", again.document, REOPENED)
    assert f"(Thay thế Tờ trình số {referral.document} ngày 02/11/2020)" in docx_text(new.file)


def test_an_option_change_that_keeps_every_part_total_is_seen(sample_campaign, tmp_path: Path) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    rows = _rows()
    sheet = [rows[0]] + [r for r in rows[1:] if r[0] == "LN-04" and r[1] == CHAIR]
    criteria = {c.code: c for c in load_set("qd1048-2019", "1").criteria}
    chosen = {r[2]: int(r[3]) for r in sheet[1:]}
    # two criteria of one part: one point more on the first, one less on the second
    up, down = next((x, y) for x in chosen for y in chosen
                    if x != y and criteria[x].part == criteria[y].part
                    and criteria[x].allows(chosen[x] + 1) and criteria[y].allows(chosen[y] - 1))
    for r in sheet[1:]:
        r[3] = str(chosen[r[2]] + 1 if r[2] == up else chosen[r[2]] - 1 if r[2] == down else chosen[r[2]])
    stages.reopen(sample_campaign, CODE, CHAIR, f"Sửa tiêu chí {up} và {down}", REOPENED)
    assert stages.score(sample_campaign, CODE, _write(tmp_path / "doi.csv", sheet)).replaced == 1
    with pytest.raises(ScoringError, match=r"\(sản phẩm LN-04\)"):
        stages.refer(sample_campaign, CODE)
    stages.rank(sample_campaign, CODE)
    stages.refer(sample_campaign, CODE)


def test_148_a_reopening_replaces_the_recognition_decision_and_its_certificate(settings, tmp_path: Path) -> None:
    code = "luc-nam-2024"
    stages.set_up(settings, _campaign_file(tmp_path, "148/2023", code))
    _register(settings, tmp_path, [
        ["T-1", "Na sấy dẻo", "7", "HTX Na Huyền Sơn", "HTX", "Huyền Sơn", "Có"],
        ["T-2", "Vải sấy", "Chế biến từ rau, củ, quả, hạt", "HTX Vải Bình Sơn", "HTX", "Bình Sơn", "Có"],
    ])
    criteria = load_set("qd148-2023", "7")

    def scores(low_members: int, name: str, floor: bool = False) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
            for product in ("T-1", "T-2"):
                for i, member in enumerate(MEMBERS):
                    for c in criteria.criteria:
                        low = product == "T-2" and c.code == "1.3" and i < low_members
                        least = min(o.points for o in c.options)
                        points = least if floor and product == "T-2" else 1 if low else c.max_points
                        out.writerow([product, member, c.code, points])
        return path

    stages.score(settings, code, scores(4, "diem.csv"))  # T-2 capped at 3★: recognised by the district
    stages.rank(settings, code)
    stages.recognise(settings, code)
    first_referral = stages.refer(settings, code)
    [decision] = _docs(settings, "qd_cong_nhan", code)
    [certificate] = _docs(settings, "giay_chung_nhan", code)
    decided = present.date_short(decision.issued_on)
    with pytest.raises(ScoringError, match=f"Quyết định số {decision.symbol} ngày {decided}"):
        stages.score(settings, code, scores(5, "diem-2.csv"))
    stages.reopen(settings, code, CHAIR, "Thành viên thứ năm sửa tiêu chí 1.3", REOPENED)
    stages.score(settings, code, scores(5, "diem-2.csv"))  # still 3★, a lower mean
    stages.rank(settings, code)
    again = stages.recognise(settings, code)
    decisions = _docs(settings, "qd_cong_nhan", code)
    assert [d.status for d in decisions] == ["replaced", "issued"] and again.decision == decisions[1].symbol
    assert decisions[1].issued_on == REOPENED
    text = docx_text(decisions[1].file)
    assert f"(Thay thế Quyết định số {decision.symbol} ngày {decided})" in text
    assert "(đến ngày 10 tháng 11 năm 2023)" in text  # 36 months from the date it is signed
    certificates = _docs(settings, "giay_chung_nhan", code)
    assert [d.status for d in certificates] == ["replaced", "issued"]
    text = docx_text(certificates[1].file)
    assert f"Quyết định số {decisions[1].symbol} ngày 10/11/2020" in text and "ngày 10 tháng 11 năm 2023" in text
    assert f"(Thay thế Giấy chứng nhận số {certificate.symbol} ngày {decided})" in text
    referral = stages.refer(settings, code)  # the Tờ trình cites the minutes, issued anew
    assert referral.document != first_referral.document and referral.issued_on == REOPENED
    assert [d.status for d in _docs(settings, "to_trinh_de_nghi_tinh", code)] == ["replaced", "issued"]
    assert stages.recognise(settings, code).documents.issued == 0  # and again: nothing changes
    assert stages.refer(settings, code).documents.issued == 0

    # the council scores T-2 again, far lower: it is no longer recognised; nothing recognised stays issued
    stages.reopen(settings, code, CHAIR, "Hội đồng đánh giá lại sản phẩm T-2", REOPENED)
    stages.score(settings, code, scores(0, "diem-3.csv", floor=True))
    stages.rank(settings, code)
    assert stages.recognise(settings, code).recognised == ()
    for doc in [*_docs(settings, "qd_cong_nhan", code), *_docs(settings, "giay_chung_nhan", code)]:
        assert doc.status != "issued"
    last = _docs(settings, "giay_chung_nhan", code)[-1]
    assert last.status == "cancelled" and last.note.startswith("Sản phẩm không còn được công nhận theo kết quả mới")


def test_the_cli_reopens_and_lists_the_replaced_documents(sample_campaign, tmp_path: Path) -> None:
    """`ocop meeting reopen` and `ocop documents list` run no flow: the installed command, no Prefect API."""
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    where = ["--db", sample_campaign.database_url, "--out", str(sample_campaign.out_dir)]

    def ocop(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([OCOP, *args, *where], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "OCOP_PDF": "off"})

    refused = ocop("meeting", "attendance", "--absent", "Vũ Thị Lan")
    assert refused.returncode == 1 and "không sửa được danh sách thành viên có mặt" in refused.stderr
    assert "ocop meeting reopen" in refused.stderr
    bad = ocop("meeting", "reopen", "--by", CHAIR, "--reason", "Sửa điểm", "--on", "19/10/2020")
    assert bad.returncode == 1 and "Ngày mở lại 19/10/2020 trước ngày ban hành kết quả 20/10/2020" in bad.stderr
    done = ocop("meeting", "reopen", "--by", CHAIR, "--reason", "Nhập nhầm tiêu chí 1.1 của LN-04",
                "--on", "10/11/2020")
    assert done.returncode == 0, done.stderr
    assert (f"Đã ghi nhận: mở lại kết quả ngày 10/11/2020 theo đề nghị của {CHAIR}: Nhập nhầm tiêu chí 1.1 của "
            "LN-04.") in done.stdout
    stages.score(sample_campaign, CODE, _changed_sheet(tmp_path))
    stages.rank(sample_campaign, CODE)
    listed = ocop("documents", "list")
    assert listed.returncode == 0, listed.stderr
    old = next(line for line in listed.stdout.splitlines() if "Đã thay thế" in line and "Biên bản" in line)
    new = _docs(sample_campaign, "bien_ban_hop_hoi_dong")[-1]
    assert (f"(Thay bằng Biên bản số {new.symbol} ngày 10/11/2020; mở lại kết quả ngày 10/11/2020 theo đề nghị của "
            f"{CHAIR}: Nhập nhầm tiêu chí 1.1 của LN-04)") in old
    assert re.search(rf"{re.escape(new.symbol)} +Đã ban hành +Biên bản họp Hội đồng", listed.stdout)


def test_notices_of_products_no_longer_ranked_are_cancelled(sample_campaign) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    stages.reopen(sample_campaign, CODE, CHAIR, "Ba thành viên không dự phiên họp", REOPENED)
    stages.attendance(sample_campaign, CODE, ["Trần Thị Hoa", "Phạm Đức Thắng", "Vũ Thị Lan"], [])
    assert stages.rank(sample_campaign, CODE).quorum.met is False
    notices = _docs(sample_campaign, "thong_bao_ket_qua")
    assert len(notices) == 11
    for doc in notices:  # no result without quorum: no notice stays issued
        assert doc.status == "cancelled" and doc.symbol
        assert doc.note.startswith("Sản phẩm không còn kết quả trong lần phân hạng mới; mở lại kết quả ngày ")
    old, new = _docs(sample_campaign, "bien_ban_hop_hoi_dong")
    assert (old.status, new.status) == ("replaced", "issued")
    assert "không đủ số thành viên" in docx_text(new.file)
