"""PNG pages of every kind of document, for docs/documents/ (`make docs`).

    .venv/bin/python scripts/render_docs.py [--out DIR] [--docs DIR] [--dpi 50]

Runs the sample campaign (`ocop demo`, PDFs on: Lục Nam 2020 under 1048/2019) and a 148/2023
campaign (the sample moved to 2024, three products of set 7: one referred, one capped by a mandatory
criterion and recognised by the district, one scoring the second-best option everywhere), picks one
document of each kind from their registers, makes the PDFs the stages do not make (score sheets),
and writes each PDF's pages as PNG (``pdftoppm -r DPI``) to ``DOCS/<kind>[-variant]-<page>.png``,
with ``DOCS/README.md`` listing them. Both campaigns' folders stay under ``--out`` for
``ocop documents check``. Needs LibreOffice (soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from ocop import present
from ocop.documents import pdf
from ocop.documents.decree30 import number_symbol
from ocop.persistence.db import migrate, unit_of_work
from ocop.persistence.models import Document, Product, Result
from ocop.settings import Settings
from tests import campaign_148

SAMPLE = ROOT / "ocop" / "sample" / "luc-nam-2020"
DEMO, DEMO_CODE = "demo", "luc-nam-2020"
C148, C148_CODE = "148", campaign_148.CODE
CAMPAIGN_NAMES = {DEMO: "the demo (Lục Nam 2020, 1048/2019)", C148: "the 148/2023 campaign (Lục Nam 2024)"}


@dataclass(frozen=True)
class Pick:
    """One document to show: which campaign, which register entry, and what it shows."""

    name: str            # file stem in docs/documents: <kind>[-variant]
    campaign: str        # DEMO or C148
    kind: str            # template name in the register
    shows: str           # what a reader sees on its pages (English)
    folder: str = ""     # register folder (blank vs filled score sheets)
    product: str = ""    # product code the document is about
    stars: int = 0       # or: the first notice of a product with these stars
    outcome: str = ""    # ... and this outcome


PICKS = [
    Pick("ke_hoach", DEMO, "ke_hoach", "the plan regenerated from data: every section of the founding plan, "
         "in order, citing the council and Quy chế decisions by number and date"),
    Pick("qd_thanh_lap_hoi_dong", DEMO, "qd_thanh_lap_hoi_dong", "the chair's decision setting up the council "
         "and its secretariat, the members in a table; bases from the Law on Local Government in force"),
    Pick("qd_ban_hanh_quy_che", DEMO, "qd_ban_hanh_quy_che", "the council's decision issuing its Quy chế "
         "(tasks of the chair, vice-chair, members and secretariat, quorum as a fraction, spread rule)"),
    Pick("thong_bao_kiem_tra_ho_so", DEMO, "thong_bao_kiem_tra_ho_so", "the dossier-check notice to one "
         "producer, acting on the Kế hoạch"),
    Pick("giay_moi_hop_hoi_dong", DEMO, "giay_moi_hop_hoi_dong", "the invitation to the council meeting: "
         "date, time, venue, agenda"),
    Pick("phieu_danh_gia-blank", C148, "phieu_danh_gia", "a blank score sheet of set 7 under 148/2023, "
         "every option a star requires marked \"(*) bắt buộc từ N★\", with the legend", folder="phieu-trang"),
    Pick("phieu_danh_gia-filled", DEMO, "phieu_danh_gia", "a member's filled score sheet (1048/2019), the "
         "options ticked and the totals per part", folder="03-phieu-danh-gia"),
    Pick("bang_tong_hop", DEMO, "bang_tong_hop", "the summary table (landscape): one column per member, "
         "mean, stars, outcome, the notes numbered under the table"),
    Pick("bien_ban_hop_hoi_dong", DEMO, "bien_ban_hop_hoi_dong", "the minutes in Decree 30's form: start and "
         "end time, attendance, dossiers, results, the count at or above the threshold, signatures"),
    Pick("thong_bao_ket_qua-4sao", DEMO, "thong_bao_ket_qua", "a result notice of a 4★ product the district "
         "proposes to the province", stars=4, outcome="referred"),
    Pick("thong_bao_ket_qua-2sao", DEMO, "thong_bao_ket_qua", "a result notice of a 2★ product, with the "
         "criteria that cost the most points", stars=2, outcome="none"),
    Pick("qd_cong_nhan", C148, "qd_cong_nhan", "the district's decision recognising the capped 3★ product "
         "(148/2023), the certificates' numbers in its table"),
    Pick("giay_chung_nhan", C148, "giay_chung_nhan", "the certificate of that product, numbered with the "
         "decision, valid 36 months"),
    Pick("to_trinh_de_nghi_tinh", DEMO, "to_trinh_de_nghi_tinh", "the referral to the province: the products "
         "at or above the threshold, the count and reasons, the attached minutes and summary table"),
]


def run_demo(out: Path) -> Path:
    """`ocop demo` as a user runs it, with PDFs required."""
    ocop = Path(sys.executable).parent / "ocop"
    env = {**os.environ, "OCOP_PDF": "on"}
    env.pop("OCOP_DATABASE_URL", None)
    subprocess.run([str(ocop), "demo", "--out", str(out)], check=True, env=env, stdout=subprocess.DEVNULL)
    return out / "ocop.db"


def run_148(out: Path) -> Path:
    """The sample's plan four years on under 148/2023, as the document checks build it (tests/campaign_148.py)."""
    out.mkdir(parents=True)
    db = out / "ocop.db"
    url = f"sqlite:///{db}"
    migrate(url)
    campaign_148.run_148(Settings.from_env({"OCOP_PDF": "on"}, out_dir=out, database_url=url), out)
    return db


def choose(db: Path, pick: Pick) -> tuple[Path, str]:
    """The DOCX of the first issued document that fits ``pick`` (register order), and its label (the database
    lies in the documents folder)."""
    with unit_of_work(f"sqlite:///{db}") as session:
        query = select(Document).where(Document.kind == pick.kind, Document.status == "issued").order_by(Document.id)
        for doc in session.scalars(query):
            if pick.folder and pick.folder not in doc.folder:
                continue
            if pick.stars:
                result = session.scalars(select(Result).join(Product).where(
                    Result.campaign_id == doc.campaign_id, Product.code == doc.subject)).one_or_none()
                if result is None or result.stars != pick.stars or result.outcome != pick.outcome:
                    continue
            symbol = number_symbol(doc.number, doc.type_code, doc.issuer_code) if doc.number else doc.symbol
            label = f"{symbol} of {present.date_short(doc.issued_on)}" if symbol else \
                f"of {present.date_short(doc.issued_on)}"
            about = f", product {doc.subject}" if pick.stars else (f", «{doc.title}»" if pick.folder else "")
            return db.parent / doc.file_path, f"{label}{about}"  # the register names files relative to out/
    raise SystemExit(f"{pick.name}: no issued {pick.kind} in {db}")


def pages(docx: Path, name: str, docs: Path, dpi: int, work: Path) -> list[str]:
    """PNG pages of ``docx`` (its PDF beside it when newer, else one made here) as DOCS/<name>-<n>.png."""
    beside = docx.with_suffix(".pdf")
    if beside.is_file() and beside.stat().st_mtime >= docx.stat().st_mtime:
        source = beside
    else:
        target = work / name
        target.mkdir()
        source = pdf.to_pdf([docx], target)[0]
    prefix = work / f"{name}-png" / "p"
    prefix.parent.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(prefix)], check=True)
    made = sorted(prefix.parent.glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    names = []
    for n, png in enumerate(made, start=1):
        names.append(f"{name}-{n}.png")
        shutil.move(png, docs / names[-1])
    return names


def write_index(docs: Path, rows: list[tuple[Pick, str, list[str]]]) -> None:
    lines = [
        "# The documents, page by page",
        "",
        "PNG pages (LibreOffice PDF, `pdftoppm -r 50`) of one document of each kind, rendered from the demo",
        "(`ocop demo`: Lục Nam 2020 under 1048/2019) and from a 148/2023 campaign (the sample moved to 2024,",
        "three products of set 7: one referred, one capped by a mandatory criterion and recognised by the",
        "district, one scoring the second-best option everywhere). Regenerate with `make docs`",
        "(`scripts/render_docs.py`); the campaigns' folders stay in `out/render-docs/` for",
        "`ocop documents check`.",
        "",
        "| document | from | pages | what it shows |",
        "|---|---|---|---|",
    ]
    for pick, label, names in rows:
        links = ", ".join(f"[{n.rsplit('-', 1)[1].removesuffix('.png')}]({n})" for n in names)
        lines.append(f"| `{pick.name}` | {CAMPAIGN_NAMES[pick.campaign]}: {label} | {links} | {pick.shows} |")
    (docs / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "render-docs", help="campaigns' folder")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "documents", help="PNG pages' folder")
    parser.add_argument("--dpi", type=int, default=50)
    args = parser.parse_args()
    if pdf.soffice() is None or shutil.which("pdftoppm") is None:
        raise SystemExit("render_docs needs LibreOffice (soffice) and poppler (pdftoppm): make system-deps")
    out: Path = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    print(f"demo -> {out / DEMO}", flush=True)
    dbs = {DEMO: run_demo(out / DEMO)}
    print(f"148/2023 -> {out / C148}", flush=True)
    dbs[C148] = run_148(out / C148)
    docs: Path = args.docs
    docs.mkdir(parents=True, exist_ok=True)
    for old in docs.glob("*.png"):
        old.unlink()
    rows = []
    with tempfile.TemporaryDirectory(prefix="render-docs-") as tmp:
        for pick in PICKS:
            docx, label = choose(dbs[pick.campaign], pick)
            names = pages(docx, pick.name, docs, args.dpi, Path(tmp))
            print(f"{pick.name}: {docx.relative_to(out)} -> {len(names)} page(s)", flush=True)
            rows.append((pick, label, names))
    write_index(docs, rows)
    total = sum(p.stat().st_size for p in docs.glob("*.png"))
    print(f"{sum(len(r[2]) for r in rows)} pages, {total / 1e6:.1f} MB in {docs}")


if __name__ == "__main__":
    main()
