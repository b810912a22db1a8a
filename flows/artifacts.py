"""What a clerk sees on a finished run in the Prefect UI: tables and a short summary, in Vietnamese.

Artifacts are created only from results the stage has already made public (after ranking, the
means; never a member's points), so they respect the council's independence rule.
"""

from __future__ import annotations

from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from ocop.text import ascii_key

OUTCOME = {"referred": "Đề nghị cấp trên", "recognised": "Công nhận tại cấp này", "none": "—"}


def _key(campaign: str, what: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    return f"{ascii_key(campaign).replace('_', '-')}-{what}"


def _documents(summary: dict[str, Any]) -> str:
    docs = summary.get("documents") or {}
    line = f"Văn bản mới: {docs.get('issued', 0)}, không đổi: {docs.get('unchanged', 0)}"
    if docs.get("pending"):
        line += f", chờ người ký duyệt: {len(docs['pending'])} (ocop documents approve / issue)"
    return line + "."


def verification(campaign: str, summary: dict[str, Any]) -> None:
    rows = [{"Xã": commune, "Đăng ký": c["registered"], "Đủ điều kiện": c["eligible"],
             "Cần bổ sung": c["needs_supplement"], "Không đủ điều kiện": c["ineligible"]}
            for commune, c in summary["by_commune"].items()]
    create_table_artifact(rows, key=_key(campaign, "kiem-tra-ho-so"),
                          description="Kết quả kiểm tra hồ sơ theo xã")
    lines = [f"### Kiểm tra hồ sơ — {campaign}",
             f"- Đủ điều kiện: **{summary['counts'].get('eligible', 0)}**",
             f"- Cần bổ sung: **{summary['counts'].get('needs_supplement', 0)}**",
             f"- Không đủ điều kiện: **{summary['counts'].get('ineligible', 0)}**"]
    lines += [f"  - {code} {name}: {reason}" for code, name, reason in summary["ineligible"]]
    lines.append(_documents(summary))
    create_markdown_artifact("\n".join(lines), key=_key(campaign, "tom-tat-kiem-tra"),
                             description="Tóm tắt bước kiểm tra hồ sơ")


def ranking(campaign: str, summary: dict[str, Any]) -> None:
    if not summary["quorum_met"]:
        create_markdown_artifact(f"### Họp Hội đồng — {campaign}\n\n{summary['quorum']}",
                                 key=_key(campaign, "tom-tat-xep-hang"), description="Không đủ túc số")
        return
    rows = [{"Mã": r["code"], "Sản phẩm": r["product"], "Chủ thể": r["producer"], "Điểm TB": r["mean_text"],
             "Hạng sao": r["stars"], "Kết quả": OUTCOME[r["outcome"]],
             "Lưu ý": "; ".join(([r["cap_reason"]] if r["cap_reason"] else []) + r.get("flags", []))}
            for r in summary["ranking"]]
    create_table_artifact(rows, key=_key(campaign, "xep-hang"), description="Kết quả đánh giá, phân hạng")
    counts = ", ".join(f"{summary['counts'].get(s, 0)} × {s}★" for s in range(5, 0, -1))
    lines = [f"### Tổng hợp điểm và phân hạng — {campaign}", summary["quorum"],
             f"- {len(rows)} sản phẩm: {counts}"]
    lines += [f"- Chưa có kết quả: {b}" for b in summary["blocked"]]
    lines += [f"- Chấm lại: {r}" for r in summary["rescores"]]
    lines.append(_documents(summary))
    create_markdown_artifact("\n".join(lines), key=_key(campaign, "tom-tat-xep-hang"),
                             description="Tóm tắt phiên họp Hội đồng")


def referral(campaign: str, summary: dict[str, Any]) -> None:
    rows = [{"Mã": p["code"], "Sản phẩm": p["product"], "Điểm TB": f"{p['mean']:.2f}", "Hạng sao": p["stars"]}
            for p in summary["referred"]]
    create_table_artifact(rows, key=_key(campaign, "de-nghi-cap-tren"),
                          description=f"Danh sách kèm Tờ trình {summary['document']}")
    late = " — QUÁ HẠN so với kế hoạch" if summary["overdue"] else ""
    create_markdown_artifact(
        f"### Đề nghị cấp trên — {campaign}\n\nTờ trình **{summary['document']}** ngày {summary['date']}: "
        f"{len(rows)} sản phẩm{late}.\n\n{_documents(summary)}",
        key=_key(campaign, "tom-tat-de-nghi"), description="Tóm tắt bước đề nghị cấp trên")
