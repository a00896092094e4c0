"""The contract the live detector relies on: every category is one module with frozen
per-type thresholds and a documented rationale, in the root-cause order."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from ringto.fraud.alert import CATEGORIES
from ringto.fraud.destinations import risk_tier
from ringto.fraud.rules import RULES


def test_rules_are_the_eleven_categories_in_root_cause_order() -> None:
    assert tuple(RULES) == CATEGORIES and len(CATEGORIES) == 11


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_rule_has_frozen_thresholds_per_number_type(category: str) -> None:
    module = importlib.import_module(f"ringto.fraud.rules.{category}")
    assert category == module.CATEGORY and len(module.__doc__) > 200
    assert set(module.DEFAULTS) == {"tollfree", "local", "premium"}
    limits = [t for t in module.DEFAULTS.values() if t is not None]
    assert limits
    for limit in limits:
        assert isinstance(limit, module.Thresholds)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(limit, dataclasses.fields(limit)[0].name, 0)


@pytest.mark.parametrize(("destination", "tier"), [
    ("+870772123456", "top"), ("+8816123456", "top"), ("+88213456789", "top"), ("+5352123456", "top"),
    ("+224621234567", "top"), ("+23276123456", "top"), ("+25261123456", "top"), ("+6777412345", "top"),
    ("+68271234", "top"), ("+37190123456", "top"), ("+37120123456", None), ("+21620123456", "high"),
    ("+31201234567", None), ("+442079460001", None), ("sip:1001", None),
])
def test_risk_tiers(destination: str, tier: str | None) -> None:
    assert risk_tier(destination) == tier
