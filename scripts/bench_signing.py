"""PDF cost per document: LibreOffice conversion, then the PAdES signature, in one process.

    python scripts/bench_signing.py [--count 30] [--rounds 3]

Renders ``--count`` council decisions (``qd_thanh_lap_hoi_dong``, two pages), converts them to
PDF in one ``to_pdf`` call (one soffice run), then signs them in one ``sign_pdfs`` batch with
the sample's test certificate (RSA 2048), ``--rounds`` times. Prints, per round and as the
median, wall ms per PDF for the conversion and wall and CPU ms per PDF for the signing, and the
time of one ``check_signature``. Loading the certificate (once per process) is timed apart.
Prints only; asserts nothing. Needs LibreOffice.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocop.documents import pdf, signing
from ocop.documents.renderer import Renderer
from ocop.documents.samples import sample

KIND = "qd_thanh_lap_hoi_dong"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if pdf.soffice() is None:
        sys.exit("bench_signing: LibreOffice is not installed (make system-deps)")
    started = time.perf_counter()
    signer = signing.load_signer(signing.SAMPLE_CERT, signing.SAMPLE_PASSWORD)
    print(f"certificate loaded in {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")
    roots = signing.load_certificates([signing.SAMPLE_CA])
    renderer = Renderer(ROOT / "templates")
    convert, sign_wall, sign_cpu, check = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="ocop-bench-signing-") as tmp:
        for r in range(args.rounds):
            folder = Path(tmp) / str(r)
            docs = [folder / f"{i:04d}.docx" for i in range(args.count)]
            for doc in docs:
                renderer.render(KIND, sample(KIND), doc)
            t = time.perf_counter()
            pdfs = pdf.to_pdf(docs)
            convert.append((time.perf_counter() - t) * 1000 / len(pdfs))
            t, c = time.perf_counter(), time.process_time()
            signing.sign_pdfs(signer, [signing.SignJob(p, "Ban hành văn bản số 01/QĐ-UBND") for p in pdfs], "Lục Nam")
            sign_wall.append((time.perf_counter() - t) * 1000 / len(pdfs))
            sign_cpu.append((time.process_time() - c) * 1000 / len(pdfs))
            t = time.perf_counter()
            assert signing.check_signature(pdfs[0], roots).ok
            check.append((time.perf_counter() - t) * 1000)
            print(f"round {r + 1}: convert {convert[-1]:.0f} ms/PDF, sign {sign_wall[-1]:.1f} ms/PDF wall "
                  f"({sign_cpu[-1]:.1f} ms CPU), check {check[-1]:.0f} ms")
    print(f"median over {args.rounds} rounds of {args.count} PDFs: convert {statistics.median(convert):.0f} ms/PDF, "
          f"sign {statistics.median(sign_wall):.1f} ms/PDF wall ({statistics.median(sign_cpu):.1f} ms CPU), "
          f"check {statistics.median(check):.0f} ms")


if __name__ == "__main__":
    main()
