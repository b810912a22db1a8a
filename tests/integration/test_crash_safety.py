"""Crash safety: a stage killed (SIGKILL) at any instant is completed by running it again.

Real subprocesses run the stage use cases on the sample campaign and kill themselves at a named
point (``OCOP_FAULT``, ocop/faults.py): after the k-th file written, before the commit, after
the commit with nothing in place, after the k-th file placed. The same stage then runs again,
and the documents folder and the register must be those of an uninterrupted run: the same files
(DOCX byte-identical), the same register rows and number series, no orphan file, no staging
folder left.

Each point starts from a copy of the uninterrupted run's state before its stage (taken in the
same folder, so the register's file paths are the same), which keeps the test affordable: two
short processes per point. The whole-plan flow (``ocop demo``, with Prefect) is killed twice in
one campaign and compared with the uninterrupted stages; on PostgreSQL (OCOP_TEST_DATABASE_URL)
the stages are run and killed in one chain.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, pg_schema_url

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "ocop" / "sample" / "luc-nam-2020"
OCOP = str(Path(sys.executable).parent / "ocop")
STAGES = ("set_up", "collect", "verify", "schedule", "score", "rank", "recognise", "refer")

# one stage of the sample in a process of its own: python -c DRIVER WORKDIR STAGE
DRIVER = f"""
import sys
from pathlib import Path
from ocop.services import stages
from ocop.settings import Settings

SAMPLE, CODE = Path({str(SAMPLE)!r}), "luc-nam-2020"
work, stage = Path(sys.argv[1]), sys.argv[2]
url = sys.argv[3] if len(sys.argv) > 3 else f"sqlite:///{{work / 'ocop.db'}}"
s = Settings.from_env(out_dir=work / "out", database_url=url)
stages.prepare_database(s)
if stage == "set_up":
    stages.set_up(s, SAMPLE / "campaign.toml")
elif stage == "collect":
    stages.collect(s, CODE, SAMPLE / "registrations.csv")
elif stage == "score":          # as the flow does: record the sheets, then issue them filled
    stages.score(s, CODE, SAMPLE / "scores.csv")
    stages.issue_score_sheets(s, CODE)
else:
    getattr(stages, stage)(s, CODE)
"""

# (stage, fault): every file-writing stage is cut while writing (its files staged, nothing
# committed), just before its commit, just after it (nothing in place), and while placing
POINTS = [
    ("set_up", "write:2"), ("set_up", "commit:1"), ("set_up", "place:2"),
    ("collect", "commit:1"),
    ("verify", "write:1"), ("verify", "write:13"), ("verify", "committed:1"), ("verify", "place:6"),
    ("schedule", "write:40"), ("schedule", "commit:1"), ("schedule", "place:78"),
    ("score", "commit:1"), ("score", "write:40"), ("score", "committed:1"),
    ("rank", "write:5"), ("rank", "place:7"),
    ("refer", "write:1"), ("refer", "committed:1"),
]
PDF_POINTS = ["write:2", "place:1"]  # the PDF staged; the DOCX placed, not the PDF


def _run(work: Path, stage: str, fault: str = "", pdf: str = "off", url: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OCOP_PDF": pdf, "OCOP_FAULT": fault}
    return subprocess.run([sys.executable, "-c", DRIVER, str(work), stage, *([url] if url else [])], env=env,
                          capture_output=True, text=True, timeout=300, cwd=REPO)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


State = tuple[dict[str, str], list[tuple[object, ...]], list[tuple[object, ...]]]


def state(out: Path, url: str, recorded: Path | None = None) -> State:
    """What a clerk finds: every file under ``out`` (a DOCX by its SHA-256; a PDF or workbook, whose
    bytes carry the time they were made, by its name), the register and the number series. Checks
    on the way that every issued file and PDF is the one the register hashed. ``recorded``: the
    documents folder the register's paths name, when ``out`` is a copy of it."""
    recorded = recorded or out
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != "ocop.log" and not path.name.startswith("ocop.db"):
            files[str(path.relative_to(out))] = _sha(path) if path.suffix == ".docx" else path.suffix
    engine = create_engine(url)
    with engine.connect() as conn:
        docs = conn.execute(text(
            "SELECT kind, subject, version, number, symbol, issued_on, status, sha256, file_path, pdf_path, "
            "pdf_sha256, draft_path FROM document ORDER BY kind, subject, version")).all()
        series = [tuple(r) for r in conn.execute(text(
            "SELECT owner, issuer_code, year, last_number FROM number_series "
            "ORDER BY owner, issuer_code, year")).all()]
    engine.dispose()
    rows: list[tuple[object, ...]] = []
    for kind, subject, version, number, symbol, on, status, sha, file, pdf, pdf_sha, draft in docs:
        # the register names files relative to the documents folder (absolute before migration 0008)
        file, pdf, draft = (str(Path(recorded, p).relative_to(recorded)) if p else "" for p in (file, pdf, draft))
        if file and status != "draft":
            assert _sha(out / file) == sha, file
        if pdf:
            assert _sha(out / pdf) == pdf_sha, pdf
        rows.append((kind, subject, version, number, symbol, str(on), status, sha, file, pdf, draft))
    return files, rows, series


def _state(folder: Path, work: Path) -> State:
    """The state of a stage's work folder, or of a copy of it (``folder``) taken from ``work``."""
    return state(folder / "out", f"sqlite:///{folder / 'ocop.db'}", recorded=work / "out")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The uninterrupted run, stage by stage: a copy of the work folder before each stage, and after
    the last; every run (this one and the killed ones) happens in the same folder, ``work``."""
    root = tmp_path_factory.mktemp("crash")
    work = root / "work"
    work.mkdir()
    snapshots = {}
    for stage in STAGES:
        snapshots[stage] = root / f"before-{stage}"
        shutil.copytree(work, snapshots[stage])
        done = _run(work, stage)
        assert done.returncode == 0, done.stderr[-3000:]
    snapshots["end"] = root / "end"
    shutil.copytree(work, snapshots["end"])
    return {**snapshots, "work": work}


def _restore(clean: dict[str, Path], stage: str) -> Path:
    work = clean["work"]
    shutil.rmtree(work)
    shutil.copytree(clean[stage], work)
    return work


def _after(clean: dict[str, Path], stage: str) -> Path:
    following = STAGES.index(stage) + 1
    return clean[STAGES[following] if following < len(STAGES) else "end"]


def _kill_and_rerun(work: Path, stage: str, fault: str, pdf: str = "off", url: str = "") -> None:
    killed = _run(work, stage, fault, pdf, url)
    assert killed.returncode == -signal.SIGKILL, f"{fault} never reached in {stage}: {killed.stderr[-2000:]}"
    again = _run(work, stage, pdf=pdf, url=url)
    assert again.returncode == 0, again.stderr[-3000:]


def _assert_same(got: State, expected: State) -> None:
    files, rows, series = got
    want_files, want_rows, want_series = expected
    assert not [f for f in files if ".dang-ghi" in f], "staging leftovers"
    assert sorted(set(files) - set(want_files)) == [], "orphan files"
    assert sorted(set(want_files) - set(files)) == [], "missing files"
    assert [f for f in files if files[f] != want_files[f]] == [], "documents that differ"
    assert rows == want_rows
    assert series == want_series


@pytest.mark.parametrize(("stage", "fault"), POINTS, ids=[f"{s}-{f}" for s, f in POINTS])
def test_a_killed_stage_run_again_ends_as_an_uninterrupted_run(clean: dict[str, Path], stage: str,
                                                               fault: str) -> None:
    work = _restore(clean, stage)
    _kill_and_rerun(work, stage, fault)
    _assert_same(_state(work, work), _state(_after(clean, stage), work))


@pytest.mark.skipif(not PG_URL, reason="OCOP_TEST_DATABASE_URL is not set")
def test_stages_killed_on_postgresql_end_as_on_sqlite(clean: dict[str, Path], tmp_path: Path) -> None:
    """Every stage on PostgreSQL, three of them killed once (while writing, after the commit, while
    placing): the same documents and register as the uninterrupted run on SQLite."""
    faults = {"verify": "committed:1", "schedule": "write:40", "rank": "place:7"}
    work = tmp_path / "work"
    with pg_schema_url() as url:
        for stage in STAGES:
            if stage in faults:
                _kill_and_rerun(work, stage, faults[stage], url=url)
            else:
                done = _run(work, stage, url=url)
                assert done.returncode == 0, done.stderr[-3000:]
        got = state(work / "out", url)
    _assert_same(got, _state(clean["end"], clean["work"]))


def test_a_file_left_in_place_by_an_older_version_is_adopted_when_identical(clean: dict[str, Path]) -> None:
    """A campaign stuck by a version that wrote in place (the file there, its rows rolled back):
    the same bytes are taken as the document's; other bytes are refused, naming the file, and
    nothing is written."""
    name = "luc-nam-2020/01-thanh-lap-hoi-dong/18_qd_ubnd_qd_thanh_lap_hoi_dong.docx"
    work = _restore(clean, "set_up")
    (work / "out" / name).parent.mkdir(parents=True)
    shutil.copyfile(clean["collect"] / "out" / name, work / "out" / name)
    done = _run(work, "set_up")
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_same(_state(work, work), _state(clean["collect"], work))

    work = _restore(clean, "set_up")
    (work / "out" / name).parent.mkdir(parents=True)
    (work / "out" / name).write_bytes(b"not the decision")
    refused = _run(work, "set_up")
    assert refused.returncode == 1
    assert f"Tệp '{work / 'out' / name}' đã có nhưng sổ văn bản không ghi nhận" in refused.stderr
    assert "chuyển tệp đó ra khỏi thư mục, rồi chạy lại đúng lệnh" in refused.stderr
    files, rows, _ = _state(work, work)
    assert files == {name: _sha(work / "out" / name)} and rows == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_killed_stage_makes_its_pdf_copies_when_run_again(clean: dict[str, Path]) -> None:
    stage = "refer"
    work = _restore(clean, stage)
    done = _run(work, stage, pdf="on")
    assert done.returncode == 0, done.stderr[-3000:]
    expected = _state(work, work)
    assert [f for f in expected[0] if f.endswith(".pdf")], "the uninterrupted run made a PDF"
    for fault in PDF_POINTS:
        work = _restore(clean, stage)
        _kill_and_rerun(work, stage, fault, pdf="on")
        _assert_same(_state(work, work), expected)

    # a PDF copy that went missing is made again by the next run, and registered with its new hash
    pdf = next(work / "out" / f for f in expected[0] if f.endswith(".pdf"))
    pdf.unlink()
    again = _run(work, stage, pdf="on")
    assert again.returncode == 0, again.stderr[-3000:]
    assert pdf.is_file()
    _assert_same(_state(work, work), expected)


def test_the_whole_plan_killed_twice_ends_as_an_uninterrupted_run(clean: dict[str, Path], tmp_path: Path) -> None:
    """``ocop demo``: killed while issuing the blank score sheets, then, run again, after the commit
    of the ranking with nothing in place; the third run ends as the uninterrupted stages did."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "OCOP_PDF": "off", "OCOP_DATABASE_URL": "",
           "OCOP_OUT_DIR": ""}
    out = tmp_path / "demo"

    def demo(fault: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([OCOP, "demo", "--out", str(out)], env={**env, "OCOP_FAULT": fault},
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)

    for fault in ("write:60", "committed:3"):
        killed = demo(fault)
        assert killed.returncode == -signal.SIGKILL, f"{fault} never reached: {killed.stdout[-2000:]}"
    again = demo()
    assert again.returncode == 0, again.stderr[-3000:]
    _assert_same(state(out, f"sqlite:///{out / 'ocop.db'}"), _state(clean["end"], clean["work"]))
