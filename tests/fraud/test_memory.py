"""The detector's state for a million callers fits in 500 MB (issue 5), measured as the
resident memory a fresh process gains while its windows fill (bench/fraud_live.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "fraud_live.py"


@pytest.mark.timeout(300)
def test_a_million_callers_fit_in_500_mb() -> None:
    result = subprocess.run([sys.executable, str(BENCH), "memory", "--callers", "1000000",
                             "--limit-mb", "500"], capture_output=True, text=True, timeout=280)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1000000 callers: +" in result.stdout and "2000000 window keys" in result.stdout
