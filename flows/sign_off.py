"""Sign-off in the Prefect UI: a stage pauses with its drafts until the signer submits the form."""

from __future__ import annotations

from prefect import get_run_logger
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

from flows import tasks
from ocop.rules.campaign import Authority, Signer
from ocop.services.paperwork.use_cases import SignOffResult
from ocop.settings import Settings


class SignOff(RunInput):
    """The signer's decision on a stage's drafts (the UI renders it as the resume form)."""

    # Defaults live on the class: with_initial_data() would drop a field's constraints (notes/prefect.md).
    duyet: bool = Field(default=True, title="Duyệt và ban hành",
                        description="Bỏ chọn để giữ các văn bản ở dạng dự thảo.")
    ho_ten: str = Field(default="", title="Họ tên người ký",
                        description="Để trống: người ký theo kế hoạch.")
    chuc_vu: str = Field(default="", title="Chức vụ", description="Ví dụ: PHÓ CHỦ TỊCH.")
    tham_quyen: Authority = Field(
        default="", title="Thẩm quyền ký", description="TM., KT., Q., TL., TUQ. hoặc để trống.")
    chuc_vu_thu_truong: str = Field(default="", title="Chức vụ người đứng đầu (khi ký KT./TL./TUQ.)",
                                    description="Ví dụ: CHỦ TỊCH.")
    ghi_chu: str = Field(default="", title="Ghi chú")


def sign_off(settings: Settings, campaign: str | None, pending: tuple[int, ...], wait: bool,
             timeout: int) -> SignOffResult:
    """Pause for the signer when drafts are pending and the run asked to wait; else leave them."""
    if not pending:
        return SignOffResult()
    if not wait:
        get_run_logger().info("%d draft(s) await sign-off: ocop documents approve / issue", len(pending))
        return SignOffResult(pending=tuple(pending))
    titles = tasks.describe_documents(settings, campaign, list(pending))
    listing = "\n".join(f"- #{i}: {t}" for i, t in titles)
    answer = pause_flow_run(
        wait_for_input=SignOff.with_initial_data(
            description=f"**Duyệt văn bản** ({len(pending)} dự thảo):\n\n{listing}"),
        timeout=timeout, poll_interval=2,
    )
    if not answer.duyet:
        get_run_logger().info("signer kept %d draft(s) unapproved", len(pending))
        return SignOffResult(pending=tuple(pending), note=answer.ghi_chu)
    signer = Signer(answer.ho_ten, answer.chuc_vu, answer.tham_quyen, answer.chuc_vu_thu_truong)
    tasks.approve_documents(settings, campaign, list(pending), signer if answer.ho_ten.strip() else None)
    issued = tasks.issue_documents(settings, campaign, list(pending))
    return SignOffResult(issued=tuple(d.symbol or "" for d in issued), note=answer.ghi_chu)
