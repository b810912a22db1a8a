"""The statistics' charts, defined once: the report workbook draws them as native Excel charts over
its cells, and :func:`png` draws the same ones as images (the rank run's artifacts, the README).

matplotlib is imported only inside :func:`png` (Agg backend, no display): other commands never pay for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from ocop import present
from ocop.services.results.statistics import Statistics

TOP_COMMUNES = 20  # communes a chart shows: the first rows of the sheet, which lists the most registrations first

# The sheets of the report (ocop.services.results.statistics_workbook) and the headers of their columns
PERIODS, COMMUNES, SETS, STARS, CAMPAIGNS = ("Theo năm, đợt", "Theo xã", "Theo bộ sản phẩm", "Theo hạng sao",
                                             "Theo kế hoạch")
REGISTERED, EVALUATED, MEAN = "Đăng ký", "Đã đánh giá", "Điểm TB"
RECOGNISED, REFERRED = present.OUTCOME["recognised"], present.OUTCOME["referred"]
PERIOD, COMMUNE, SET, STAR, PRODUCTS = "Năm - đợt", "Xã", "Bộ sản phẩm", "Hạng sao", "Số sản phẩm"
STAR_COLUMNS = tuple(present.stars(n) for n in (5, 4, 3, 2, 1))


@dataclass(frozen=True, slots=True)
class Series:
    header: str  # the column of the chart's sheet that holds it
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    key: str  # a file or artifact name: "hang-sao"
    title: str
    kind: str  # "pie", "bar" (clustered columns), "barh" (clustered bars), "stacked"
    sheet: str
    category_header: str
    categories: tuple[str, ...]  # the first len(categories) rows of the sheet's table
    series: tuple[Series, ...]


def charts(stats: Statistics, periods: bool = True) -> tuple[Chart, ...]:
    """The charts of ``stats``: by year and round (when ``periods``), stars, commune, product set."""
    out = []
    if periods and stats.periods:
        labels = tuple(p.label for p in stats.periods)
        out.append(Chart("nam-dot", "Sản phẩm theo năm, đợt", "bar", PERIODS, PERIOD, labels, (
            Series(REGISTERED, tuple(p.tally.registered for p in stats.periods)),
            Series(EVALUATED, tuple(p.tally.evaluated for p in stats.periods)),
            Series(RECOGNISED, tuple(p.tally.recognised for p in stats.periods)),
            Series(REFERRED, tuple(p.tally.referred for p in stats.periods)))))
        out.append(Chart("sao-nam-dot", "Hạng sao theo năm, đợt", "stacked", PERIODS, PERIOD, labels, tuple(
            Series(present.stars(n), tuple(p.tally.star(n) for p in stats.periods)) for n in (1, 2, 3, 4, 5))))
    if stats.total.evaluated:
        out.append(Chart("hang-sao", "Sản phẩm theo hạng sao", "pie", STARS, STAR,
                         tuple(present.stars(s.stars) for s in stats.stars),
                         (Series(PRODUCTS, tuple(s.products for s in stats.stars)),)))
    if stats.communes:
        shown = stats.communes[:TOP_COMMUNES]
        more = f" ({len(shown)} xã nhiều sản phẩm nhất)" if len(stats.communes) > len(shown) else ""
        out.append(Chart("xa", f"Sản phẩm theo xã{more}", "barh", COMMUNES, COMMUNE, tuple(c.commune for c in shown), (
            Series(REGISTERED, tuple(c.tally.registered for c in shown)),
            Series(EVALUATED, tuple(c.tally.evaluated for c in shown)))))
    if stats.sets:
        out.append(Chart("bo-san-pham", "Sản phẩm theo bộ sản phẩm", "barh", SETS, SET,
                         tuple(s.decreed_label for s in stats.sets), (
            Series(REGISTERED, tuple(s.tally.registered for s in stats.sets)),
            Series(EVALUATED, tuple(s.tally.evaluated for s in stats.sets)))))
    return tuple(out)


# Excel's default palette, so that the images look like the workbook's charts
COLOURS = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47")
STAR_COLOURS = {present.stars(n): c for n, c in zip((1, 2, 3, 4, 5), ("#C9C9C9", "#9DC3E6", "#70AD47", "#ED7D31",
                                                                       "#C00000"), strict=True)}
DPI = 80


def png(chart: Chart) -> bytes:
    """The chart as a PNG image (about 20–60 KB), drawn the way the workbook draws it."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a server, a worker, a test
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = len(chart.categories)
    tall = chart.kind == "barh"
    fig = Figure(figsize=(8, max(3.5, 0.17 * rows * len(chart.series) + 1.2) if tall else 4.2),
                 dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(chart.title, fontsize=12, fontweight="bold")
    if chart.kind == "pie":
        values = chart.series[0].values
        shown = [(label, value) for label, value in zip(chart.categories, values, strict=True) if value]
        ax.pie([v for _, v in shown], labels=[f"{label}: {int(v)}" for label, v in shown],
               colors=[STAR_COLOURS.get(label, COLOURS[0]) for label, _ in shown], startangle=90, counterclock=False,
               autopct=lambda share: present.number(share, 1) + "%", wedgeprops={"linewidth": 1, "edgecolor": "white"})
        ax.set_aspect("equal")
    else:
        positions = list(range(rows))
        width = 0.8 / (1 if chart.kind == "stacked" else len(chart.series))
        bottom = [0.0] * rows
        for i, series in enumerate(chart.series):
            colour = STAR_COLOURS.get(series.header, COLOURS[i % len(COLOURS)])
            if chart.kind == "stacked":
                ax.bar(positions, series.values, width, bottom=bottom, label=series.header, color=colour)
                bottom = [b + v for b, v in zip(bottom, series.values, strict=True)]
                continue
            offset = [p - 0.4 + width * (i + 0.5) for p in positions]
            draw = ax.barh if chart.kind == "barh" else ax.bar
            draw(offset, series.values, width, label=series.header, color=colour)
        if chart.kind == "barh":
            ax.set_yticks(positions, [_short(c) for c in chart.categories], fontsize=9)
            ax.invert_yaxis()  # the sheet's first row on top
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(axis="x", alpha=0.3)
        else:
            ax.set_xticks(positions, list(chart.categories), fontsize=9)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(axis="y", alpha=0.3)
        slim = 0.5 / rows if rows < 4 else 0.02  # a few bars stay slim
        if chart.kind == "barh":
            ax.margins(y=slim)
        else:
            ax.margins(x=slim)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the plot
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _short(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
