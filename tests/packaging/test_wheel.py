"""The built wheel is the product an office installs: build it, install it into a fresh virtual
environment and run the demo from there, in a folder outside the repository.

The fresh environment reuses the dependencies already installed in the test's own environment (a
``.pth`` file lists its site-packages; a ``.pth`` found there is not processed, so the repository's
editable install stays out), but ``ocop`` and ``flows`` come only from the wheel: the test checks
where they are imported from. Nothing is downloaded: the wheel is built without build isolation
(setuptools from the dev extras) and installed with ``--no-index --no-deps``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

# what the wheel is built from: the package configuration, the README (its long description) and
# the folders setup.py turns into packages
SOURCES = ("pyproject.toml", "setup.py", "README.md", "ocop", "flows", "templates")
# every kind of file the packages may carry; anything else is junk from a working tree
SHIPPED = {".py", ".toml", ".csv", ".docx", ".yml", ".mako", ".p12", ".pem", ".md"}


def _run(args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _source_files(folder: str) -> set[str]:
    root = REPO / folder
    return {str(p.relative_to(REPO)) for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix in SHIPPED}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (an in-tree build would reuse a stale build/)."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, src / name)
    # a working tree's leftovers beside the data must stay out of the wheel
    (src / "ocop" / "sample" / "luc-nam-2020" / ".~lock.scores.csv#").write_text("lock", encoding="utf-8")
    (src / "ocop" / "rules" / "data" / "scratch.db").write_bytes(b"SQLite format 3\0")
    (src / "templates" / "~$ke_hoach.docx").write_bytes(b"Word owner file")
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
          "--wheel-dir", dist, src], cwd=work)
    (built,) = dist.glob("ocop-*.whl")
    return built


def test_the_wheel_carries_the_code_templates_and_data_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        top_level = zf.read(next(n for n in names if n.endswith(".dist-info/top_level.txt"))).decode()
    files = {n for n in names if ".dist-info/" not in n}
    assert top_level.split() == ["flows", "ocop"]  # no tests, scripts, deployments or docs
    assert {n for n in files if Path(n).suffix not in SHIPPED} == set()
    # every module and data file of the source tree, the templates under ocop/templates/
    expected = _source_files("ocop") | _source_files("flows") | {
        f"ocop/{p}" for p in _source_files("templates")}
    assert expected - files == set()
    assert {n for n in files if n.startswith("ocop/templates/")} == {
        f"ocop/templates/{p.name}" for p in (REPO / "templates").iterdir() if p.suffix in {".docx", ".py"}}
    assert "ocop/persistence/migrations/script.py.mako" in files and "flows/logging.yml" in files
    assert "Description-Content-Type: text/markdown" in metadata and "# ocop" in metadata


def test_the_demo_runs_from_the_wheel_in_a_fresh_environment(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        cwd=tmp_path).stdout.strip())
    (purelib / "_ocop_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index",
          wheel], cwd=tmp_path)

    work = tmp_path / "office"  # the clerk's folder, outside the repository
    work.mkdir()
    assert not work.resolve().is_relative_to(REPO)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OCOP_", "PYTHON", "PREFECT_API_")) and k != "VIRTUAL_ENV"}
    # PDF copies are covered by test_pdf and the flow tests; here they would double the time
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), OCOP_PDF="off")
    where = _run([python, "-c", "import flows, ocop, ocop.templates; from ocop.settings import Settings; "
                  "print(ocop.__file__, flows.__file__, Settings.from_env().templates_dir, sep='\\n')"],
                 cwd=work, env=env).stdout.split()
    assert all(Path(p).is_relative_to(purelib) for p in where), where  # from the wheel, not the repository
    assert Path(where[2]) == purelib / "ocop" / "templates"

    out = tmp_path / "out"
    demo = _run([venv / "bin" / "ocop", "demo", "--out", out], cwd=work, env=env, timeout=300)
    assert "Tờ trình 20/TTr-UBND: 6 sản phẩm đề nghị cấp trên." in demo.stdout

    # the register is complete: every document issued, its file there with the hash registered,
    # and no document on disk that the register does not know
    with sqlite3.connect(out / "ocop.db") as db:
        rows = db.execute("SELECT status, file_path, sha256 FROM document").fetchall()
    assert len(rows) == 184 and {status for status, _, _ in rows} == {"issued"}
    for _, path, sha256 in rows:
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == sha256, path
    assert {(out / path).resolve() for _, path, _ in rows} == {p.resolve() for p in out.rglob("*.docx")}
    listing = _run([venv / "bin" / "ocop", "documents", "list", "--out", out], cwd=work, env=env)
    assert listing.stdout.rstrip().endswith("184 văn bản.")
