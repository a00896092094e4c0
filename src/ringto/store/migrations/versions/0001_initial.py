"""Customers, service numbers, ring targets, call records and node heartbeats.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Times are DateTime(timezone=True): timestamptz on PostgreSQL, ISO text with
microseconds on SQLite (read back as UTC by ringto.store.types.UtcDateTime).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _numbers()
    _calls()


def _numbers() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("name", name=op.f("uq_customers_name")),
    )
    op.create_table(
        "service_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("number_type", sa.String(length=32), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("ring_time_s", sa.Float(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
        sa.Column("updated", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name=op.f("fk_service_numbers_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_numbers")),
        sa.UniqueConstraint("e164", name=op.f("uq_service_numbers_e164")),
    )
    op.create_index(op.f("ix_service_numbers_customer_id"), "service_numbers", ["customer_id"])
    op.create_table(
        "ring_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["number_id"], ["service_numbers.id"],
            name=op.f("fk_ring_targets_number_id_service_numbers"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ring_targets")),
        sa.UniqueConstraint("number_id", "position", name=op.f("uq_ring_targets_number_id")),
    )


def _calls() -> None:
    op.create_table(
        "call_records",
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("sip_call_id", sa.Text(), nullable=False),
        sa.Column("service_number", sa.String(), nullable=False),
        sa.Column("caller", sa.Text(), nullable=True),
        sa.Column("caller_ip", sa.String(length=45), nullable=True),
        sa.Column("caller_port", sa.Integer(), nullable=True),
        sa.Column("start_utc", UTC_TIME, nullable=False),
        sa.Column("answer_utc", UTC_TIME, nullable=True),
        sa.Column("end_utc", UTC_TIME, nullable=True),
        sa.Column("disposition", sa.String(length=16), nullable=False),
        sa.Column("sip_code", sa.Integer(), nullable=True),
        sa.Column("ring_to", sa.Text(), nullable=True),
        sa.Column("attempts", sa.JSON(), nullable=False),
        sa.Column("access_network_info", sa.Text(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_call_records")),
    )
    for column in ("disposition", "service_number", "start_utc"):
        op.create_index(op.f(f"ix_call_records_{column}"), "call_records", [column])
    op.create_table(
        "nodes",
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.Column("last_alive_utc", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_nodes")),
    )


def downgrade() -> None:
    for table in ("nodes", "call_records", "ring_targets", "service_numbers", "customers"):
        op.drop_table(table)
