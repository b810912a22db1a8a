"""The national benchmark (scripts/bench_national.py) runs the whole campaign it reports on.

`make bench` and CI run it at 300 products and print the figures; here a small size checks that what it times is
the real thing: every stage ran on every product, nothing was skipped or left half-done.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from sqlalchemy import func, select

from ocop.persistence.db import engine_for, unit_of_work
from ocop.persistence.models import Document, Registration, Result, ScoreSheet
from ocop.services.campaigns import get_campaign

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_national.py"


def test_bench_national_runs_every_stage_on_every_product(tmp_path: Path, capsys) -> None:
    spec = importlib.util.spec_from_file_location("bench_national", SCRIPT)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)

    assert bench.main(["--products", "40", "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    line = re.search(r"^national: products=40 seconds=([\d.]+) peak_mb=(\d+) documents=(\d+)$", out, re.M)
    assert line is not None, out
    for stage in ("set_up", "collect", "pre_assess", "verify", "schedule", "score", "rank", "recognise", "refer"):
        assert re.search(rf"^  {stage} +[\d.]+ s +\d+ docs +\d+ MB$", out, re.M), stage

    url = f"sqlite:///{tmp_path / 'ocop.db'}"
    with unit_of_work(url) as s:
        registered = s.scalar(select(func.count()).select_from(Registration))
        eligible = s.scalar(select(func.count()).where(Registration.status == "eligible"))
        ranked = s.scalar(select(func.count()).select_from(Result))
        sheets = s.scalar(select(func.count()).select_from(ScoreSheet))
        blank, filled = (s.scalar(select(func.count()).where(Document.kind == "phieu_danh_gia",
                                                             Document.subject.like(p), Document.status == "issued"))
                         for p in ("trang/%", "QG-%"))
        certificates = s.scalar(select(func.count()).where(Document.kind == "giay_chung_nhan"))
        recognised = s.scalar(select(func.count()).where(Result.outcome == "recognised"))
        documents = s.scalar(select(func.count()).select_from(Document))
        limit = get_campaign(s, bench.CODE).rules.max_spread
        widths = s.execute(select(ScoreSheet.product_id, func.max(ScoreSheet.total) - func.min(ScoreSheet.total))
                           .group_by(ScoreSheet.product_id)).all()
    engine_for(url).dispose()
    assert registered == 40 and 0 < eligible < 40      # the communes propose all but a few
    assert sheets == 7 * eligible
    assert ranked == sum(width <= limit for _, width in widths) > 0   # the rest wait for members to re-score
    assert blank == filled == 7 * eligible
    assert recognised > 0 and certificates == recognised
    assert int(line.group(3)) == documents
