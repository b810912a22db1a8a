"""The dossier rules (ocop.rules.dossier) and each edition's [dossier] data."""

from __future__ import annotations

from datetime import date

import pytest

from ocop.rules.certificates import (
    add_months,
    due_for_renewal,
    expired_from,
    latest_issue_due,
    renewal_horizon,
    valid_until,
)
from ocop.rules.dossier import (
    ELIGIBLE,
    INELIGIBLE,
    ITEMS,
    REEVALUATION,
    SUPPLEMENT,
    UPGRADE,
    Facts,
    Inspection,
    Policy,
    decide,
    dossier_rules,
    supplement_due,
)
from ocop.text import ascii_key

POLICY = Policy(verification_deadline=date(2024, 7, 5), evaluation_deadline=date(2024, 10, 30))
R148 = dossier_rules("148/2023")
FULL = dict.fromkeys(R148.items, True)


def facts(**kw) -> Facts:
    return Facts(**({"set_code": "7", "producer_kind": "HTX", "commune_confirmed": True, "dossier": FULL} | kw))


def test_item_keys_are_the_ascii_keys_of_their_columns() -> None:
    assert all(ascii_key(header) == key for key, header in ITEMS.items())


@pytest.mark.parametrize("edition", ["1048/2019", "148/2023", "148/2023+1489/2025"])
def test_every_edition_has_dossier_rules(edition: str) -> None:
    rules = dossier_rules(edition)
    assert {"phieu_dang_ky", "giay_dang_ky_kinh_doanh", "mau_san_pham"} <= set(rules.required)
    assert rules.blocking == ("giay_dang_ky_kinh_doanh",) and rules.certificate_months == 36
    assert set(rules.legal_status) == {"DN", "HTX", "THT", "HKD"}


def test_148_food_drink_and_services() -> None:
    assert R148.is_food_or_drink("17") and not R148.is_food_or_drink("18")
    assert "giay_chung_nhan_attp" in R148.needed("14") and "giay_chung_nhan_attp" not in R148.needed("21")
    assert "mau_san_pham" not in R148.needed("26a") and "mau_san_pham" in R148.needed("25")
    assert "gioi_thieu_bo_may" in dossier_rules("1048/2019").needed("1")


def test_a_complete_dossier_is_eligible_and_an_undeclared_one_is_not_judged() -> None:
    assert decide(facts(), R148, POLICY) == (decision := decide(facts(dossier={}), R148, POLICY))
    assert decision.status == ELIGIBLE and decision.reason == ""


def test_missing_items_need_a_supplement_and_missing_legal_status_is_ineligible() -> None:
    d = decide(facts(dossier=FULL | {"mau_san_pham": False, "giay_chung_nhan_attp": False}), R148, POLICY)
    assert (d.status, d.missing) == (SUPPLEMENT, ("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                                                  "05 mẫu sản phẩm"))
    # an item the file does not declare while it declares others counts as missing
    d = decide(facts(dossier={k: True for k in FULL if k != "bao_cao_tu_danh_gia"}), R148, POLICY)
    assert d.missing == ("Báo cáo tự đánh giá sản phẩm theo Bộ tiêu chí",)
    d = decide(facts(producer_kind="DN", dossier=FULL | {"giay_dang_ky_kinh_doanh": False, "mau_san_pham": False}),
               R148, POLICY)
    assert (d.status, d.reason) == (INELIGIBLE, "Chủ thể chưa có Giấy chứng nhận đăng ký doanh nghiệp "
                                                "(tư cách pháp lý của doanh nghiệp).")


def test_commune_confirmation_only_where_the_campaign_requires_it() -> None:
    assert decide(facts(commune_confirmed=False), R148, POLICY).status == INELIGIBLE
    lenient = Policy(POLICY.verification_deadline, POLICY.evaluation_deadline, require_commune_confirmation=False)
    assert decide(facts(commune_confirmed=False), R148, lenient).status == ELIGIBLE


def test_services_send_no_samples_but_are_inspected_on_site() -> None:
    service = FULL | {"mau_san_pham": False, "giay_chung_nhan_attp": False}
    assert decide(facts(set_code="26a", dossier=service), R148, POLICY).missing == (
        "Kiểm tra thực tế tại cơ sở (sản phẩm dịch vụ không nộp mẫu)",)
    ok = Inspection(date(2024, 6, 1), True, "Đạt")
    assert decide(facts(set_code="26a", dossier=service, inspection=ok), R148, POLICY).status == ELIGIBLE
    bad = Inspection(date(2024, 6, 1), False, "Nhà xưởng không đạt")
    d = decide(facts(inspection=bad), R148, POLICY)
    assert (d.status, d.reason) == (INELIGIBLE, "Kiểm tra thực tế ngày 01/06/2024 không đạt: Nhà xưởng không đạt")


@pytest.mark.parametrize(("issued", "last"), [
    (date(2021, 3, 1), date(2024, 3, 1)), (date(2021, 2, 28), date(2024, 2, 28)),
    (date(2020, 2, 29), date(2023, 2, 28)), (date(2021, 12, 31), date(2024, 12, 31)),
    (date(2021, 8, 31), date(2024, 8, 31)), (date(2024, 10, 30), date(2027, 10, 30))])
def test_certificates_are_valid_36_months_through_the_corresponding_day(issued: date, last: date) -> None:
    # Bộ luật Dân sự 2015 art. 147-148: the signing day is not counted; the period ends at the end of the
    # corresponding day of its last month (its last day where it has none): valid through that day
    assert valid_until(issued, 36) == last
    assert expired_from(issued, 36) == date.fromordinal(last.toordinal() + 1)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29) == add_months(date(2024, 3, 31), -1)


def test_certificates_expiring_within_a_year_are_due_for_renewal() -> None:
    on = date(2026, 11, 2)
    assert renewal_horizon(on) == date(2027, 11, 2)
    assert due_for_renewal(date(2027, 11, 2), on) and not due_for_renewal(date(2027, 11, 3), on)
    assert due_for_renewal(date(2020, 1, 1), on)  # expired long ago: still due
    assert due_for_renewal(date(2027, 1, 31), on, months=3) is True and not due_for_renewal(date(2027, 3, 1), on, 3)
    # the query's bound keeps every certificate whose validity ends by the horizon, month ends included
    for horizon_day in (date(2027, 2, 28), date(2028, 2, 29), date(2027, 4, 30), date(2027, 3, 31)):
        bound = latest_issue_due(horizon_day, 0, 36)
        around = add_months(horizon_day, -36).toordinal()
        issued = [date.fromordinal(around + n) for n in range(-40, 40)]
        due = [d for d in issued if valid_until(d, 36) <= horizon_day]
        assert due and all(d <= bound for d in due) and max(due) >= add_months(horizon_day, -36)


def test_upgrade_of_a_valid_certificate_and_re_evaluation_of_an_expired_one() -> None:
    cert = {"certificate_number": "12/GCN", "certificate_stars": 3, "registered_on": date(2024, 6, 1)}
    assert decide(facts(kind=UPGRADE, certificate_date=date(2022, 1, 10), **cert), R148, POLICY).status == ELIGIBLE
    # valid through 31/05/2024, the day before the registration: expired
    expired = decide(facts(kind=UPGRADE, certificate_date=date(2021, 5, 31), **cert), R148, POLICY)
    assert expired.missing == ("Phiếu đăng ký ghi hình thức 'Đánh giá lại': Giấy chứng nhận số 12/GCN ngày "
                               "31/05/2021 đã hết hiệu lực từ ngày 01/06/2024",)
    # valid through 01/06/2024, the registration's day: still an upgrade
    assert decide(facts(kind=UPGRADE, certificate_date=date(2021, 6, 1), **cert), R148, POLICY).status == ELIGIBLE
    assert decide(facts(kind=REEVALUATION, certificate_date=date(2021, 5, 31), **cert), R148, POLICY).status == ELIGIBLE
    # expiring within a year of the evaluation deadline (30/10/2024 -> 30/10/2025): re-evaluated in this campaign
    on_time = decide(facts(kind=REEVALUATION, certificate_date=date(2022, 10, 30), **cert), R148, POLICY)
    assert on_time.status == ELIGIBLE
    early = decide(facts(kind=REEVALUATION, certificate_date=date(2022, 10, 31), **cert), R148, POLICY)
    assert early.status == SUPPLEMENT and early.missing == (
        "Phiếu đăng ký ghi hình thức 'Nâng hạng' nếu đề nghị hạng sao cao hơn: Giấy chứng nhận số 12/GCN còn hiệu "
        "lực đến hết ngày 31/10/2025, sau 30/10/2025 (12 tháng sau hạn đánh giá)",)
    five = decide(facts(kind=UPGRADE, certificate_date=date(2023, 1, 1), **(cert | {"certificate_stars": 5})), R148,
                  POLICY)
    assert (five.status, five.reason) == (INELIGIBLE, "Sản phẩm đã đạt 5 sao, không thể nâng hạng.")


def test_late_registrations_are_flagged_not_silently_accepted() -> None:
    d = decide(facts(registered_on=date(2024, 7, 6)), R148, POLICY)
    assert (d.status, d.late, d.reason) == (ELIGIBLE, True, "Đăng ký ngày 06/07/2024, sau hạn kiểm tra hồ sơ "
                                                            "05/07/2024.")
    assert decide(facts(registered_on=date(2024, 7, 5)), R148, POLICY).late is False
    strict = Policy(POLICY.verification_deadline, POLICY.evaluation_deadline, late_registrations="reject")
    assert decide(facts(registered_on=date(2024, 7, 6)), R148, strict).status == INELIGIBLE


def test_supplements_are_due_in_working_days_after_the_notice() -> None:
    assert supplement_due(date(2020, 7, 3), 5) == date(2020, 7, 10)  # Friday + 5 working days
    assert supplement_due(date(2024, 2, 7), 5) == date(2024, 2, 21)  # across Tết 2024 (08–14/02)
