"""Call flows, recording and voicemail settings per number; recordings; the voicemail outbox.

Revision ID: 0002_flows
Revises: 0001
Create Date: 2026-11-26

Existing numbers keep forwarding as before (`flow` NULL), are not recorded, keep
recordings 30 days once switched on, and get their country's prompt language and
libphonenumber's time zone.
"""

from __future__ import annotations

import phonenumbers
import sqlalchemy as sa
from alembic import op
from phonenumbers import timezone as phone_timezones

revision = "0002_flows"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
_LANGUAGE = {"NL": "nl", "BE": "nl", "SR": "nl", "BG": "bg"}


def upgrade() -> None:
    with op.batch_alter_table("service_numbers") as batch:
        batch.add_column(sa.Column("flow", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("record", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=False, server_default="30"))
        batch.add_column(sa.Column("voicemail_email", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("language", sa.String(length=2), nullable=False, server_default="en"))
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=False,
                                   server_default="Europe/Amsterdam"))
    _locale_of_existing_numbers()
    _recordings()
    _outbox()


def _locale_of_existing_numbers() -> None:
    numbers = sa.table("service_numbers", sa.column("id"), sa.column("e164"), sa.column("region"),
                       sa.column("language"), sa.column("timezone"))
    connection = op.get_bind()
    for row in connection.execute(sa.select(numbers.c.id, numbers.c.e164, numbers.c.region)).all():
        zones = phone_timezones.time_zones_for_number(phonenumbers.parse(row.e164))
        zone = next((z for z in zones if not z.startswith("Etc/")), "Europe/Amsterdam")
        connection.execute(numbers.update().where(numbers.c.id == row.id).values(
            language=_LANGUAGE.get(row.region, "en"), timezone=zone))


def _recordings() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("service_number", sa.String(length=16), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("created_utc", UTC_TIME, nullable=False),
        sa.Column("delete_after_utc", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
    )
    for column in ("call_id", "service_number", "delete_after_utc"):
        op.create_index(op.f(f"ix_recordings_{column}"), "recordings", [column])


def _outbox() -> None:
    op.create_table(
        "voicemail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_path", sa.Text(), nullable=False),
        sa.Column("to_addr", sa.String(length=320), nullable=False),
        sa.Column("service_number", sa.String(length=16), nullable=False),
        sa.Column("caller", sa.Text(), nullable=True),
        sa.Column("call_time_utc", UTC_TIME, nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_utc", UTC_TIME, nullable=False),
        sa.Column("sent_utc", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voicemail_outbox")),
    )
    op.create_index(op.f("ix_voicemail_outbox_next_try_utc"), "voicemail_outbox", ["next_try_utc"])


def downgrade() -> None:
    op.drop_table("voicemail_outbox")
    op.drop_table("recordings")
    with op.batch_alter_table("service_numbers") as batch:
        for column in ("timezone", "language", "voicemail_email", "retention_days", "record", "flow"):
            batch.drop_column(column)
