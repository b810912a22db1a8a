"""registration dossier: kinds, earlier certificate, dossier items, verification outcome,
producer contact, field inspections

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('producer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('representative', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), server_default='', nullable=False))

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='first', nullable=False))
        batch_op.add_column(sa.Column('certificate_number', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('certificate_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('certificate_stars', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('dossier', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column('missing', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('field_inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('inspectors', sa.JSON(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_field_inspection_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_inspection')),
    sa.UniqueConstraint('registration_id', 'inspected_on', name=op.f('uq_field_inspection_registration_id'))
    )


def downgrade() -> None:
    op.drop_table('field_inspection')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('late')
        batch_op.drop_column('due_on')
        batch_op.drop_column('missing')
        batch_op.drop_column('dossier')
        batch_op.drop_column('registered_on')
        batch_op.drop_column('certificate_stars')
        batch_op.drop_column('certificate_date')
        batch_op.drop_column('certificate_number')
        batch_op.drop_column('kind')

    with op.batch_alter_table('producer', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('representative')
        batch_op.drop_column('address')
