"""`ringto serve` where it cannot listen: a one-line reason naming the setting, no traceback."""

from __future__ import annotations

import socket

from .server import HOST


def test_a_taken_sip_port_stops_the_start_with_a_message_naming_the_setting(make_ringto):
    server = make_ringto(start=False)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind((HOST, server.sip_port))
        result = server.cli("serve", check=False, timeout=30)
    assert result.returncode == 1, result
    assert f"RINGTO_SIP_LISTEN={HOST}:{server.sip_port}: cannot listen there" in result.stderr
    assert "in use" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
