"""The declarative base every domain's models share, so one metadata holds all tables.

Domains own their models (`numbers/models.py`, `calls/models.py`) and import `Base` from
here; the store itself knows no domain.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so migrations can drop or alter them identically on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of all ringto tables."""

    metadata = MetaData(naming_convention=NAMING)
