"""The SIP hot path is built as C extensions, and a stale build is caught, not run."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest

from ringto import compiled


@pytest.mark.skipif(bool(os.environ.get("RINGTO_PURE")), reason="RINGTO_PURE=1 asks for no build")
def test_every_hot_path_module_is_compiled() -> None:
    """Each extension is optional at build time, so a failed one must show up here."""
    assert compiled.compiled() == [p.removesuffix(".py").replace("/", ".")
                                   for p in compiled.HOT_PATH]


def _fake_package(root: Path, name: str) -> tuple[Path, Path]:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = package / "hot.py"
    source.write_text("X = 1\n")
    built = package / f"hot{sysconfig.get_config_var('EXT_SUFFIX')}"
    built.write_bytes(b"")  # found by name, never loaded
    return source, built


def test_a_module_edited_after_its_build_is_named_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, built = _fake_package(tmp_path, "stalepkg")
    monkeypatch.syspath_prepend(str(tmp_path))
    paths = ["stalepkg/hot.py"]
    os.utime(source, (1_000, 1_000))
    os.utime(built, (2_000, 2_000))
    assert compiled.compiled(paths) == ["stalepkg.hot"]
    assert compiled.stale(paths) == []
    os.utime(source, (3_000, 3_000))
    assert compiled.stale(paths) == ["stalepkg.hot"]
