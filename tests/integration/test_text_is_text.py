"""Text is text: a product and a producer whose names look like template tags or XML — ``{{ }}``,
``{% %}``, ``{# #}``, ``<w:p>``, ``]]>``, ``&`` — and names as long as the limits allow go through
every stage of the sample campaign and are printed as they are in every document and workbook
that names them; nothing takes them for a tag left in a template."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from ocop.services import stages
from tests.conftest import SAMPLE, docx_text

CODE = "luc-nam-2020"
NAME = "Na dai {{ Huyền Sơn }} {% raw %} <w:p> ]]>"
PRODUCER = "Hợp tác xã {# Na #} & <b>"
LONG_NAME = ("Vải thiều sớm Bình Sơn " * 10)[:199] + "!"  # 200 characters, the limit
LONG_PRODUCER = ("Công ty TNHH Nông sản Bình Sơn " * 8)[:199] + "."


def test_names_that_look_like_tags_or_reach_the_limit_are_printed_as_they_are_everywhere(settings,
                                                                                         tmp_path: Path) -> None:
    rows = list(csv.reader((SAMPLE / "registrations.csv").open(encoding="utf-8")))
    assert rows[1][0] == "LN-01" and rows[2][0] == "LN-02"
    rows[1][1], rows[1][3] = NAME, PRODUCER
    rows[2][1], rows[2][3] = LONG_NAME, LONG_PRODUCER
    path = tmp_path / "dang-ky.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert (len(LONG_NAME), len(LONG_PRODUCER)) == (200, 200)

    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, CODE, path)
    lists = stages.verify(settings, CODE).lists
    stages.schedule(settings, CODE)
    [workbook] = stages.scores_templates(settings, CODE, tmp_path / "phieu", "Trần Thị Hoa")
    stages.score(settings, CODE, SAMPLE / "scores.csv")
    ranked = stages.rank(settings, CODE)
    stages.refer(settings, CODE)

    assert {(r.product, r.producer) for r in ranked.ranking} >= {(NAME, PRODUCER), (LONG_NAME, LONG_PRODUCER)}
    documents = sorted(settings.out_dir.rglob("*.docx"))
    texts = {p: docx_text(p) for p in documents}
    assert not [p for p, t in texts.items() if "\ufdd0" in t or "\ufdd1" in t]
    naming = {p.relative_to(settings.out_dir).parts[1] for p, t in texts.items() if f"{NAME}" in t}
    # the dossier-check notice, the blank score sheets, the summary table, the minutes, the result
    # notice and the Tờ trình: every kind of document that names the product
    assert naming == {"02-kiem-tra-ho-so", "02-hop-hoi-dong", "04-ket-qua", "05-de-nghi-cap-tren"}
    for p, t in texts.items():
        if NAME in t:
            assert PRODUCER in t, p
    summary = next(t for p, t in texts.items() if p.name == "bang_tong_hop.docx")
    referral = next(t for p, t in texts.items() if "to_trinh" in p.name)
    for text in (summary, referral):
        assert NAME in text and PRODUCER in text and LONG_NAME in text and LONG_PRODUCER in text
    eligible = [[c.value for c in row] for row in load_workbook(lists)["Đủ điều kiện"].iter_rows(min_row=2)]
    assert [NAME, "1", PRODUCER] in [row[2:5] for row in eligible]
    member = load_workbook(workbook)["LN-01"]
    assert member["B4"].value == f"{NAME} — {PRODUCER}"
