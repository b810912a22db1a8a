"""number series per issuing organ: every district's UBND keeps its own register

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OWNER = ("CASE WHEN d.issuer = c.issuing_body THEN d.issuer "
         "ELSE c.issuing_body || ' › ' || d.issuer END")


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_owner', sa.String(length=400), nullable=False, server_default=''))
    op.execute(f"UPDATE document SET series_owner = (SELECT {OWNER} FROM document AS d JOIN campaign AS c "
               "ON c.id = d.campaign_id WHERE d.id = document.id)")
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.alter_column('series_owner', existing_type=sa.String(length=400), server_default=None)
        batch_op.drop_constraint('uq_document_issuer_code', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_document_series_owner'),
                                          ['series_owner', 'issuer_code', 'year', 'number'])
    # rebuild the series from the register: numbers are taken only at issue, with the document
    op.drop_table('number_series')
    op.create_table('number_series',
    sa.Column('owner', sa.String(length=400), nullable=False),
    sa.Column('issuer_code', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('owner', 'issuer_code', 'year', name=op.f('pk_number_series'))
    )
    op.execute("INSERT INTO number_series (owner, issuer_code, year, last_number) "
               "SELECT series_owner, issuer_code, year, MAX(number) FROM document "
               "WHERE number IS NOT NULL GROUP BY series_owner, issuer_code, year")


def downgrade() -> None:
    op.drop_table('number_series')
    op.create_table('number_series',
    sa.Column('issuer_code', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('issuer_code', 'year', name=op.f('pk_number_series'))
    )
    op.execute("INSERT INTO number_series (issuer_code, year, last_number) "
               "SELECT issuer_code, year, MAX(number) FROM document WHERE number IS NOT NULL "
               "GROUP BY issuer_code, year")
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('uq_document_series_owner', type_='unique')
        batch_op.create_unique_constraint('uq_document_issuer_code', ['issuer_code', 'year', 'number'])
        batch_op.drop_column('series_owner')
