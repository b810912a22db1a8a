"""Every stage flow, the whole campaign and the deadline reminders as Prefect deployments.

One list, used two ways:

- `ocop server` / `make server`: registered on a Prefect server for the process work pool
  ``ocop-pool``; a worker runs them (the flows are imported from the installed package, so the
  worker needs only this project's environment);
- `ocop serve`: served from one process with Prefect's ``serve()``, no work pool.

Run forms read in Vietnamese: the parameters are Pydantic models (flows/params.py) and each
top-level parameter gets its Vietnamese title here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefect import Flow
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.campaign import run_campaign
from flows.params import CampaignFiles, titled
from flows.reminders import remind
from flows.stages import (
    collect,
    pre_assess,
    rank,
    recognise,
    refer,
    schedule,
    score,
    set_up,
    verify,
)
from ocop.settings import packaged

POOL = "ocop-pool"
TAGS = ["ocop"]
TIMEZONE = "Asia/Ho_Chi_Minh"
# Reminders run every weekday morning; the flow itself skips holidays and Tết (working-day calendar).
REMINDER_CRON = "30 7 * * 1-5"
SAMPLE = packaged("ocop.sample") / "luc-nam-2020"


@dataclass(frozen=True)
class Spec:
    name: str  # the deployment's name, for `prefect deployment run '<flow title>/<name>'`
    flow: Flow[..., Any]
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    cron: str | None = None


SPECS = (
    Spec("chay-ca-ke-hoach", run_campaign,
         "Chạy mọi bước của kế hoạch, từ lập kế hoạch tới đề nghị cấp trên. Mặc định: kế hoạch mẫu Lục Nam 2020.",
         {"files": CampaignFiles.in_folder(SAMPLE).model_dump()}),
    Spec("lap-ke-hoach", set_up, "Tạo kế hoạch, Hội đồng, Tổ thư ký; QĐ thành lập, Quy chế, Kế hoạch."),
    Spec("tiep-nhan-dang-ky", collect, "Nhập phiếu đăng ký của các xã (CSV/XLSX hoặc thư mục)."),
    Spec("danh-gia-so-bo-cap-xa", pre_assess,
         "Kế hoạch cấp tỉnh theo 1489: báo cáo đánh giá sơ bộ của UBND từng xã, từ danh sách các xã đã nhập."),
    Spec("kiem-tra-ho-so", verify, "Xét hồ sơ: đủ điều kiện, cần bổ sung, không đủ; thông báo."),
    Spec("lich-hop", schedule, "Chốt lịch họp Hội đồng, giấy mời, phiếu đánh giá trắng."),
    Spec("phieu-danh-gia", score, "Nhập phiếu đánh giá của các thành viên, hoặc chờ chấm trên giao diện."),
    Spec("xep-hang", rank, "Tính điểm trung bình, xếp hạng sao; bảng tổng hợp, biên bản."),
    Spec("cong-nhan", recognise, "Quyết định công nhận và giấy chứng nhận, nếu cấp này được công nhận."),
    Spec("de-nghi-cap-tren", refer, "Tờ trình đề nghị cấp trên, kèm danh sách sản phẩm đạt ngưỡng."),
    Spec("nhac-han", remind,
         "Mỗi sáng ngày làm việc (7:30 giờ Việt Nam): việc còn mở trước các hạn của kế hoạch, việc quá hạn.",
         cron=REMINDER_CRON),
)


def build(work_pool: str | None = POOL) -> list[RunnerDeployment]:
    """The deployments, for a work pool (``ocop server``) or for ``serve()`` (``work_pool=None``)."""
    out: list[RunnerDeployment] = []
    for spec in SPECS:
        deployment = spec.flow.to_deployment(
            name=spec.name, description=spec.description, tags=TAGS, parameters=spec.parameters,
            schedule=Cron(spec.cron, timezone=TIMEZONE) if spec.cron else None,
            work_pool_name=work_pool, entrypoint_type=EntrypointType.MODULE_PATH)
        if not isinstance(deployment, RunnerDeployment):  # a coroutine: called in an async context
            deployment.close()
            raise TypeError("flows.deployments.build() must be called outside an event loop")
        titled(deployment._parameter_openapi_schema.properties)
        out.append(deployment)
    return out


def full_names() -> list[str]:
    """`<flow name>/<deployment name>`, as `prefect deployment run` takes them."""
    return [f"{spec.flow.name}/{spec.name}" for spec in SPECS]
