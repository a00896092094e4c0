"""Fraud cases, measures and warning notices (payout holds are billing's, 0003_billing).

Revision ID: 0004_fraud
Revises: 0003_billing
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_fraud"
down_revision = "0003_billing"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _fraud()


def _fraud() -> None:
    op.create_table(
        "fraud_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("number_e164", sa.String(length=16), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("first_seen_utc", UTC_TIME, nullable=False),
        sa.Column("last_seen_utc", UTC_TIME, nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.Column("call_ids", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("opened_utc", UTC_TIME, nullable=False),
        sa.Column("closed_utc", UTC_TIME, nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_fraud_cases_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_cases")),
    )
    op.create_index(op.f("ix_fraud_cases_category"), "fraud_cases", ["category"])
    op.create_index(op.f("ix_fraud_cases_subject"), "fraud_cases", ["subject"])
    op.create_table(
        "fraud_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("number_e164", sa.String(length=16), nullable=True),
        sa.Column("caller", sa.String(length=32), nullable=True),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("applied_by", sa.String(length=200), nullable=False),
        sa.Column("applied_utc", UTC_TIME, nullable=False),
        sa.Column("expires_utc", UTC_TIME, nullable=True),
        sa.Column("lifted_by", sa.String(length=200), nullable=True),
        sa.Column("lifted_utc", UTC_TIME, nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["fraud_cases.id"],
                                name=op.f("fk_fraud_measures_case_id_fraud_cases")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_fraud_measures_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_measures")),
    )
    op.create_index(op.f("ix_fraud_measures_kind"), "fraud_measures", ["kind"])
    op.create_index(op.f("ix_fraud_measures_case_id"), "fraud_measures", ["case_id"])
    op.create_table(
        "fraud_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("queued_utc", UTC_TIME, nullable=False),
        sa.Column("sent_utc", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["measure_id"], ["fraud_measures.id"],
                                name=op.f("fk_fraud_notices_measure_id_fraud_measures")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_fraud_notices_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_notices")),
    )


def downgrade() -> None:
    for table in ("fraud_notices", "fraud_measures", "fraud_cases"):
        op.drop_table(table)
