"""Billing: tariffs, rate decks, premium tariffs, fees, fair use, staff tasks, payouts and holds, invoices.

Revision ID: 0003_billing
Revises: 0002_flows
Create Date: 2026-11-26

Also adds the customer's billing fields (country, VAT number, business flag, standard
rates from a date) to `customers`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_billing"
down_revision = "0002_flows"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "destination_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("per_minute", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destination_rates")),
        sa.UniqueConstraint("prefix", "effective_from", name=op.f("uq_destination_rates_prefix")),
    )
    op.create_table(
        "invoice_counters",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_invoice_counters")),
    )
    op.create_table(
        "premium_maxima",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("max_per_call", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("max_per_minute", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_premium_maxima")),
    )
    op.create_table(
        "premium_tariffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number_e164", sa.String(length=16), nullable=False),
        sa.Column("per_call", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("per_minute", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_premium_tariffs")),
        sa.UniqueConstraint("number_e164", "effective_from", name=op.f("uq_premium_tariffs_number_e164")),
    )
    op.create_table(
        "tariff_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("start_fee", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("day_per_minute", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("offpeak_per_minute", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("day_start_minute", sa.Integer(), nullable=False),
        sa.Column("day_end_minute", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_versions")),
        sa.UniqueConstraint("name", "effective_from", name=op.f("uq_tariff_versions_name")),
    )
    op.create_table(
        "billing_fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("number_e164", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_billing_fees_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_fees")),
    )
    op.create_index(op.f("ix_billing_fees_customer_id"), "billing_fees", ["customer_id"], unique=False)
    op.create_table(
        "fair_use_months",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("above", sa.Boolean(), nullable=False),
        sa.Column("heavy", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_fair_use_months_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", "month", name=op.f("pk_fair_use_months")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("billing_key", sa.String(length=64), nullable=True),
        sa.Column("credits_number", sa.String(length=16), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("issued_utc", UTC_TIME, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("net", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("vat", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payouts", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("vat_note", sa.Text(), nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_invoices_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("billing_key", name=op.f("uq_invoices_billing_key")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    op.create_index(op.f("ix_invoices_customer_id"), "invoices", ["customer_id"], unique=False)
    op.create_table(
        "payout_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("number_e164", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_by", sa.String(length=200), nullable=False),
        sa.Column("held_utc", UTC_TIME, nullable=False),
        sa.Column("released_utc", UTC_TIME, nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payout_holds_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_holds")),
    )
    op.create_index(op.f("ix_payout_holds_customer_id"), "payout_holds", ["customer_id"], unique=False)
    op.create_table(
        "payouts",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("number_e164", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("invoice_number", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payouts_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", "number_e164", "month", name=op.f("pk_payouts")),
    )
    op.create_table(
        "staff_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_utc", UTC_TIME, nullable=False),
        sa.Column("done_utc", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_staff_tasks_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_tasks")),
        sa.UniqueConstraint("customer_id", "kind", "month", name=op.f("uq_staff_tasks_customer_id")),
    )
    op.create_index(op.f("ix_staff_tasks_customer_id"), "staff_tasks", ["customer_id"], unique=False)
    op.add_column("customers", sa.Column("country", sa.String(length=2), server_default="NL", nullable=False))
    op.add_column("customers", sa.Column("vat_number", sa.String(length=32), nullable=True))
    op.add_column(
        "customers", sa.Column("is_business", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("customers", sa.Column("standard_rates_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        for column in ("standard_rates_from", "is_business", "vat_number", "country"):
            batch.drop_column(column)
    op.drop_index(op.f("ix_staff_tasks_customer_id"), table_name="staff_tasks")
    op.drop_table("staff_tasks")
    op.drop_table("payouts")
    op.drop_index(op.f("ix_payout_holds_customer_id"), table_name="payout_holds")
    op.drop_table("payout_holds")
    op.drop_index(op.f("ix_invoices_customer_id"), table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("fair_use_months")
    op.drop_index(op.f("ix_billing_fees_customer_id"), table_name="billing_fees")
    op.drop_table("billing_fees")
    op.drop_table("tariff_versions")
    op.drop_table("premium_tariffs")
    op.drop_table("premium_maxima")
    op.drop_table("invoice_counters")
    op.drop_table("destination_rates")
