"""a commune's register is named within its province's: same-named communes of two provinces keep two registers

Under 1489 each commune's People's Committee numbers its report in its own register. Until now that register
was named by the committee alone ("Ủy ban nhân dân xã Tân Thành"), so communes of the same name in two
provinces sharing one database numbered in one series (01 in one province, 02 in the other). The owner is now
"<the campaign's issuing body> › <the commune's committee>", as for every other organ. Documents already
issued keep their numbers; each series continues after its highest one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# a document numbered in a register named by its issuer alone, though the issuer is not its campaign's body
MOVED = ("SELECT d.id, d.issuer, c.issuing_body FROM document AS d JOIN campaign AS c ON c.id = d.campaign_id "
         "WHERE d.series_owner = d.issuer AND d.issuer <> c.issuing_body")


def upgrade() -> None:
    conn = op.get_bind()
    moved = conn.execute(sa.text(MOVED)).all()
    if not moved:
        return
    conn.execute(sa.text("UPDATE document SET series_owner = :owner WHERE id = :id"),
                 [{"id": id_, "owner": f"{body} › {issuer}"} for id_, issuer, body in moved])
    old = sorted({issuer for _, issuer, _ in moved})
    new = sorted({f"{body} › {issuer}" for _, issuer, body in moved})
    # each new register continues after its highest number
    conn.execute(sa.text(
        "INSERT INTO number_series (owner, issuer_code, year, last_number) "
        "SELECT series_owner, issuer_code, year, MAX(number) FROM document "
        "WHERE number IS NOT NULL AND series_owner IN :owners GROUP BY series_owner, issuer_code, year"
    ).bindparams(sa.bindparam("owners", expanding=True)), {"owners": new})
    # an old register no document is numbered in any more goes
    conn.execute(sa.text(
        "DELETE FROM number_series WHERE owner IN :owners AND NOT EXISTS (SELECT 1 FROM document AS d "
        "WHERE d.series_owner = number_series.owner AND d.issuer_code = number_series.issuer_code "
        "AND d.year = number_series.year)"
    ).bindparams(sa.bindparam("owners", expanding=True)), {"owners": old})


def downgrade() -> None:
    # The qualified names stay: merging two provinces' registers back into one could give two documents one
    # number (the unique constraint refuses it). The older code numbers new reports in the bare-named register.
    pass
