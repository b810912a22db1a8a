"""The count of products at or above the referral threshold, with the reason for each one not referred.

The minutes and the Tờ trình say the same facts in the same words: how many products reached the level's
threshold, how many are referred, and why any that reached it is not (a mandatory 148 criterion capped
its star below the threshold's). A product the spread rule holds back has no mean yet: the minutes list it
apart, as not yet considered.
"""

from __future__ import annotations

from ocop import present
from ocop.rules.editions import Level
from ocop.rules.outcome import REFERRED, reaches_threshold
from ocop.services.results.ranking import Ranked, RankSummary


def not_referred_reason(r: Ranked) -> str:
    """'sản phẩm Mật ong (86,29 điểm) không đủ điều kiện đề nghị do bị hạ từ 4 sao xuống 3 sao: tiêu chí …'."""
    detail = r.cap_reason.partition(": ")[2].rstrip(".")
    cap = f"do bị hạ từ {present.stars(r.star_by_score)} xuống {present.stars(r.stars)}"
    return (f"sản phẩm {r.name} ({present.mean(r.mean)} điểm) không đủ điều kiện đề nghị {cap}"
            + (f" vì {detail}" if detail else ""))


def threshold_account(level: Level, summary: RankSummary) -> list[str]:
    """The sentences counting the products at or above ``level``'s referral threshold; none at a level that
    does not refer."""
    if level.refers_at is None:
        return []
    reached = [r for r in summary.results if reaches_threshold(level, r.mean)]
    referred = [r for r in reached if r.outcome == REFERRED]
    at = f"từ {present.points(level.refers_at)} điểm trở lên"
    to = f"được đề nghị chuyển hồ sơ đến {level.refers_to} để đánh giá, phân hạng"
    if not reached:
        said = [f"Không có sản phẩm nào đạt {at}."]
    elif len(referred) == len(reached):
        said = [f"Có {len(reached)} sản phẩm đạt {at}, {to}."]
    else:  # "Có …": an administrative sentence never begins with a digit
        said = [f"Có {len(reached)} sản phẩm đạt {at}; {len(referred)} sản phẩm {to}; "
                + "; ".join(not_referred_reason(r) for r in reached if r.outcome != REFERRED) + "."]
    return said
