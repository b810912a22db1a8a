"""Settings, read once by the composition root (the CLI or a flow's entry) and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

LOG_NAME = "ocop.log"  # the log file every command writes in the documents folder


def packaged(package: str) -> Path:
    """The folder of a package that carries data, e.g. ``ocop.templates`` (the repository's ``templates/``,
    ``ocop/templates/`` in the wheel: setup.py) or ``ocop.sample``; found through importlib.resources, so a
    source checkout, an editable install and an installed wheel all work. Installs are unpacked on disk."""
    return Path(str(resources.files(package)))


@dataclass(frozen=True)
class Settings:
    """Where data lives and where documents go.

    ``database_url``: SQLAlchemy URL of the project's database; by default SQLite in the
    output folder (``out/ocop.db``). ``out_dir``: rendered documents. ``templates_dir``: DOCX templates,
    by default those the package carries (``OCOP_TEMPLATES_DIR`` points at an office's own copy).
    """

    database_url: str
    out_dir: Path
    templates_dir: Path
    timezone: str = "Asia/Ho_Chi_Minh"
    pdf: str = "auto"  # "auto": PDF copies where LibreOffice is installed; "on": required; "off": none
    # the office's certificate (PKCS#12) that signs issued PDFs; None: PDFs are not signed
    signing_cert: Path | None = None
    signing_password: str = field(default="", repr=False)
    signing_password_file: Path | None = None  # read when signing_password is empty
    signing_trust: tuple[Path, ...] = ()  # CA certificates signatures are checked against (PEM/DER files)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        out_dir: str | Path | None = None,
        database_url: str | None = None,
    ) -> Settings:
        """Explicit arguments win over OCOP_* variables, which win over the defaults."""
        env = os.environ if environ is None else environ
        out = Path(out_dir or env.get("OCOP_OUT_DIR") or "out").resolve()
        return cls(
            database_url=database_url or env.get("OCOP_DATABASE_URL") or f"sqlite:///{out / 'ocop.db'}",
            out_dir=out,
            templates_dir=Path(env.get("OCOP_TEMPLATES_DIR") or packaged("ocop.templates")).resolve(),
            timezone=env.get("OCOP_TIMEZONE") or "Asia/Ho_Chi_Minh",
            pdf=(env.get("OCOP_PDF") or "auto").lower(),
            signing_cert=_path(env.get("OCOP_SIGNING_CERT")),
            signing_password=env.get("OCOP_SIGNING_PASSWORD") or "",
            signing_password_file=_path(env.get("OCOP_SIGNING_PASSWORD_FILE")),
            signing_trust=tuple(Path(p).expanduser().resolve()
                                for p in (env.get("OCOP_SIGNING_TRUST") or "").split(os.pathsep) if p.strip()),
        )


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser().resolve() if value and value.strip() else None
