"""Documents per second: the project's renderer vs plain per-document docxtpl, one process.

    python scripts/bench_documents.py [--count 1000] [--out DIR]

For the score sheet (``phieu_danh_gia``, filled sample) and the certificate (``giay_chung_nhan``;
``qd_thanh_lap_hoi_dong`` while that template does not exist yet) it renders ``--count``
documents with

* ``project``: ``Renderer.render_many`` (compiled once, atomic writes with fsync, SHA-256);
* ``docxtpl``: ``DocxTemplate(path).render(ctx, jinja_env=env, autoescape=True); save(path)``
  per document, ``env`` a plain Jinja environment with the project's filters;

and prints wall seconds, documents per second, CPU ms per document and the project/docxtpl
ratio. The first document of each method (template load, patch, compile) is timed on its own
and not counted in the steady state. Prints only; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocop import present
from ocop.documents import decree30, samples
from ocop.documents.renderer import Renderer

TEMPLATES = ROOT / "templates"
SCORE_SHEET = "phieu_danh_gia"
CERTIFICATE, CERTIFICATE_STAND_IN = "giay_chung_nhan", "qd_thanh_lap_hoi_dong"


def plain_env() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True)
    env.filters.update(ket_thuc=decree30.ends_document, decimal_vn=present.number,
                       date_vn=present.date_long)
    return env


def timed(run: Callable[[int], None], count: int) -> tuple[float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run(count)
    return time.perf_counter() - wall, time.process_time() - cpu


def bench(name: str, count: int, out: Path) -> list[tuple]:
    ctx = samples.sample(name)
    rows = []

    renderer = Renderer(TEMPLATES)
    pdir = out / name / "project"
    first = time.perf_counter()
    renderer.render(name, ctx, pdir / "first.docx")        # load, patch, compile, first write
    first = time.perf_counter() - first
    engine = renderer.engine(name)[0]

    def project(n: int) -> None:
        for _ in renderer.render_many(name, ((ctx, pdir / f"{i:05d}.docx") for i in range(n))):
            pass

    rows.append((name, f"project ({engine})", count, first, *timed(project, count)))

    env = plain_env()
    path = str(TEMPLATES / f"{name}.docx")
    ddir = out / name / "docxtpl"
    ddir.mkdir(parents=True, exist_ok=True)

    def docxtpl(n: int, prefix: str = "") -> None:
        for i in range(n):
            tpl = DocxTemplate(path)
            tpl.render(ctx, jinja_env=env, autoescape=True)
            tpl.save(str(ddir / f"{prefix}{i:05d}.docx"))

    first = time.perf_counter()
    docxtpl(1, "first")
    first = time.perf_counter() - first
    rows.append((name, "docxtpl", count, first, *timed(docxtpl, count)))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000, help="documents per template and method")
    ap.add_argument("--out", type=Path, help="output directory (default: a temporary one, removed)")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="ocop-bench-"))

    names = [SCORE_SHEET]
    if (TEMPLATES / f"{CERTIFICATE}.docx").exists() and CERTIFICATE in samples.SAMPLES:
        names.append(CERTIFICATE)
    else:
        print(f"(chưa có mẫu '{CERTIFICATE}': đo '{CERTIFICATE_STAND_IN}' thay cho giấy chứng nhận)")
        names.append(CERTIFICATE_STAND_IN)

    try:
        rows = [row for name in names for row in bench(name, args.count, out)]
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)

    head = ("template", "method", "docs", "first (s)", "seconds", "docs/s", "CPU ms/doc")
    table = [head] + [(t, m, str(n), f"{f:.3f}", f"{w:.2f}", f"{n / w:.1f}", f"{c / n * 1000:.2f}")
                      for t, m, n, f, w, c in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for i, r in enumerate(table):
        print("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths, strict=True))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for name in names:
        project, plain = [r for r in rows if r[0] == name]
        rate_p, rate_d = project[2] / project[4], plain[2] / plain[4]
        print(f"{name}: project/docxtpl = {rate_p / rate_d:.1f}x "
              f"({rate_p:.0f} vs {rate_d:.0f} docs/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
