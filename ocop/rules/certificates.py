"""How long a Giấy chứng nhận sản phẩm OCOP is valid, and when it comes back for re-evaluation.

Pure (standard library only); the one place these dates are computed.

* **Validity.** The recognising decision grants the certificate "giá trị 36 tháng kể từ ngày ký
  Quyết định" (domain.md §2: 36 months from the date the competent body issues it; the months are
  the edition's ``certificate_months``). Domain.md does not say on which day that ends, so the
  count is the Civil Code's (Bộ luật Dân sự 2015, which applies to periods unless a law says
  otherwise, art. 145): the day of the signing is not counted (art. 147(2)) and a period in months
  ends at the end of the corresponding day of its last month, or of that month's last day where it
  has no such day (art. 148(3)). A certificate signed on 30/10/2024 is valid through 30/10/2027
  ("đến hết ngày 30/10/2027") and has expired from 31/10/2027; one signed on 29/02/2024, through
  28/02/2027. This is also the date the decision prints ("có giá trị 36 tháng … (đến ngày …)").
  Art. 148(5) (a period ending on a day off runs to the next working day) is about time limits to
  act, not about a status, and is not applied.
* **Re-evaluation.** Certificates expiring within the coming year (``RENEWAL_MONTHS``) are listed
  for re-evaluation (issue 14): by ``ocop remind`` from its day, pre-filled in a campaign's
  registration workbook from the campaign's evaluation deadline, and accepted as "Đánh giá lại" by
  the dossier check. Under 148 the issuing body notifies the producer at least 30 days before the
  36 months end, and the producer may then ask for re-evaluation (doanhnghiepvadoisong.com.vn,
  "Thủ tục gia hạn chứng nhận sản phẩm OCOP khi hết hạn", citing 148/QĐ-TTg).
"""

from __future__ import annotations

import calendar as _months
from datetime import date, timedelta

RENEWAL_MONTHS = 12  # "certificates expiring within the coming year are listed for re-evaluation"


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative); the month's last day where that month is shorter."""
    year, month = divmod(d.month - 1 + months, 12)
    year, month = d.year + year, month + 1
    return date(year, month, min(d.day, _months.monthrange(year, month)[1]))


def valid_until(issued_on: date, months: int) -> date:
    """The last day a certificate signed on ``issued_on`` is valid, ``months`` being the edition's
    ``certificate_months`` (Bộ luật Dân sự 2015 art. 147–148, see the module's docstring)."""
    return add_months(issued_on, months)


def expired_from(issued_on: date, months: int) -> date:
    """The first day the certificate is no longer valid: the day after :func:`valid_until`."""
    return valid_until(issued_on, months) + timedelta(days=1)


def renewal_horizon(on: date, months: int = RENEWAL_MONTHS) -> date:
    """The last validity end listed for re-evaluation from ``on``: certificates valid until this day
    or earlier (``months`` after ``on``) are due for re-evaluation."""
    return add_months(on, months)


def due_for_renewal(until: date, on: date, months: int = RENEWAL_MONTHS) -> bool:
    """A certificate valid until ``until`` is due for re-evaluation from ``on`` (expired included)."""
    return until <= renewal_horizon(on, months)


def latest_issue_due(on: date, months: int, certificate_months: int) -> date:
    """A bound for a database query: no certificate signed after this day is due from ``on``
    (a few days of margin for months of different lengths; the exact test is :func:`due_for_renewal`)."""
    return add_months(renewal_horizon(on, months), -certificate_months) + timedelta(days=3)
