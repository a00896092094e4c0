"""Call records list the flow steps a call took and why it ended (media issue).

Revision ID: 0005_call_steps
Revises: 0004_fraud
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_call_steps"
down_revision = "0004_fraud"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.add_column(sa.Column("steps", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("end_reason", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.drop_column("end_reason")
        batch.drop_column("steps")
