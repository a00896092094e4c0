"""Payout holds: premium-rate payouts of a customer (or one number) held back (F22).

A hold stays until released; billing pays out nothing that an active hold covers. A
hold without `number_e164` covers all of the customer's numbers. Fraud measures place
and release holds through this API; release keeps the row (who and when) as evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ringto.store.base import Base
from ringto.store.types import UtcDateTime


class PayoutHold(Base):
    """One hold on a customer's payouts, or on one number's when `number_e164` is set."""

    __tablename__ = "payout_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number_e164: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500))
    held_by: Mapped[str] = mapped_column(String(200))
    held_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    released_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    released_by: Mapped[str | None] = mapped_column(String(200))


def hold_payouts(session: Session, *, customer_id: int, number_e164: str | None, held_by: str,
                 reason: str) -> PayoutHold:
    """Hold the customer's payouts (only `number_e164`'s when given) until released."""
    hold = PayoutHold(customer_id=customer_id, number_e164=number_e164, reason=reason,
                      held_by=held_by, held_utc=datetime.now(UTC))
    session.add(hold)
    session.flush()
    return hold


def release_payouts(session: Session, hold_id: int, *, released_by: str) -> None:
    """Release hold `hold_id`; releasing an already released hold changes nothing."""
    hold = session.get(PayoutHold, hold_id)
    if hold is None:
        raise LookupError(f"payout hold {hold_id} does not exist")
    if hold.released_utc is None:
        hold.released_utc = datetime.now(UTC)
        hold.released_by = released_by
        session.flush()


def active_holds(session: Session, customer_id: int) -> list[PayoutHold]:
    """The customer's holds not yet released, oldest first."""
    query = (select(PayoutHold)
             .where(PayoutHold.customer_id == customer_id, PayoutHold.released_utc.is_(None))
             .order_by(PayoutHold.id))
    return list(session.scalars(query))
