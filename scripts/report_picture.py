"""The README's picture of `ocop report`'s charts: the same charts the workbook draws, as the rank
run's artifacts draw them (ocop.services.results.charts.png), side by side in one PNG.

    .venv/bin/python scripts/report_picture.py sqlite:///out/ocop.db docs/bao-cao-thong-ke.png
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

from ocop.persistence.db import unit_of_work
from ocop.services.results import charts
from ocop.services.results.statistics import statistics


def main(url: str, out: Path) -> None:
    with unit_of_work(url) as s:
        stats = statistics(s)
        s.rollback()
    images = [Image.open(io.BytesIO(charts.png(c))) for c in charts.charts(stats)]
    columns = 2
    width = max(i.width for i in images)
    rows = [images[i:i + columns] for i in range(0, len(images), columns)]
    heights = [max(i.height for i in row) for row in rows]
    sheet = Image.new("RGB", (width * columns, sum(heights)), "white")
    y = 0
    for row, height in zip(rows, heights, strict=True):
        for x, image in enumerate(row):
            sheet.paste(image, (x * width, y))
        y += height
    sheet.save(out, optimize=True)
    print(f"{out}: {len(images)} charts, {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
