"""Settings: `RINGTO_*` environment variables over an optional `ringto.toml`, over defaults.

Every command reads the same settings, so `ringto calls list` beside a running
`ringto serve` sees that server's database. A bad value stops the start with a message
that names the setting (`ConfigError`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .media.ports import PortRangeError, parse_port_range


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names it."""


@dataclass(frozen=True)
class HostPort:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    sip_listen: HostPort
    web_listen: HostPort
    data_dir: Path
    database_url: str
    trunk: HostPort
    default_region: str
    max_pending: int
    max_loop_lag_ms: float
    max_queue_ms: float
    retry_after_s: int
    log_level: str
    rtp_ports: tuple[int, int]
    rtp_host: str
    media_anchor: str
    media_timeout_s: float
    # Voicemail mail (F7): smtp[s]://[user:password@]host[:port][?starttls=1], or
    # maildrop:[FOLDER] to write .eml files (default FOLDER: <data_dir>/maildrop).
    smtp_url: str = "maildrop:"
    mail_from: str = "ringto voicemail <voicemail@localhost>"
    fraud_redis_url: str = ""  # empty: fraud windows in process memory (one node)


DEFAULTS: dict[str, str] = {
    "sip_listen": "127.0.0.1:5060",
    "web_listen": "127.0.0.1:8080",
    "data_dir": "./var",
    "database_url": "",
    "trunk": "127.0.0.1:5070",
    "default_region": "NL",
    "max_pending": "2000",
    "max_loop_lag_ms": "200",
    "max_queue_ms": "300",
    "retry_after_s": "5",
    "log_level": "info",
    "rtp_ports": "20000-29999",
    "rtp_host": "",
    "media_anchor": "always",
    "media_timeout_s": "60",
    "smtp_url": "maildrop:",
    "mail_from": "ringto voicemail <voicemail@localhost>",
    "fraud_redis_url": "",
}


def parse_hostport(name: str, value: str) -> HostPort:
    host, sep, port = value.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f"RINGTO_{name.upper()}={value!r}: expected host:port, e.g. 127.0.0.1:5060"
        )
    return HostPort(host.strip("[]"), int(port))


def _positive(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number <= 0:
        raise ConfigError(f"RINGTO_{name.upper()}={value!r}: expected a positive number")
    return number


def _port_range(value: str) -> tuple[int, int]:
    try:
        return parse_port_range(value)
    except PortRangeError as exc:
        raise ConfigError(f"RINGTO_RTP_PORTS: {exc}") from exc


def _raw_values(environ: dict[str, str], toml_path: Path | None) -> dict[str, str]:
    values = dict(DEFAULTS)
    path = toml_path or Path(environ.get("RINGTO_CONFIG", "ringto.toml"))
    if path.exists():
        try:
            loaded = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        for key, value in loaded.items():
            if key not in DEFAULTS:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[key] = str(value)
    for key in DEFAULTS:
        env = environ.get(f"RINGTO_{key.upper()}")
        if env is not None:
            values[key] = env
    return values


def load(environ: dict[str, str] | None = None, toml_path: Path | None = None) -> Settings:
    raw = _raw_values(dict(os.environ if environ is None else environ), toml_path)
    data_dir = Path(raw["data_dir"])
    url = raw["database_url"] or f"sqlite:///{data_dir / 'ringto.db'}"
    if "://" not in url:
        raise ConfigError(f"RINGTO_DATABASE_URL={url!r}: expected a URL like sqlite:///var/ringto.db")
    level = raw["log_level"].lower()
    if level not in ("debug", "info", "warning", "error"):
        raise ConfigError(f"RINGTO_LOG_LEVEL={level!r}: expected debug, info, warning or error")
    region = raw["default_region"].upper()
    if len(region) != 2 or not region.isalpha():
        raise ConfigError(f"RINGTO_DEFAULT_REGION={region!r}: expected a country code like NL")
    return Settings(
        sip_listen=parse_hostport("sip_listen", raw["sip_listen"]),
        web_listen=parse_hostport("web_listen", raw["web_listen"]),
        data_dir=data_dir,
        database_url=url,
        trunk=parse_hostport("trunk", raw["trunk"]),
        default_region=region,
        max_pending=int(_positive("max_pending", raw["max_pending"])),
        max_loop_lag_ms=_positive("max_loop_lag_ms", raw["max_loop_lag_ms"]),
        max_queue_ms=_positive("max_queue_ms", raw["max_queue_ms"]),
        retry_after_s=int(_positive("retry_after_s", raw["retry_after_s"])),
        log_level=level,
        rtp_ports=_port_range(raw["rtp_ports"]),
        rtp_host=raw["rtp_host"] or parse_hostport("sip_listen", raw["sip_listen"]).host,
        media_anchor=_choice("media_anchor", raw["media_anchor"], ("always", "needed")),
        media_timeout_s=_positive("media_timeout_s", raw["media_timeout_s"]),
        smtp_url=_smtp_url(raw["smtp_url"]),
        mail_from=raw["mail_from"],
        fraud_redis_url=_redis_url(raw["fraud_redis_url"]),
    )


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    value = value.strip().lower()
    if value not in allowed:
        raise ConfigError(f"RINGTO_{name.upper()}={value!r}: expected one of {', '.join(allowed)}")
    return value


def _smtp_url(value: str) -> str:
    scheme, _, rest = value.strip().partition(":")
    if scheme == "maildrop" or (scheme in ("smtp", "smtps") and rest.startswith("//") and len(rest) > 2):
        return value.strip()
    raise ConfigError(f"RINGTO_SMTP_URL={value!r}: expected smtp://host[:port], smtps://host[:port] "
                      "or maildrop:[folder]")


def _redis_url(url: str) -> str:
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"RINGTO_FRAUD_REDIS_URL={url!r}: expected a URL like redis://127.0.0.1:6379/0")
    return url

