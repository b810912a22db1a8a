"""The registration dossier: what an edition asks for and how a registration is decided.

Pure (standard library only): the verify stage turns database rows into :class:`Facts`, the
campaign into a :class:`Policy`, and calls :func:`decide`. What each edition requires is data,
the ``[dossier]`` table of its file in ``data/editions/`` (domain.md §3.1):

* ``required``: mandatory items; one that the dossier lacks makes it *needs supplement*
  (1048: phiếu đăng ký, phương án kinh doanh, giới thiệu bộ máy, giấy đăng ký kinh doanh,
  05 mẫu sản phẩm; 148: the reduced forms plus the self-assessment report, domain.md §3.1).
* ``blocking``: among those, the ones without which the producer cannot take part at all
  (the legal status of its type, domain.md §3.1 "Giấy đăng ký kinh doanh"): *ineligible*.
* ``food_and_drink``: also required for the food and drink sets (``food_and_drink_sets``),
  the food-safety certificate ("giấy đủ điều kiện sản xuất / ATTP", domain.md §3.1).
* ``supporting``: evidence the workbook asks for but that never decides a registration.
* samples are not asked of services (``service_sets``; domain.md §3.1 "except services"),
  which are checked on site instead (§3.4) when ``services_need_inspection`` is set.

A dossier the file does not declare at all (no dossier column, as in the 2020 sample form) is
left to the secretariat's paper check: only what is declared is judged.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from ocop import present
from ocop.errors import RulesError
from ocop.rules import calendar
from ocop.rules.campaign import CampaignRules
from ocop.rules.certificates import RENEWAL_MONTHS, due_for_renewal, expired_from, renewal_horizon, valid_until
from ocop.rules.editions import DATA_DIR, get_edition

ELIGIBLE, SUPPLEMENT, INELIGIBLE = "eligible", "needs_supplement", "ineligible"
FIRST, UPGRADE, REEVALUATION = "first", "upgrade", "reevaluation"
assert set(present.REGISTRATION_KIND) == {FIRST, UPGRADE, REEVALUATION}  # their names live in present

# Every dossier item a workbook can declare: key (the ASCII key of its column) -> column header,
# in workbook order; DESCRIPTIONS names them in the notice sent to the producer.
ITEMS: dict[str, str] = {
    "phieu_dang_ky": "Phiếu đăng ký",
    "bao_cao_tu_danh_gia": "Báo cáo tự đánh giá",
    "phuong_an_kinh_doanh": "Phương án kinh doanh",
    "gioi_thieu_bo_may": "Giới thiệu bộ máy",
    "giay_dang_ky_kinh_doanh": "Giấy đăng ký kinh doanh",
    "giay_chung_nhan_attp": "Giấy chứng nhận ATTP",
    "cong_bo_chat_luong": "Công bố chất lượng",
    "phieu_kiem_nghiem": "Phiếu kiểm nghiệm",
    "nhan_san_pham": "Nhãn sản phẩm",
    "cau_chuyen_san_pham": "Câu chuyện sản phẩm",
    "mau_san_pham": "Mẫu sản phẩm",
}
DESCRIPTIONS: dict[str, str] = {
    "phieu_dang_ky": "Phiếu đăng ký sản phẩm",
    "bao_cao_tu_danh_gia": "Báo cáo tự đánh giá sản phẩm theo Bộ tiêu chí",
    "phuong_an_kinh_doanh": "Phương án, kế hoạch kinh doanh",
    "gioi_thieu_bo_may": "Giới thiệu bộ máy tổ chức",
    "giay_dang_ky_kinh_doanh": "Giấy đăng ký kinh doanh",
    "giay_chung_nhan_attp": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    "cong_bo_chat_luong": "Bản công bố tiêu chuẩn, chất lượng sản phẩm",
    "phieu_kiem_nghiem": "Phiếu kết quả kiểm nghiệm sản phẩm",
    "nhan_san_pham": "Nhãn sản phẩm",
    "cau_chuyen_san_pham": "Câu chuyện sản phẩm",
    "mau_san_pham": "Mẫu sản phẩm",
}
SAMPLES = "mau_san_pham"
INSPECTION_ITEM = "Kiểm tra thực tế tại cơ sở (sản phẩm dịch vụ không nộp mẫu)"


@dataclass(frozen=True)
class DossierRules:
    """The ``[dossier]`` table of one edition."""

    edition: str
    required: tuple[str, ...]
    blocking: tuple[str, ...]
    food_and_drink: tuple[str, ...]
    supporting: tuple[str, ...]
    food_and_drink_sets: frozenset[str]
    service_sets: frozenset[str]
    services_need_inspection: bool
    samples: int
    legal_status: Mapping[str, str]
    certificate_months: int

    @property
    def items(self) -> tuple[str, ...]:
        """Every item the edition's workbook asks for, in workbook order."""
        wanted = {*self.required, *self.food_and_drink, *self.supporting}
        return tuple(k for k in ITEMS if k in wanted)

    def is_food_or_drink(self, set_code: str) -> bool:
        return set_code in self.food_and_drink_sets

    def is_service(self, set_code: str) -> bool:
        return set_code in self.service_sets

    def needed(self, set_code: str) -> tuple[str, ...]:
        """The items a registration of this set must have (samples except for services)."""
        keys = list(self.required) + (list(self.food_and_drink) if self.is_food_or_drink(set_code) else [])
        return tuple(k for k in ITEMS if k in keys and not (k == SAMPLES and self.is_service(set_code)))

    def label(self, item: str, producer_kind: str = "") -> str:
        """The item's Vietnamese name; the legal-status item is named for the producer's type."""
        if item == "giay_dang_ky_kinh_doanh" and producer_kind in self.legal_status:
            return self.legal_status[producer_kind]
        if item == SAMPLES and self.samples:
            return f"{present.count(self.samples)} {DESCRIPTIONS[item].lower()}"
        return DESCRIPTIONS[item]


@cache
def dossier_rules(edition_code: str) -> DossierRules:
    """The dossier rules of an edition, from the ``[dossier]`` table of its data file."""
    edition = get_edition(edition_code)
    path = DATA_DIR / edition.source
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))["dossier"]
        keys = [*raw["required"], *raw.get("blocking", []), *raw.get("food_and_drink", []),
                *raw.get("supporting", [])]
        unknown = sorted({k for k in keys if k not in ITEMS})
        if unknown:
            raise ValueError(f"mục hồ sơ không có trong danh mục: {', '.join(unknown)}")
        return DossierRules(
            edition=edition.code,
            required=tuple(raw["required"]),
            blocking=tuple(raw.get("blocking", [])),
            food_and_drink=tuple(raw.get("food_and_drink", [])),
            supporting=tuple(raw.get("supporting", [])),
            food_and_drink_sets=frozenset(str(s) for s in raw.get("food_and_drink_sets", [])),
            service_sets=frozenset(str(s) for s in raw.get("service_sets", [])),
            services_need_inspection=bool(raw.get("services_need_inspection", False)),
            samples=int(raw.get("samples", 0)),
            legal_status=dict(raw.get("legal_status", {})),
            certificate_months=edition.certificate_months,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"Tệp văn bản pháp lý {path.name}, mục [dossier] không hợp lệ: {exc}") from exc


def supplement_due(notice_on: date, working_days: int) -> date:
    """Due date of a supplement: ``working_days`` working days after the notice's date."""
    d = notice_on
    for _ in range(working_days):
        d = date.fromordinal(d.toordinal() + 1)
        while not calendar.is_working_day(d):
            d = date.fromordinal(d.toordinal() + 1)
    return d


@dataclass(frozen=True)
class Inspection:
    """The latest field inspection of a registration (founding plan IV.1: kiểm tra thực tế)."""

    on: date
    passed: bool
    findings: str


@dataclass(frozen=True)
class Facts:
    """What the verify stage knows of one registration."""

    set_code: str
    producer_kind: str
    commune_confirmed: bool
    dossier: Mapping[str, bool]  # declared items; empty: the file declared no dossier
    kind: str = FIRST
    certificate_number: str | None = None
    certificate_date: date | None = None
    certificate_stars: int | None = None
    registered_on: date | None = None
    inspection: Inspection | None = None
    # the commune's pre-assessment (1489): criterion -> met; empty where the edition has none
    pre_assessment: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """The campaign's side of the rules (campaign file: deadlines and ``[rules]``)."""

    verification_deadline: date
    evaluation_deadline: date
    # defaults: the campaign's [rules] (ocop.rules.campaign). Late registrations: "flag": decided
    # as usual and flagged; "reject": ineligible.
    require_commune_confirmation: bool = CampaignRules.require_commune_confirmation
    late_registrations: str = CampaignRules.late_registrations


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str
    missing: tuple[str, ...] = ()
    late: bool = False


def _certificate(facts: Facts, rules: DossierRules, policy: Policy) -> tuple[list[str], list[str]]:
    """(ineligible reasons, items to supplement) for an upgrade or a re-evaluation.

    An upgrade ("Nâng hạng") needs a certificate still valid on the registration date; a
    re-evaluation ("Đánh giá lại") is for a certificate that has expired, or expires within
    ``RENEWAL_MONTHS`` of the campaign's evaluation deadline (ocop.rules.certificates: the one rule
    for validity and re-evaluation).
    """
    if facts.kind == FIRST:
        return [], []
    reasons: list[str] = []
    missing: list[str] = []
    if not facts.certificate_number or facts.certificate_date is None:
        missing.append("Số và ngày cấp Giấy chứng nhận sản phẩm OCOP đã được cấp")
    if facts.kind == UPGRADE and facts.certificate_stars is None:
        missing.append("Hạng sao đã được công nhận trong Giấy chứng nhận sản phẩm OCOP")
    if upgrade_impossible(facts.kind, facts.certificate_stars):
        reasons.append("Sản phẩm đã đạt 5 sao, không thể nâng hạng.")
    if facts.certificate_date is None or reasons:
        return reasons, missing
    until = valid_until(facts.certificate_date, rules.certificate_months)
    on = facts.registered_on or policy.verification_deadline
    number = facts.certificate_number or ""
    if facts.kind == UPGRADE and on > until:
        missing.append(f"Phiếu đăng ký ghi hình thức 'Đánh giá lại': Giấy chứng nhận số {number} "
                       f"ngày {present.date_short(facts.certificate_date)} đã hết hiệu lực từ ngày "
                       f"{present.date_short(expired_from(facts.certificate_date, rules.certificate_months))}")
    elif facts.kind == REEVALUATION and not due_for_renewal(until, policy.evaluation_deadline):
        missing.append(f"Phiếu đăng ký ghi hình thức 'Nâng hạng' nếu đề nghị hạng sao cao hơn: Giấy chứng "
                       f"nhận số {number} còn hiệu lực đến hết ngày {present.date_short(until)}, sau "
                       f"{present.date_short(renewal_horizon(policy.evaluation_deadline))} ({RENEWAL_MONTHS} "
                       "tháng sau hạn đánh giá)")
    return reasons, missing


def upgrade_impossible(kind: str, certificate_stars: int | None) -> bool:
    """An upgrade of a 5★ product: there is no higher star to seek (ineligible, and registering again cannot help)."""
    return kind == UPGRADE and (certificate_stars or 0) >= 5


def decide(facts: Facts, rules: DossierRules, policy: Policy) -> Decision:
    """Eligible, needs supplement (with the items) or ineligible (with the reason).

    Ineligible: no commune confirmation where the campaign requires it (founding plan IV.5,
    local practice per domain.md §3.1); a missing blocking item (legal status of the producer's
    type); a failed field inspection; an upgrade of a 5-star product; a late registration when
    the campaign's ``late_registrations`` is "reject". Needs supplement: missing required items
    (samples except services; the food-safety certificate for food and drink sets), missing or
    inconsistent earlier-certificate data, a service not yet inspected on site. A registration
    dated after the verification deadline is flagged ``late`` with a note in the reason.
    """
    reasons: list[str] = []
    missing: list[str] = []
    unmet = [criterion for criterion, met in facts.pre_assessment.items() if not met]
    if unmet:
        reasons.append(f"UBND xã đánh giá sơ bộ không đạt tiêu chí {present.join_and(unmet)}, không đề nghị "
                       "đánh giá, phân hạng.")
    elif policy.require_commune_confirmation and not facts.commune_confirmed:
        reasons.append("Phiếu đăng ký chưa có xác nhận của UBND xã.")
    if facts.dossier:
        for item in rules.needed(facts.set_code):
            if facts.dossier.get(item):
                continue
            if item in rules.blocking:
                reasons.append(f"Chủ thể chưa có {rules.label(item, facts.producer_kind)} (tư cách pháp lý "
                               f"của {present.PRODUCER_KIND.get(facts.producer_kind, facts.producer_kind)}).")
            else:
                missing.append(rules.label(item, facts.producer_kind))
    if facts.inspection is not None and not facts.inspection.passed:
        reasons.append(f"Kiểm tra thực tế ngày {present.date_short(facts.inspection.on)} không đạt: "
                       f"{facts.inspection.findings}")
    elif facts.inspection is None and rules.services_need_inspection and rules.is_service(facts.set_code):
        missing.append(INSPECTION_ITEM)
    cert_reasons, cert_missing = _certificate(facts, rules, policy)
    reasons += cert_reasons
    missing += cert_missing
    late = facts.registered_on is not None and facts.registered_on > policy.verification_deadline
    note = (f"Đăng ký ngày {present.date_short(facts.registered_on)}, sau hạn kiểm tra hồ sơ "
            f"{present.date_short(policy.verification_deadline)}.") if late and facts.registered_on is not None else ""
    if late and policy.late_registrations == "reject":
        reasons.append(note)
        note = ""
    if reasons:
        return Decision(INELIGIBLE, " ".join(reasons + ([note] if note else [])), (), late)
    if missing:
        text = "Hồ sơ cần bổ sung: " + "; ".join(missing) + "."
        return Decision(SUPPLEMENT, " ".join([text] + ([note] if note else [])), tuple(missing), late)
    return Decision(ELIGIBLE, note, (), late)
