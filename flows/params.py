"""Flow parameters as Pydantic models, titled in Vietnamese for the Prefect UI's run form.

Prefect titles a flow's top-level parameters with their Python names; `TITLES` gives each the
Vietnamese title a clerk reads, and `deployments` applies them to every deployment's schema.
Inside each model, fields carry their own titles and descriptions.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ocop import present
from ocop.rules.certificates import RENEWAL_MONTHS
from ocop.services.reminders.report import DEFAULT_DAYS_BEFORE


class Storage(BaseModel):
    # Where the campaign's data and documents live; empty means the server's settings. A deployment
    # run may name others only where the operator allowed it (flows.tasks.resolve_settings).

    model_config = ConfigDict(title="Nơi lưu dữ liệu và văn bản", extra="forbid")

    db_url: str | None = Field(
        default=None, title="Cơ sở dữ liệu",
        description="URL SQLAlchemy, ví dụ postgresql+psycopg://ocop@127.0.0.1:5432/ocop. "
                    "Để trống: biến OCOP_DATABASE_URL, nếu không có thì <thư mục văn bản>/ocop.db. "
                    "Lượt chạy qua máy chủ chỉ được chọn nơi khác khi máy chủ chạy với "
                    "--allow-storage-parameters.")
    out_dir: str | None = Field(
        default=None, title="Thư mục văn bản",
        description="Nơi ghi các văn bản DOCX/PDF. Để trống: biến OCOP_OUT_DIR, nếu không có thì ./out. "
                    "Lượt chạy qua máy chủ chỉ được chọn nơi khác khi máy chủ chạy với "
                    "--allow-storage-parameters.")


class SignOffOptions(BaseModel):
    # Whether a stage waits in the UI for the signer's decision on its drafts.

    model_config = ConfigDict(title="Ký duyệt văn bản", extra="forbid")

    wait: bool = Field(
        default=False, title="Chờ người ký duyệt trên giao diện",
        description="Bật: lượt chạy tạm dừng tới khi người ký điền biểu mẫu duyệt (nút Resume). "
                    "Tắt: dự thảo chờ lệnh ocop documents approve / issue, "
                    "hoặc được duyệt ngay nếu kế hoạch để sign_off = \"auto\".")
    timeout: int = Field(
        default=3600, ge=60, le=30 * 86400, title="Thời gian chờ tối đa (giây)",
        description="Quá thời gian này mà chưa duyệt thì lượt chạy kết thúc với trạng thái lỗi.")


class PlanFile(BaseModel):
    model_config = ConfigDict(title="Kế hoạch", extra="forbid")

    campaign_file: str = Field(
        min_length=1, title="Tệp kế hoạch (TOML)",
        description="Đường dẫn trên máy chủ tới tệp kế hoạch, ví dụ "
                    "ocop/sample/luc-nam-2020/campaign.toml.")


class RegistrationImport(BaseModel):
    model_config = ConfigDict(title="Phiếu đăng ký cần nhập", extra="forbid")

    registrations_file: str = Field(
        min_length=1, title="Tệp hoặc thư mục phiếu đăng ký",
        description="Tệp CSV/XLSX, hoặc thư mục chứa một tệp của mỗi xã (mẫu: ocop registrations template).")
    partial: bool = Field(
        default=False, title="Nhập phần hợp lệ",
        description="Bật: lưu các dòng hợp lệ, các dòng lỗi ghi ra <tên tệp>.loi.xlsx bên cạnh. "
                    "Tắt: tệp có lỗi thì không lưu dòng nào.")
    reason: str = Field(
        default="", title="Lý do sửa đăng ký",
        description="Cần khi sửa sản phẩm đã có văn bản ban hành (thông báo kiểm tra hồ sơ, giấy mời, phiếu "
                    "đánh giá…): sau khi sửa, chạy lại các bước đã chạy để ban hành văn bản thay thế.")


class MeetingDetails(BaseModel):
    model_config = ConfigDict(title="Lịch họp Hội đồng", extra="forbid")

    meeting_date: date | None = Field(
        default=None, title="Ngày họp",
        description="Phải là ngày làm việc, trước hạn đánh giá. Để trống: ngày ghi trong kế hoạch.")
    meeting_time: time | None = Field(default=None, title="Giờ họp", description="Để trống: giờ trong kế hoạch.")
    venue: str | None = Field(default=None, title="Địa điểm", description="Để trống: địa điểm trong kế hoạch.")
    invitation_date: date | None = Field(
        default=None, title="Ngày ký giấy mời", description="Để trống: theo kế hoạch, hoặc hôm nay.")
    print_packs: bool = Field(
        default=False, title="In bộ phiếu trắng cho từng thành viên (PDF)",
        description="Một tệp PDF cho mỗi thành viên, gồm phiếu đánh giá trắng của mọi sản phẩm.")


class ScoreImport(BaseModel):
    model_config = ConfigDict(title="Phiếu đánh giá", extra="forbid")

    scores_file: str | None = Field(
        default=None, title="Tệp phiếu đánh giá",
        description="CSV/XLSX dạng dài, hoặc sổ điểm của từng thành viên (ocop scores template). "
                    "Để trống nếu các thành viên chấm trên giao diện.")
    reason: str = Field(
        default="", title="Lý do chấm lại",
        description="Ghi khi nhập lại phiếu đã có: mỗi thay đổi được ghi vào biên bản cùng lý do này.")
    wait_for_members: bool = Field(
        default=False, title="Chờ thành viên chấm trên giao diện",
        description="Bật: lượt chạy tạm dừng lần lượt cho từng thành viên còn thiếu phiếu, "
                    "với biểu mẫu tổng điểm từng phần của từng sản phẩm.")
    member_timeout: int = Field(
        default=3600, ge=60, le=30 * 86400, title="Thời gian chờ mỗi thành viên (giây)")


COMMUNE_LISTS = "danh-sach-xa"  # a sample's folder of the communes' lists (one file per commune, 1489)


class CampaignFiles(BaseModel):
    model_config = ConfigDict(title="Các tệp của kế hoạch", extra="forbid")

    campaign_file: str = Field(min_length=1, title="Tệp kế hoạch (TOML)",
                               description="Ví dụ ocop/sample/luc-nam-2020/campaign.toml.")
    registrations_file: str = Field(min_length=1, title="Tệp hoặc thư mục phiếu đăng ký",
                                    description="Ví dụ ocop/sample/luc-nam-2020/registrations.csv.")
    scores_file: str = Field(min_length=1, title="Tệp phiếu đánh giá",
                             description="Ví dụ ocop/sample/luc-nam-2020/scores.csv.")

    @classmethod
    def in_folder(cls, folder: Path) -> CampaignFiles:
        """campaign.toml, the registrations and scores.csv of one folder (as the samples have them): the
        registrations are registrations.csv, or the folder of the communes' lists, danh-sach-xa (1489)."""
        lists = folder / COMMUNE_LISTS
        registrations = lists if lists.is_dir() else folder / "registrations.csv"
        return cls(campaign_file=str(folder / "campaign.toml"), registrations_file=str(registrations),
                   scores_file=str(folder / "scores.csv"))


class ReminderOptions(BaseModel):
    # The day to check and how many working days before each deadline a reminder goes out.

    model_config = ConfigDict(title="Nhắc hạn", extra="forbid")

    on: date | None = Field(default=None, title="Ngày xét", description="Để trống: hôm nay theo giờ Việt Nam")
    days_before: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=lambda: list(DEFAULT_DAYS_BEFORE), title="Nhắc trước hạn (số ngày làm việc)",
        description="Nhắc khi từ ngày xét tới hạn còn đúng số ngày làm việc này (tính cả ngày xét, không tính "
                    "ngày hạn; bỏ qua thứ Bảy, Chủ nhật, ngày lễ, Tết). Ngày làm việc đầu tiên sau hạn, việc "
                    f"còn mở được báo {present.OVERDUE}.")
    expiring_months: int = Field(
        default=RENEWAL_MONTHS, ge=0, le=120, title="Giấy chứng nhận hết hạn trong (số tháng)",
        description="Liệt kê giấy chứng nhận của mọi kế hoạch hết hiệu lực trong số tháng này kể từ ngày xét, và "
                    "giấy đã hết hiệu lực mà sản phẩm chưa được công nhận lại, để đánh giá lại.")


# Vietnamese titles of the flows' top-level parameters (Prefect titles them with their names).
TITLES = {
    "campaign": "Mã kế hoạch",
    "storage": "Nơi lưu dữ liệu và văn bản",
    "sign_off": "Ký duyệt văn bản",
    "plan": "Kế hoạch",
    "registrations": "Phiếu đăng ký cần nhập",
    "meeting": "Lịch họp Hội đồng",
    "scores": "Phiếu đánh giá",
    "files": "Các tệp của kế hoạch",
    "reminders": "Nhắc hạn",
    "meeting_end": "Giờ kết thúc phiên họp",
}

CAMPAIGN_HELP = "Mã kế hoạch, ví dụ luc-nam-2020. Để trống: kế hoạch tạo gần nhất."


def titled(properties: dict[str, dict[str, Any]]) -> None:
    """Give a parameter schema's top-level properties their Vietnamese titles."""
    for name, prop in properties.items():
        if name in TITLES:
            prop["title"] = TITLES[name]


def _field(value: Any, name: str) -> Any:
    """A field of a parameter: a model in-process, a dict when the run came through the API."""
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def run_name() -> str:
    """A run's name in the UI's lists: the campaign it is about (Prefect's default is random words).

    The campaign's code when the run names it, or the code in the campaign file it reads (else
    that file's folder); otherwise what the stage falls back to.
    """
    import tomllib

    from prefect.runtime import flow_run

    params = flow_run.parameters or {}
    if params.get("campaign"):
        return str(params["campaign"])
    for model in ("files", "plan"):
        file = _field(params.get(model), "campaign_file") if params.get(model) else None
        if file:
            try:
                with Path(str(file)).open("rb") as fh:
                    return str(tomllib.load(fh)["code"])
            except (OSError, ValueError, KeyError):  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
                return Path(str(file)).parent.name or Path(str(file)).stem
    return "tất cả kế hoạch" if "reminders" in params else "kế hoạch gần nhất"
