"""Settings: defaults, environment over file, and a message naming any bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringto.config import ConfigError, load


def test_defaults_give_the_embedded_platform(tmp_path: Path) -> None:
    settings = load({}, tmp_path / "none.toml")
    assert str(settings.sip_listen) == "127.0.0.1:5060"
    assert settings.rtp_ports == (20000, 29999)
    assert settings.rtp_host == "127.0.0.1"  # media on the SIP address unless told otherwise
    assert settings.media_anchor == "always" and settings.media_timeout_s == 60


def test_environment_beats_the_file(tmp_path: Path) -> None:
    toml = tmp_path / "ringto.toml"
    toml.write_text('rtp_ports = "30000-30099"\nmedia_timeout_s = 30\n')
    settings = load({"RINGTO_MEDIA_TIMEOUT_S": "5"}, toml)
    assert settings.rtp_ports == (30000, 30099) and settings.media_timeout_s == 5


@pytest.mark.parametrize(("name", "value"), [
    ("RINGTO_RTP_PORTS", "30000"), ("RINGTO_RTP_PORTS", "40000-30000"), ("RINGTO_RTP_PORTS", "80-90"),
    ("RINGTO_MEDIA_ANCHOR", "sometimes"), ("RINGTO_MEDIA_TIMEOUT_S", "0"), ("RINGTO_TRUNK", "nohost"),
])
def test_a_bad_value_is_refused_by_name(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load({name: value}, tmp_path / "none.toml")
