"""What a clerk sees on a finished run in the Prefect UI: tables and a short summary, in Vietnamese.

Artifacts are created only from results the stage has already made public (after ranking, the
means; never a member's points), so they respect the council's independence rule.
"""

from __future__ import annotations

import os
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from ocop import present, progress
from ocop.services import stages
from ocop.services.council.use_cases import ScheduleResult, ScoreResult
from ocop.services.paperwork.use_cases import RegisteredDocument
from ocop.services.registrations.use_cases import CollectResult, PreAssessResult, VerifyResult
from ocop.services.reminders import renewals
from ocop.services.reminders.report import DeadlineReminder, RemindersReport
from ocop.services.results.use_cases import RankedRow, RankResult, RecogniseResult, ReferResult
from ocop.services.runtime import DocumentsSummary
from ocop.services.set_up.use_cases import SetUpResult
from ocop.settings import Settings
from ocop.text import ascii_key

if TYPE_CHECKING:
    from flows.campaign import CampaignResult

PROGRESS_AFTER = 3.0  # seconds: a batch shorter than this gets no progress artifact
LISTED = 10  # documents of one kind listed one by one; beyond that, their count and folder
# the documents each stage produces, by template
KINDS = {
    "set_up": ("qd_thanh_lap_hoi_dong", "qd_ban_hanh_quy_che", "ke_hoach"),
    "pre_assess": ("bao_cao_danh_gia_so_bo",),
    "verify": ("thong_bao_kiem_tra_ho_so",),
    "schedule": ("giay_moi_hop_hoi_dong", "phieu_danh_gia"),
    "score": ("phieu_danh_gia",),
    "rank": ("bang_tong_hop", "bien_ban_hop_hoi_dong", "thong_bao_ket_qua"),
    "recognise": ("qd_cong_nhan", "giay_chung_nhan"),
    "refer": ("to_trinh_de_nghi_tinh",),
}
# names of documents that come many at a time
GROUPS = {"phieu_danh_gia/trang": "Phiếu đánh giá trắng", "phieu_danh_gia": "Phiếu đánh giá đã chấm",
          "thong_bao_kiem_tra_ho_so": "Thông báo kết quả kiểm tra hồ sơ",
          "thong_bao_ket_qua": "Thông báo kết quả đánh giá", "giay_chung_nhan": "Giấy chứng nhận"}
KINDS["campaign"] = (*tuple(k for kinds in KINDS.values() for k in kinds if k != "phieu_danh_gia"), "phieu_danh_gia")


def _key(campaign: str, what: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    return f"{ascii_key(campaign).replace('_', '-')}-{what}"


@contextmanager
def progress_of(campaign: str | None, stage: str) -> Iterator[None]:
    """Show batches that take more than a few seconds as a progress artifact on the run."""
    started, state = time.monotonic(), _Progress()

    def show(label: str, done: int, total: int) -> None:
        percent = min(100.0, 100.0 * done / total)
        if state.id is None:
            if time.monotonic() - started < PROGRESS_AFTER or done >= total:
                return
            state.id = _sync_id(create_progress_artifact(
                percent, key=_key(campaign or "ocop", f"tien-do-{stage}"),
                description=f"{label}: {done}/{total}"))
        else:
            update_progress_artifact(state.id, percent, description=f"{label}: {done}/{total}")

    with progress.reporting(show):
        yield
    if state.id is not None:
        update_progress_artifact(state.id, 100.0, description="Hoàn thành")


@dataclass
class _Progress:
    """The progress artifact of a batch, once it has been created."""

    id: UUID | None = None


def _sync_id(created: UUID | Coroutine[Any, Any, UUID]) -> UUID | None:
    """The new artifact's id. Prefect's artifact helpers return a coroutine only when called in an
    async context; the stages run synchronously, but should one not, it shows no progress (as the
    never-awaited coroutine did) rather than failing the run."""
    if isinstance(created, UUID):
        return created
    created.close()
    return None


def documents(settings: Settings, campaign: str, stage: str) -> str:
    """A Markdown table of the stage's documents (current versions) with their paths on the server."""
    kinds = KINDS[stage]
    docs = [d for d in stages.documents(settings, campaign) if d.kind in kinds
            and d.status in ("draft", "approved", "issued")]
    if not docs:
        return ""
    lines = ["| Số, ký hiệu | Văn bản | Trạng thái | Tệp |", "|---|---|---|---|"]
    groups: dict[str, list[RegisteredDocument]] = {}
    for kind in kinds:
        for d in docs:
            if d.kind == kind:
                blank = kind == "phieu_danh_gia" and d.subject.startswith("trang/")
                groups.setdefault(GROUPS.get(kind + ("/trang" if blank else ""), kind), []).append(d)
    for name, group in groups.items():
        if len(group) > LISTED:
            folder = Path(os.path.commonpath([d.file for d in group]))
            base = settings.out_dir / campaign
            shown = f"{folder.relative_to(base)}/" if folder.is_relative_to(base) else str(folder)
            lines.append(f"| — | {len(group)} × {name} | "
                         f"{', '.join(sorted({present.DOCUMENT_STATUS[d.status] for d in group}))} | `{shown}` |")
            continue
        for d in group:
            pdf = f" ([PDF]({_link(d.pdf)}))" if d.pdf else ""
            lines.append(f"| {d.symbol or '—'} | {d.title} | {present.DOCUMENT_STATUS[d.status]} | "
                         f"[{Path(d.file).name}]({_link(d.file)}){pdf} |")
    return "\n".join(["", f"**Văn bản** (thư mục `{settings.out_dir / campaign}`):", "", *lines])


def _link(path: str) -> str:
    return Path(path).resolve().as_uri()


def _documents(docs: DocumentsSummary | None) -> str:
    docs = docs or DocumentsSummary()
    line = f"Văn bản mới: {docs.issued}, không đổi: {docs.unchanged}"
    if docs.pending:
        line += f", chờ người ký duyệt: {len(docs.pending)} (ocop documents approve / issue)"
    return line + "."


def _summary(key: str, title: str, lines: list[str], description: str) -> None:
    create_markdown_artifact("\n".join([f"### {title}", *lines]), key=key, description=description)


def set_up(settings: Settings, summary: SetUpResult) -> None:
    code = summary.campaign
    state = "tạo mới" if summary.created else ("cập nhật" if summary.changed else "không thay đổi")
    _summary(_key(code, "tom-tat-lap-ke-hoach"), f"Lập kế hoạch — {code}",
             [f"- Kế hoạch: {state}", f"- Hội đồng: **{summary.council}** thành viên; "
              f"Tổ thư ký: **{summary.secretariat}** người", _documents(summary.documents),
              documents(settings, code, "set_up")], "Tóm tắt bước lập kế hoạch, thành lập Hội đồng")


def collect(summary: CollectResult) -> None:
    code = summary.campaign
    rows = [{"Tệp": Path(f.file).name, "Số dòng": f.rows, "Mới": f.new, "Cập nhật": f.updated,
             "Không đổi": f.unchanged, "Bị loại": f.rejected, "Lỗi": len(f.problems),
             "Tệp lỗi": f.error_file or ""} for f in summary.files]
    create_table_artifact(rows, key=_key(code, "tiep-nhan-dang-ky"), description="Phiếu đăng ký đã nhập, theo tệp")
    lines = [f"- {summary.rows} dòng: mới **{summary.new}**, cập nhật **{summary.updated}**, "
             f"không đổi {summary.unchanged}, bị loại **{summary.rejected}**"]
    lines += [f"- Lỗi: {p}" for p in summary.problems[:20]]
    if len(summary.problems) > 20:
        lines.append(f"- … và {len(summary.problems) - 20} lỗi khác (xem tệp lỗi)")
    lines += [f"- Tệp lỗi: `{f}`" for f in summary.error_files]
    lines += [f"- Sửa {c}" for c in summary.changes]
    _summary(_key(code, "tom-tat-tiep-nhan"), f"Tiếp nhận đăng ký — {code}", lines, "Tóm tắt bước tiếp nhận đăng ký")


def pre_assess(settings: Settings, summary: PreAssessResult) -> None:
    campaign = summary.campaign
    rows = [{"Xã": r.commune, "Sản phẩm": r.products, "Đề nghị đánh giá": r.proposed,
             "Không đề nghị": r.products - r.proposed} for r in summary.reports]
    create_table_artifact(rows, key=_key(campaign, "danh-gia-so-bo"),
                          description="Đánh giá sơ bộ của UBND cấp xã")
    lines = [f"- {r.commune}: đề nghị **{r.proposed}/{r.products}** sản phẩm"
             + "".join(f"\n  - không đề nghị {x}" for x in r.not_proposed) for r in summary.reports]
    lines += [_documents(summary.documents), documents(settings, campaign, "pre_assess")]
    _summary(_key(campaign, "tom-tat-danh-gia-so-bo"), f"Đánh giá sơ bộ cấp xã — {campaign}", lines,
             "Tóm tắt bước đánh giá sơ bộ của UBND cấp xã")


def verify(settings: Settings, summary: VerifyResult) -> None:
    campaign = summary.campaign
    rows = [{"Xã": commune, "Đăng ký": c.registered, "Đủ điều kiện": c.eligible,
             "Cần bổ sung": c.needs_supplement, "Không đủ điều kiện": c.ineligible}
            for commune, c in summary.by_commune.items()]
    create_table_artifact(rows, key=_key(campaign, "kiem-tra-ho-so"),
                          description="Kết quả kiểm tra hồ sơ theo xã")
    lines = [f"- {present.REGISTRATION_STATUS[s]}: **{summary.counts.get(s, 0)}**"
             for s in ("eligible", "needs_supplement", "ineligible")]
    lines += [f"  - {e.code} {e.name}: {e.reason}" for e in summary.ineligible]
    lines += [f"- Danh sách kiểm tra hồ sơ: [{Path(summary.lists).name}]({_link(summary.lists)})",
              _documents(summary.documents), documents(settings, campaign, "verify")]
    _summary(_key(campaign, "tom-tat-kiem-tra"), f"Kiểm tra hồ sơ — {campaign}", lines,
             "Tóm tắt bước kiểm tra hồ sơ")


def schedule(settings: Settings, summary: ScheduleResult) -> None:
    code = summary.campaign
    lines = [f"- Họp lúc **{present.clock(summary.meeting_time)} ngày {present.date_short(summary.meeting_date)}** "
             f"tại {summary.venue}",
             f"- Giấy mời ngày {present.date_short(summary.invitation_date)}, gửi trước "
             f"{summary.lead_working_days} ngày làm việc"]
    lines += [f"- Bộ phiếu in: `{p}`" for p in summary.print_packs]
    lines += [_documents(summary.documents), documents(settings, code, "schedule")]
    _summary(_key(code, "tom-tat-lich-hop"), f"Lịch họp Hội đồng — {code}", lines, "Tóm tắt bước lên lịch họp")


def score(settings: Settings, campaign: str | None, summary: ScoreResult) -> None:
    """Submission counts per product (never a member's points) and the filled sheets printed."""
    rows_in = stages.scores_progress(settings, campaign)
    code = stages.campaign_code(settings, campaign)
    rows = [{"Mã": p.code, "Sản phẩm": p.name, "Đã nộp": p.submitted, "Thành viên có mặt": p.present,
             "Còn thiếu": ", ".join(p.missing)} for p in rows_in]
    create_table_artifact(rows, key=_key(code, "phieu-da-nop"), description="Số phiếu đánh giá đã nộp theo sản phẩm")
    complete = sum(1 for p in rows_in if not p.missing)
    printed = summary.documents.issued if summary.documents else 0
    lines = [f"- Tệp: `{summary.file}`" if summary.file else "- Không nhập tệp",
             f"- Phiếu trong tệp: {summary.sheets} (mới {summary.new}, thay thế {summary.replaced}, "
             f"không đổi {summary.unchanged})",
             f"- Sản phẩm đủ phiếu: **{complete}/{len(rows_in)}**",
             f"- Phiếu đã chấm được in: {printed} mới"]
    lines += [f"- Đã chấm trên giao diện: {m}" for m in summary.from_form]
    _summary(_key(code, "tom-tat-phieu-danh-gia"), f"Phiếu đánh giá — {code}", lines,
             "Tóm tắt bước ghi nhận phiếu đánh giá")


def ranking_table(rows: tuple[RankedRow, ...]) -> list[dict[str, str | int]]:
    """The council's ranking as the artifact's table shows it (means formatted by ocop.present)."""
    return [{"Mã": r.code, "Sản phẩm": r.product, "Chủ thể": r.producer, "Điểm TB": present.mean(r.mean),
             "Hạng sao": r.stars, "Kết quả": present.OUTCOME[r.outcome],
             "Lưu ý": "; ".join(([r.cap_reason] if r.cap_reason else []) + list(r.flags))} for r in rows]


def rank(settings: Settings, summary: RankResult) -> None:
    campaign = summary.campaign
    if not summary.quorum.met:
        _summary(_key(campaign, "tom-tat-xep-hang"), f"Họp Hội đồng — {campaign}", [summary.quorum.text()],
                 "Không đủ túc số")
        return
    rows = ranking_table(summary.ranking)
    create_table_artifact(rows, key=_key(campaign, "xep-hang"), description="Kết quả đánh giá, phân hạng")
    lines = [summary.quorum.text(), f"- {len(rows)} sản phẩm: {present.star_counts(summary.counts)}"]
    lines += [f"- Chưa có kết quả: {b}" for b in summary.blocked]
    lines += [f"- Chấm lại: {r}" for r in summary.rescores]
    lines += [f"- {summary.waiting}"] if summary.waiting else []
    lines += [_documents(summary.documents), documents(settings, campaign, "rank")]
    _summary(_key(campaign, "tom-tat-xep-hang"), f"Tổng hợp điểm và phân hạng — {campaign}", lines,
             "Tóm tắt phiên họp Hội đồng")
    if rows:
        rank_charts(settings, campaign)


def rank_charts(settings: Settings, campaign: str) -> None:
    """The campaign's charts (stars, communes, product sets: those of `ocop report`) as PNG images
    inlined in a Markdown artifact: the UI's Markdown renders a ``data:`` image in place, where an
    image artifact (``create_image_artifact``) would also print the whole URL under it."""
    import base64

    from ocop.services.results import charts
    from ocop.services.results.statistics import campaign_statistics

    stats = campaign_statistics(settings, campaign)
    images = [f"![{c.title}](data:image/png;base64,{base64.b64encode(charts.png(c)).decode('ascii')})"
              for c in charts.charts(stats, periods=False)]
    create_markdown_artifact("\n\n".join([f"### Biểu đồ kết quả phân hạng — {campaign}", *images]),
                             key=_key(campaign, "bieu-do"), description="Biểu đồ: hạng sao, xã, bộ sản phẩm")


def recognise(settings: Settings, summary: RecogniseResult) -> None:
    code = summary.campaign
    if summary.recognised:
        create_table_artifact([{"Mã": r.code, "Sản phẩm": r.product, "Hạng sao": r.stars}
                               for r in summary.recognised], key=_key(code, "cong-nhan"),
                              description=f"Sản phẩm được công nhận theo Quyết định {summary.decision}")
    lines = [f"- {summary.reason}"] if summary.reason else []
    if summary.decision:
        lines.append(f"- Quyết định công nhận **{summary.decision}**: {len(summary.recognised)} sản phẩm")
    lines += [_documents(summary.documents), documents(settings, code, "recognise")]
    _summary(_key(code, "tom-tat-cong-nhan"), f"Công nhận kết quả — {code}", lines, "Tóm tắt bước công nhận")


def refer(settings: Settings, summary: ReferResult) -> None:
    campaign = summary.campaign
    rows = [{"Mã": p.code, "Sản phẩm": p.product, "Điểm TB": present.mean(p.mean), "Hạng sao": p.stars}
            for p in summary.referred]
    create_table_artifact(rows, key=_key(campaign, "de-nghi-cap-tren"),
                          description=f"Danh sách kèm Tờ trình {summary.document}")
    late = f" — {present.OVERDUE} so với kế hoạch" if summary.overdue else ""
    _summary(_key(campaign, "tom-tat-de-nghi"), f"Đề nghị cấp trên — {campaign}",
             [f"Tờ trình **{summary.document}** ngày {present.date_short(summary.issued_on)}: "
              f"{len(rows)} sản phẩm{late}.", "",
              _documents(summary.documents), documents(settings, campaign, "refer")], "Tóm tắt bước đề nghị cấp trên")


def campaign(settings: Settings, result: CampaignResult) -> None:
    """The whole plan on the parent run: one line per stage, the ranking, and every document."""
    code, rank = result.campaign, result.rank
    rows = [{"Mã": r.code, "Sản phẩm": r.product, "Chủ thể": r.producer, "Xã": r.commune,
             "Điểm TB": present.mean(r.mean), "Hạng sao": r.stars, "Kết quả": present.OUTCOME[r.outcome]}
            for r in rank.ranking]
    create_table_artifact(rows, key=_key(code, "ket-qua-ke-hoach"), description="Kết quả cả kế hoạch")
    verify, refer = result.verify.counts, result.refer
    lines = [f"- Đăng ký: {result.collect.rows} dòng, đủ điều kiện **{verify.get('eligible', 0)}**, "
             f"cần bổ sung {verify.get('needs_supplement', 0)}, không đủ điều kiện {verify.get('ineligible', 0)}",
             f"- Họp Hội đồng ngày {present.date_short(result.schedule.meeting_date)}: {rank.quorum.text()}",
             f"- Phân hạng: {present.star_counts(rank.counts)}",
             f"- Tờ trình **{refer.document}**: {len(refer.referred)} sản phẩm đề nghị cấp trên"]
    if result.recognise.decision:
        lines.append(f"- Quyết định công nhận **{result.recognise.decision}**")
    lines.append(documents(settings, code, "campaign"))
    _summary(_key(code, "tom-tat-ke-hoach"), f"Kết quả kế hoạch — {code}", lines, "Tóm tắt cả kế hoạch")


def _reminder_lines(d: DeadlineReminder) -> list[str]:
    state = f"**{d.status}**" if d.overdue else d.status  # present.deadline_status: QUÁ HẠN
    what = f"{len(d.open)} việc còn mở" if d.open else "đã hoàn thành"
    lines = [f"- **{d.label}** ({d.campaign}, hạn {present.date_short(d.due_on)}) — {state}: {what}"]
    lines += [f"  - {i.title}: {i.detail}" for i in d.open[:LISTED]]
    if len(d.open) > LISTED:
        lines.append(f"  - … và {len(d.open) - LISTED} việc khác (xem bảng)")
    return lines


def reminders(campaign: str | None, report: RemindersReport) -> None:
    """Deadline reminders: one row per open item of each deadline due (codes and names only, never
    points), and a short summary. Keyed per campaign, or ``tat-ca-ke-hoach-…`` for all campaigns."""
    scope = campaign or "tat-ca-ke-hoach"
    on = present.day(report.on)
    rows = []
    for d in report.deadlines:
        base = {"Kế hoạch": d.campaign, "Hạn": d.label, "Ngày hạn": present.date_short(d.due_on),
                "Tình trạng": d.status}
        rows += [{**base, "Việc còn mở": i.title, "Chi tiết": i.detail} for i in d.open]
        if not d.open:
            rows.append({**base, "Việc còn mở": "—", "Chi tiết": "Đã hoàn thành"})
    if not report.working_day:
        lines = [f"Ngày {present.date_short(report.on)}: {report.day_off}, ngày nghỉ — không nhắc hạn."]
    elif not report.deadlines:
        lines = [f"Không có hạn nào còn đúng {', '.join(str(n) for n in report.days_before)} ngày làm việc, "
                 "cũng không có hạn vừa qua còn việc mở: không nhắc hạn."]
    else:
        lines = [line for d in report.deadlines for line in _reminder_lines(d)]
        lines.append(f"- Tổng: **{report.open}** việc còn mở"
                     + (f", trong đó **{report.overdue}** quá hạn." if report.overdue else "."))
    if not rows:  # the table always shows the latest run, even when nothing is due
        rows = [{"Kế hoạch": campaign or "Tất cả", "Hạn": "—", "Ngày hạn": "—",
                 "Tình trạng": "Ngày nghỉ" if not report.working_day else "Không có hạn cần nhắc",
                 "Việc còn mở": "—", "Chi tiết": lines[0]}]
    create_table_artifact(rows, key=_key(scope, "nhac-han"), description=f"Nhắc hạn kế hoạch ngày {on}")
    if report.renewals is not None:
        lines += ["", f"**{renewals.heading(report.renewals)}**"]
        lines += [f"- {renewals.describe(c)}" for c in report.renewals.certificates[:LISTED]]
        if len(report.renewals.certificates) > LISTED:
            lines.append(f"- … và {len(report.renewals.certificates) - LISTED} giấy khác (xem bảng)")
        create_table_artifact(
            [{"Số GCN": c.number, "Mã sản phẩm": c.product_code, "Sản phẩm": c.product, "Chủ thể": c.producer,
              "Xã": c.commune, "Sao": present.stars(c.stars) if c.stars else "—",
              "Ngày cấp": present.date_short(c.issued_on), "Hiệu lực đến hết ngày": present.date_short(c.valid_until),
              "Tình trạng": c.status, "Kế hoạch cấp": c.campaign} for c in report.renewals.certificates]
            or [{"Số GCN": "—", "Tình trạng": renewals.heading(report.renewals)}],
            key="giay-chung-nhan-het-han", description=f"{renewals.HEADING} — ngày {on}")
    _summary(_key(scope, "tom-tat-nhac-han"), f"Nhắc hạn — {campaign or 'mọi kế hoạch'}, ngày {on}", lines,
             "Tóm tắt nhắc hạn kế hoạch")
