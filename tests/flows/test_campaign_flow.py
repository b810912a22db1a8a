"""The sample campaign end to end through the Prefect flows, checked against hand-computed results."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from contextlib import ExitStack
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from ocop import present
from tests.conftest import BACKENDS, SAMPLE, docx_text, pg_schema_url

# Member totals per product, added up by hand from ocop/sample/luc-nam-2020/scores.csv
# (see scripts/make_sample_scores.py), and the stars and referral the 1048 rules give.
EXPECTED = {
    "LN-01": (642, 5, True),   # 91.71
    "LN-02": (547, 4, True),   # 78.14
    "LN-03": (491, 4, True),   # 70.14
    "LN-04": (434, 3, True),   # 62.00
    "LN-05": (385, 3, True),   # 55.00
    "LN-06": (350, 3, True),   # 50.00: on the edge, 3★ and referred (≥ 50)
    "LN-07": (322, 2, False),  # 46.00
    "LN-08": (269, 2, False),  # 38.43
    "LN-09": (212, 2, False),  # 30.29
    "LN-10": (188, 1, False),  # 26.86
    "LN-11": (151, 1, False),  # 21.57
}




@pytest.fixture(scope="module", params=BACKENDS)
def campaign_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The whole sample campaign, once per backend (PostgreSQL when OCOP_TEST_DATABASE_URL is set)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    from flows.campaign import run_campaign
    from flows.params import Storage

    out = tmp_path_factory.mktemp("demo")
    with ExitStack() as stack:
        url = (stack.enter_context(pg_schema_url()) if request.param == "postgresql"
               else f"sqlite:///{out / 'ocop.db'}")
        state = run_campaign(sample_files(), storage=Storage(db_url=url, out_dir=str(out)), return_state=True)
        assert state.is_completed()
        with get_client(sync_client=True) as client:  # named after the campaign in the UI's lists
            run = client.read_flow_run(state.state_details.flow_run_id)
            children = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run.id])))
        assert run.name == "luc-nam-2020" and {c.name for c in children} == {"luc-nam-2020"}
        yield state.result(), url, out


def sample_files():
    from flows.params import CampaignFiles

    return CampaignFiles.in_folder(SAMPLE)




def test_the_hand_computed_totals_match_the_sample_file() -> None:
    sums: dict[str, int] = defaultdict(int)
    with (SAMPLE / "scores.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            sums[row["Mã sản phẩm"]] += int(row["Điểm"])
    assert dict(sums) == {code: total for code, (total, _, _) in EXPECTED.items()}


def test_every_product_gets_its_mean_stars_and_referral(campaign_run) -> None:
    result, _, _ = campaign_run
    ranking = {r.code: r for r in result.rank.ranking}
    assert set(ranking) == set(EXPECTED)  # LN-12 (no commune confirmation) is not ranked
    for code, (total, stars, referred) in EXPECTED.items():
        r = ranking[code]
        assert r.mean == Fraction(total, 7), code
        assert present.mean(r.mean) == f"{total / 7:.2f}".replace(".", ","), code  # no tie among sevenths
        assert (r.stars, r.outcome == "referred") == (stars, referred), code
    assert result.verify.counts == {"eligible": 11, "ineligible": 1}
    assert [p.code for p in result.refer.referred] == ["LN-01", "LN-02", "LN-03", "LN-04", "LN-05", "LN-06"]
    assert result.refer.document == "20/TTr-UBND" and result.refer.overdue is False
    assert result.recognise.recognised == () and "1048/2019" in result.recognise.reason


def test_the_whole_plans_result_is_typed_and_round_trips_through_prefects_json(campaign_run) -> None:
    from prefect.serializers import JSONSerializer

    from flows.campaign import CampaignResult

    result, _, _ = campaign_run
    assert isinstance(result, CampaignResult)
    serializer = JSONSerializer()
    back = serializer.loads(serializer.dumps(result))
    assert back == result
    ln01 = next(r for r in back.rank.ranking if r.code == "LN-01")
    assert ln01.mean == Fraction(EXPECTED["LN-01"][0], 7)  # still exact after the round trip
    assert back.schedule.meeting_date == result.schedule.meeting_date and back.rank.counts == result.rank.counts


def test_documents_carry_their_key_text(campaign_run) -> None:
    from ocop.services import stages
    from ocop.settings import Settings

    _, url, out = campaign_run
    docs = stages.documents(Settings.from_env({}, out_dir=out, database_url=url), "luc-nam-2020")
    by_kind = defaultdict(list)
    for d in docs:
        by_kind[d.kind].append(d)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "qd_thanh_lap_hoi_dong": 1, "qd_ban_hanh_quy_che": 1, "ke_hoach": 1, "thong_bao_kiem_tra_ho_so": 12,
        "giay_moi_hop_hoi_dong": 1, "phieu_danh_gia": 154, "bang_tong_hop": 1, "bien_ban_hop_hoi_dong": 1,
        "thong_bao_ket_qua": 11, "to_trinh_de_nghi_tinh": 1}
    symbols = sorted(d.symbol for d in docs if d.symbol)
    assert len(symbols) == len(set(symbols)) == 29  # UBND 3, HĐOCOP 14, NN 12: no number used twice
    decision = docx_text(by_kind["qd_thanh_lap_hoi_dong"][0].file)
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 18/QĐ-UBND",
                   "Lục Nam, ngày 07 tháng 01 năm 2020", "QUYẾT ĐỊNH", "Lương Thế Tuấn",
                   "Trưởng phòng Y tế", "Ngô Thị Thu Hằng", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
        assert needle in decision, needle
    plan = docx_text(by_kind["ke_hoach"][0].file)
    for needle in ("Số: 19/KH-UBND", "KẾ HOẠCH", "Ngày 07 tháng 01 năm 2020 Chủ tịch Ủy ban nhân dân huyện Lục Nam "
                   "đã ban hành Quyết định số 18/QĐ-UBND", "xong trước ngày 05/7/2020", "trước ngày 30/10/2020",
                   "từ 50 điểm đến 100 điểm", "Quyết định số 269/QĐ-UBND", "Bản điện tử", "LĐVP, CVVP."):
        assert needle in plan, needle
    rules = docx_text(by_kind["qd_ban_hanh_quy_che"][0].file)
    assert "Số: 01/QĐ-HĐOCOP" in rules and "QUY CHẾ" in rules and "10 điểm" in rules
    # the sample's quorum_fraction "2/3", stated as the rules apply it, not as a rounded 67% or 66,67%
    assert "ít nhất 2/3 tổng số thành viên" in rules
    notice = next(d for d in by_kind["thong_bao_kiem_tra_ho_so"] if "Phạm Thị Xuân" in d.title)
    assert "Không đủ điều kiện" in docx_text(notice.file) and "xác nhận của UBND xã" in docx_text(notice.file)
    invitation = docx_text(by_kind["giay_moi_hop_hoi_dong"][0].file)
    assert "Số: 02/GM-HĐOCOP" in invitation and "HTX Nông nghiệp & Dịch vụ Tiên Hưng" in invitation
    sheets = {d.title: d for d in by_kind["phieu_danh_gia"]}
    filled = docx_text(sheets["Phiếu đánh giá LN-01 - Lương Thế Tuấn"].file)
    assert "Na dai Huyền Sơn" in filled and "☒" in filled and "93" in filled
    blank = docx_text(sheets["Phiếu đánh giá (trắng) LN-01 - Lương Thế Tuấn"].file)
    assert "Na dai Huyền Sơn" in blank and "☐" in blank and "☒" not in blank
    summary = docx_text(by_kind["bang_tong_hop"][0].file)
    assert "91,71" in summary and "50,00" in summary and "Đỗ Văn Quyết" in summary
    minutes = docx_text(by_kind["bien_ban_hop_hoi_dong"][0].file)
    assert "Số: 03/BB-HĐOCOP" in minutes and "7/7" in minutes
    result = next(d for d in by_kind["thong_bao_ket_qua"] if d.title.endswith("LN-06"))
    result_text = docx_text(result.file)
    assert "50,00" in result_text and "3 sao" in result_text
    referral = docx_text(by_kind["to_trinh_de_nghi_tinh"][0].file)
    assert "Số: 20/TTr-UBND" in referral and "Lục Nam, ngày 02 tháng 11 năm 2020" in referral
    assert "Mít tố nữ Trường Sơn" in referral and "Dứa Đan Hội" not in referral
    assert "TM. ỦY BAN NHÂN DÂN" in referral


def test_every_document_conforms_and_matches_its_hash(campaign_run) -> None:
    import hashlib

    from ocop.documents.conformance import check
    from ocop.services import stages
    from ocop.settings import Settings

    _, url, out = campaign_run
    docs = stages.documents(Settings.from_env({}, out_dir=out, database_url=url), "luc-nam-2020")
    problems = {}
    for d in docs:
        path = Path(d.file)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == d.sha256, path
        found = check(path, numbered=bool(d.symbol))
        if found:
            problems[path.name] = found
    assert problems == {}


def test_running_the_campaign_again_creates_nothing(campaign_run) -> None:
    from flows.campaign import run_campaign

    _, url, out = campaign_run
    from flows.params import Storage

    again = run_campaign(sample_files(), storage=Storage(db_url=url, out_dir=str(out)))
    assert again.set_up.changed is False
    assert (again.collect.new, again.collect.updated) == (0, 0)
    assert again.verify.changed == 0
    assert (again.score.new, again.score.replaced) == (0, 0)
    assert again.rank.changed == 0
    for stage in (again.set_up, again.verify, again.schedule, again.score, again.rank, again.recognise, again.refer):
        assert stage.documents.issued == 0, stage
    assert again.refer.document == "20/TTr-UBND"


def test_runs_leave_vietnamese_artifacts_for_the_clerk(campaign_run) -> None:
    import json

    from prefect.artifacts import Artifact

    ranking = {r["Mã"]: r for r in json.loads(Artifact.get("luc-nam-2020-xep-hang").data)}
    assert (ranking["LN-01"]["Sản phẩm"], ranking["LN-01"]["Điểm TB"], ranking["LN-01"]["Hạng sao"]) == (
        "Na dai Huyền Sơn", "91,71", 5)
    assert ranking["LN-06"]["Kết quả"] == "Đề nghị cấp trên" and "sát ngưỡng 50 điểm" in ranking["LN-06"]["Lưu ý"]
    communes = {r["Xã"]: r for r in json.loads(Artifact.get("luc-nam-2020-kiem-tra-ho-so").data)}
    assert communes["Bảo Sơn"]["Không đủ điều kiện"] == 1
    summary = Artifact.get("luc-nam-2020-tom-tat-de-nghi")
    assert summary is not None and "20/TTr-UBND" in summary.data and "6 sản phẩm" in summary.data
    plan = Artifact.get("luc-nam-2020-tom-tat-ke-hoach").data
    assert "Tờ trình **20/TTr-UBND**: 6 sản phẩm" in plan and "Na dai Huyền Sơn" not in plan
    paths = re.findall(r"\]\((file://[^)]+\.docx)\)", plan)
    assert paths and all(Path(unquote(urlparse(p).path)).is_file() for p in paths)
    # 11 eligible products × 7 members, blank and filled, each summarised with its folder
    assert "77 × Phiếu đánh giá trắng | Đã ban hành | `02-hop-hoi-dong/phieu-trang/`" in plan
    assert "77 × Phiếu đánh giá đã chấm | Đã ban hành | `03-phieu-danh-gia/`" in plan
    files = json.loads(Artifact.get("luc-nam-2020-tiep-nhan-dang-ky").data)
    assert [(f["Tệp"], f["Số dòng"], f["Bị loại"]) for f in files] == [("registrations.csv", 12, 0)]
    sheets = {r["Mã"]: r for r in json.loads(Artifact.get("luc-nam-2020-phieu-da-nop").data)}
    assert (sheets["LN-01"]["Đã nộp"], sheets["LN-01"]["Còn thiếu"]) == (7, "")


def test_the_rank_run_shows_the_campaigns_charts_as_images(campaign_run) -> None:
    import base64

    from prefect.artifacts import Artifact

    charts = Artifact.get("luc-nam-2020-bieu-do")
    assert charts is not None and charts.type == "markdown"
    images = re.findall(r"!\[([^\]]+)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", charts.data)
    assert [title for title, _ in images] == ["Sản phẩm theo hạng sao", "Sản phẩm theo xã", "Sản phẩm theo bộ sản phẩm"]
    for _, data in images:
        png = base64.b64decode(data)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 100_000


def test_long_batches_show_their_progress(campaign_run, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.artifacts import Artifact

    from flows import artifacts
    from flows.params import ScoreImport, Storage
    from flows.stages import score
    from ocop.services.paperwork import register

    _, url, out = campaign_run
    monkeypatch.setattr(register, "BATCH", 10)  # 77 sheets in 8 batches
    monkeypatch.setattr(artifacts, "PROGRESS_AFTER", 0.0)
    score("luc-nam-2020", ScoreImport(), Storage(db_url=url, out_dir=str(out)))
    shown = Artifact.get("luc-nam-2020-tien-do-phieu-danh-gia")
    assert shown is not None and float(shown.data) == 100.0
