"""document paths relative to the documents folder; issued files' size and modification time

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10

The register stored absolute paths, so a moved or restored documents folder pointed at the old
place. Each path under the documents folder this migration is run with (``ocop.persistence.db.migrate``
hands it over as ``out_dir``: the ``--out`` of the command that upgrades the database) becomes
relative to it; a path outside it stays absolute and is listed in ``config.attributes["outside"]``
(``migrate`` logs them and ``ocop documents verify`` names them). Run without a documents folder
(``migrate(url)`` alone, as on a database that has no documents yet), every path stays as it is.
"""

from __future__ import annotations

import os
from pathlib import PurePath

import sqlalchemy as sa
from alembic import context, op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

PATHS = ("draft_path", "file_path", "pdf_path")


def _relative(value: str, out: str | None) -> str | None:
    """``value`` relative to ``out`` (POSIX separators), or None when it lies outside it."""
    if not value or not os.path.isabs(value):
        return value
    if out is None:
        return None
    path, root = PurePath(os.path.normpath(value)), PurePath(os.path.normpath(out))
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('size', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('mtime_ns', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('pdf_size', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('pdf_mtime_ns', sa.BigInteger(), nullable=True))
    out = context.config.attributes.get("out_dir")
    out = str(out) if out is not None else None
    bind = op.get_bind()
    table = sa.table("document", sa.column("id", sa.Integer), *(sa.column(c, sa.String) for c in PATHS))
    outside: list[str] = []
    rows = bind.execute(sa.select(table.c.id, *(table.c[c] for c in PATHS))).all()
    for row in rows:
        changes = {}
        for column in PATHS:
            value = getattr(row, column)
            relative = _relative(value, out)
            if relative is None:
                outside.append(value)
            elif relative != value:
                changes[column] = relative
        if changes:
            bind.execute(sa.update(table).where(table.c.id == row.id).values(**changes))
    context.config.attributes["outside"] = outside


def downgrade() -> None:
    out = context.config.attributes.get("out_dir")
    bind = op.get_bind()
    if out is not None:
        table = sa.table("document", sa.column("id", sa.Integer), *(sa.column(c, sa.String) for c in PATHS))
        for row in bind.execute(sa.select(table.c.id, *(table.c[c] for c in PATHS))).all():
            changes = {c: os.path.join(str(out), getattr(row, c)) for c in PATHS
                       if getattr(row, c) and not os.path.isabs(getattr(row, c))}
            if changes:
                bind.execute(sa.update(table).where(table.c.id == row.id).values(**changes))
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('pdf_mtime_ns')
        batch_op.drop_column('pdf_size')
        batch_op.drop_column('mtime_ns')
        batch_op.drop_column('size')
