"""Benchmark: a national-size 148 campaign end to end, through the code the flows run (issue 15).

    .venv/bin/python scripts/bench_national.py --products 300 [--db URL] [--keep DIR]

Builds, from the Bắc Ninh 2026 sample plan (148/2023 as amended by 1489/2025, a province with its
communes), a campaign of N products spread over many communes and the 25 product sets of 148, the
council's 7 members, and the inputs an office receives: one registration workbook (XLSX) per
commune with the commune's pre-assessment, one itemised score file per member. Then it runs, in one
process, the stage use cases the Prefect tasks call (``ocop.services.stages``), PDFs off:

    set_up, collect (registrations, one workbook per commune), pre_assess (a report per commune),
    verify (decisions, lists, a notice per producer), schedule (invitation, blank sheets),
    score (7 imports, one per member; the filled sheets printed after each, as the flow does),
    rank (means, stars, the summary table, the notices of results), recognise (decision,
    certificates), refer (the letter upward with its packet)

and prints each stage's seconds, documents written, and peak memory (RSS sampled every 20 ms), then
one line:

    national: products=N seconds=T peak_mb=M documents=D

``T`` counts the stages only (not making the input files). Targets (issue 15, this 2-core machine):
16,000 products in 600 s with peak memory 1,024 MB, the cost per product flat from 300 to 3,000.
Invented data throughout; the database is a temporary SQLite file unless ``--db`` names another.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook
from sqlalchemy import func, select

from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Document
from ocop.rules.criteria import load_sets
from ocop.rules.editions import get_edition
from ocop.rules.stars import star_for
from ocop.services import stages
from ocop.settings import Settings

SAMPLE = ROOT / "ocop" / "sample" / "bac-ninh-2026"
EDITION = "148/2023+1489/2025"
CODE = "quoc-gia-bench"
MEMBERS = ["Trần Văn Thành", "Nguyễn Đức Long", "Lê Thị Thu Hà", "Đặng Quốc Việt", "Phan Thị Ngọc Anh",
           "Bùi Minh Khoa", "Hà Thị Phương"]
REAL_COMMUNES = ["Gia Bình", "Lương Tài", "Phù Lãng", "Tiên Du", "Phật Tích", "Yên Phong", "Tam Giang", "Đại Sơn",
                 "Sơn Động", "Tây Yên Tử", "Tuấn Đạo", "Cao Đức", "phường Chũ", "phường Phượng Sơn",
                 "phường Việt Yên"]
HEADER = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã",
          "Hình thức đăng ký", "Số giấy chứng nhận OCOP", "Ngày cấp giấy chứng nhận", "Hạng sao đã đạt",
          "Ngày đăng ký"]
KINDS = ["HTX", "DN", "HKD", "THT"]
TARGET_SECONDS_16000, TARGET_MB = 600.0, 1024.0
PACK_SAMPLE = 20  # blank sheets joined to time a print pack


class PeakRss:
    """The process's resident memory, sampled every 20 ms; ``mark()`` starts a new stage's peak."""

    def __init__(self) -> None:
        self._page = os.sysconf("SC_PAGE_SIZE")
        self.stage_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.stage_peak = max(self.stage_peak, self.rss())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def mark(self) -> None:
        self.stage_peak = self.rss()


@dataclass
class Stage:
    name: str
    seconds: float
    documents: int
    peak_mb: float


def communes_for(n: int) -> list[str]:
    """The sample's 15 real communes, then invented ones: about 25 products a commune, 15 to 3,321 of them."""
    count = max(15, min(3321, n // 25))
    return REAL_COMMUNES + [f"Thử Nghiệm {i}" for i in range(1, count - len(REAL_COMMUNES) + 1)]


def write_campaign(folder: Path, communes: list[str], code: str = CODE, province: str = "") -> Path:
    """The sample's plan with its own code, communes and commune signers; ``province`` (another name
    than Bắc Ninh) makes it that province's plan: its People's Committee, council and meeting place."""
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    text = text.replace('code = "bac-ninh-2026"', f'code = "{code}"')
    if province:
        text = text.replace("Bắc Ninh", province)
    head, _, _signers = text.partition("[commune_signers]")
    start = head.index("communes = [")
    end = head.index("]", start) + 1
    head = head[:start] + "communes = [" + ", ".join(f'"{c}"' for c in communes) + "]" + head[end:]
    signers = "\n".join(f'"{c}" = "Nguyễn Văn Chủ Tịch {i}"' for i, c in enumerate(communes, 1))
    path = folder / "campaign.toml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}[commune_signers]\n{signers}\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Made:
    products: list[tuple[str, str, float]]  # code, set, target mean (0 for those not proposed)
    registrations: Path
    scores: list[Path]


def make_inputs(folder: Path, n: int, seed: int = 15, prefix: str = "QG", producers: str = "",
                one_score_file: bool = False) -> Made:
    """N products' registrations (a workbook per commune) and the 7 members' itemised scores: a CSV per
    member, or all in one (``one_score_file``: what the whole-plan flow takes). ``prefix`` starts the
    product codes and ``producers`` ends the producers' names: campaigns sharing a database need their own."""
    edition = get_edition(EDITION)
    sets = load_sets(edition.criteria_dir)
    set_codes = sorted((c for c, s in sets.items() if c.isdigit() and s.verified), key=int)
    pre = edition.level("commune").pre_assessed_criteria
    communes = communes_for(n)
    rng = random.Random(seed)
    lists = folder / "danh-sach-xa"
    lists.mkdir(parents=True)
    by_commune: dict[str, list[list[object]]] = {}
    products: list[tuple[str, str, float]] = []
    for i in range(n):
        code, set_code, commune = f"{prefix}-{i + 1:05d}", set_codes[i % len(set_codes)], communes[i % len(communes)]
        refused = rng.random() < 0.02
        target = 0.0 if refused else round(rng.uniform(32, 97), 1)
        products.append((code, set_code, target))
        row: list[object] = [code, f"Sản phẩm thử nghiệm số {i + 1}", set_code,
                             f"Chủ thể thử nghiệm số {i // 2 + 1}{producers}", KINDS[i % 4], commune,
                             "Không" if refused else "Có", "Lần đầu", None, None, None, f"{1 + i % 19:02d}/06/2026"]
        failed = rng.randrange(len(pre)) if refused else -1
        row += ["Không đạt" if j == failed else "Đạt" for j in range(len(pre))]
        by_commune.setdefault(commune, []).append(row)
    for k, rows in enumerate(by_commune.values(), 1):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Danh sách")
        ws.append(HEADER + list(pre))
        for r in rows:
            ws.append(r)
        wb.save(lists / f"{k:04d}.xlsx")
    scores: list[Path] = []
    for m, member in enumerate(MEMBERS):
        path = folder / ("phieu-danh-gia.csv" if one_score_file else f"phieu-{m + 1}.csv")
        with path.open("a" if one_score_file and m else "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            if not (one_score_file and m):
                out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
            for code, set_code, target in products:
                if not target:
                    continue
                star = star_for(target, edition.star_lower_bounds, edition.max_points)
                share = min(1.0, max(0.0, target / 100 + rng.uniform(-0.015, 0.015)))
                for c in sets[set_code].criteria:
                    options = sorted({o.points for o in c.options})
                    points = min(options, key=lambda p, want=share * c.max_points: (abs(p - want), -p))
                    points = max(points, min((p for p in options if p >= c.required_for(star)), default=points))
                    out.writerow([code, member, c.code, points])
        if path not in scores:
            scores.append(path)
    return Made(products, lists, scores)


def documents(settings: Settings) -> int:
    with unit_of_work(settings.database_url) as s:
        return int(s.scalar(select(func.count()).select_from(Document)) or 0)


def run(settings: Settings, made: Made, campaign_file: Path) -> list[Stage]:
    steps: list[tuple[str, Callable[[], object]]] = [
        ("set_up", lambda: stages.set_up(settings, campaign_file)),
        ("collect", lambda: stages.collect(settings, CODE, made.registrations)),
        ("pre_assess", lambda: stages.pre_assess(settings, CODE)),
        ("verify", lambda: stages.verify(settings, CODE)),
        ("schedule", lambda: stages.schedule(settings, CODE)),
    ]

    def score() -> None:
        for path in made.scores:
            stages.score(settings, CODE, path)
            stages.issue_score_sheets(settings, CODE)

    steps += [("score", score), ("rank", lambda: stages.rank(settings, CODE)),
              ("recognise", lambda: stages.recognise(settings, CODE)), ("refer", lambda: stages.refer(settings, CODE))]
    out = []
    stages.prepare_database(settings)
    with PeakRss() as peak:
        for name, step in steps:
            before = documents(settings)
            peak.mark()
            t0 = time.perf_counter()
            step()
            seconds = time.perf_counter() - t0
            out.append(Stage(name, seconds, documents(settings) - before, peak.stage_peak / 2**20))
            print(f"  {name:<11} {seconds:8.2f} s {out[-1].documents:7d} docs {out[-1].peak_mb:7.0f} MB", flush=True)
    return out


def measure_pdfs(settings: Settings, sample: int, work: Path) -> None:
    """PDF cost, measured on this campaign's own files: ``sample`` numbered documents converted with one
    LibreOffice process and with ``pdf.processes()``, and one member's print pack (their blank sheets joined,
    one conversion); then what a year of this size costs at those rates."""
    from pypdf import PdfReader

    from ocop.documents import pdf
    from ocop.documents.pack import pack
    from ocop.services.paperwork.files import located

    if pdf.soffice() is None:
        print("pdf: skipped (LibreOffice is not installed: make system-deps)")
        return
    with unit_of_work(settings.database_url) as s:
        numbered = int(s.scalar(select(func.count()).where(Document.numbered, Document.status == "issued")) or 0)
        files = s.scalars(select(Document.file_path).where(Document.numbered, Document.status == "issued")
                          .order_by(Document.id.desc()).limit(sample)).all()
        blank = s.scalars(select(Document.file_path).where(Document.kind == "phieu_danh_gia",
                                                           Document.subject.like("trang/%"))
                          .order_by(Document.subject)).all()
    paths = [located(settings.out_dir, f) for f in files]
    one_member = [located(settings.out_dir, f) for f in blank if f.split("/")[-2:-1] == blank[0].split("/")[-2:-1]]
    rates = {}
    for procs in sorted({1, pdf.processes()}):
        os.environ["OCOP_PDF_PROCESSES"] = str(procs)
        t0 = time.perf_counter()
        pdfs = pdf.to_pdf(paths, out_dir=work / f"pdf-{procs}")
        rates[procs] = (time.perf_counter() - t0) / len(paths)
        pages = sum(len(PdfReader(p).pages) for p in pdfs)
        print(f"pdf: {len(paths)} numbered documents ({pages} pages), {procs} LibreOffice process(es): "
              f"{rates[procs]:.3f} s per PDF")
    os.environ.pop("OCOP_PDF_PROCESSES", None)
    sheets = len(one_member)
    one_member = one_member[:PACK_SAMPLE]          # the cost is per page: a share of the pack tells it
    t0 = time.perf_counter()
    joined = pack(one_member, work / "pack.docx")
    [packed] = pdf.to_pdf([joined], out_dir=work)
    pack_s = time.perf_counter() - t0
    pack_pages = len(PdfReader(packed).pages)
    best = min(rates.values())
    print(f"pdf: print pack: {len(one_member)} blank sheets joined, {pack_pages} pages, one conversion, {pack_s:.1f} s "
          f"({pack_s / pack_pages:.3f} s per page)")
    packs = 7 * pack_s * sheets / len(one_member)
    year = numbered * best + packs
    print(f"pdf: this campaign: {numbered} numbered documents x {best:.3f} s = {numbered * best:.0f} s; "
          f"7 print packs of {sheets} sheets ~ {packs:.0f} s; together {year / 60:.1f} min")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--products", type=int, default=300)
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file); the database must be empty")
    ap.add_argument("--pdf-sample", type=int, default=0, metavar="K",
                    help="then measure PDF cost on K of the campaign's numbered documents and a print pack")
    ap.add_argument("--keep", type=Path, help="write everything here and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)
    n = args.products
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ocop-national-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        made = make_inputs(folder / "vao", n)
        campaign_file = write_campaign(folder / "vao", communes_for(n))
        print(f"inputs: {n} products, {len(communes_for(n))} communes, 7 members; made in "
              f"{time.perf_counter() - t0:.1f} s (not counted); load {os.getloadavg()[0]:.2f}", flush=True)
        settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=folder / "out",
                                     database_url=args.db or f"sqlite:///{folder / 'ocop.db'}")
        done = run(settings, made, campaign_file)
        if args.pdf_sample:
            measure_pdfs(settings, args.pdf_sample, folder / "pdf")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    total = sum(s.seconds for s in done)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    docs = sum(s.documents for s in done)
    budget = TARGET_SECONDS_16000 * n / 16_000
    print(f"per product: {total / n * 1000:.1f} ms; target {TARGET_SECONDS_16000 / 16_000 * 1000:.1f} ms "
          f"(16,000 in {TARGET_SECONDS_16000:.0f} s: {budget:.1f} s at {n}); peak target {TARGET_MB:.0f} MB; "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"national: products={n} seconds={total:.1f} peak_mb={peak:.0f} documents={docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
