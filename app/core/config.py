"""Settings read from the environment (prefix ``GIMARK_``) and an optional ``.env`` file.

Development mode generates its secrets on first run and keeps them under ``var/`` so that
tokens and label codes survive a restart; every other mode refuses to start without real ones.
"""

from __future__ import annotations

import json
import secrets
from functools import lru_cache
from ipaddress import ip_address
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.time import DEFAULT_TIME_ZONE, zone_named

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "placeholder"})
DEFAULT_DATA_DIR = Path("var")


def local_base_url(host: str, port: int) -> str:
    """The URL a browser on this machine reaches ``host:port`` at (a wildcard bind is reached
    through the loopback address; an IPv6 literal needs brackets)."""
    try:
        address = ip_address(host.strip("[]"))
    except ValueError:
        return f"http://{host}:{port}"  # a host name
    if address.is_unspecified:
        address = ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"http://[{address}]:{port}" if address.version == 6 else f"http://{address}:{port}"


class ConfigurationError(RuntimeError):
    """The settings cannot run the service; the message names the variable to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GIMARK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    mode: Literal["development", "test", "production"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    # Where ``gimark serve`` listens (``--host``/``--port`` set these for the whole process
    # tree); when GIMARK_PUBLIC_BASE_URL is unset, printed URLs and QR codes follow them.
    serve_host: str = "127.0.0.1"
    serve_port: int = Field(default=8000, ge=1, le=65535)
    public_base_url: str = ""
    jwt_secret: str = ""
    access_token_minutes: int = Field(default=15, ge=1, le=30)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    # {"key id": "hex secret"}; the key id is one Crockford base32 character printed in every code.
    label_keys: dict[str, str] = Field(default_factory=dict)
    label_current_key_id: str = ""
    redis_url: str | None = None
    trusted_proxies: list[str] = Field(default_factory=list)
    db_pool_size: int = Field(default=10, ge=1)
    # A streaming replica the public check may read from (PostgreSQL, batched scans), only once
    # it has replayed the last trust change (app/verification/replica.py); else the primary.
    replica_database_url: str | None = None
    replica_timeout_seconds: float = Field(default=1.0, gt=0, le=30)
    # Scans are buffered and written in batches off the hot path; "inline" writes each one in
    # the request's own transaction (tests, or a deployment that wants no buffer at all).
    scan_write_mode: Literal["batched", "inline"] = "batched"
    scan_flush_seconds: float = Field(default=0.5, gt=0, le=60)
    # The most scans the buffer holds while the database cannot take them (an outage): beyond
    # it the oldest are dropped, and counted in /metrics. ~300 bytes each: 100,000 ≈ 30 MB.
    scan_buffer_max: int = Field(default=100_000, ge=1)
    # While the database is down the public check answers from the verdicts this worker read
    # before, at most this old, marked "as of"; an older or unread code gets 503.
    outage_answer_max_hours: float = Field(default=24, ge=0)
    # /metrics (Prometheus text) answers only a request bearing this token; unset: 404.
    metrics_token: str = ""
    # One log line per request (JSON for log shippers; "text" reads better in development).
    log_format: Literal["json", "text"] = "json"
    log_requests: bool = True
    # Public rate limits (README "Rate limits"); per IPv4 address or IPv6 /64 unless noted.
    rate_limit_checks_per_minute: int = Field(default=12_000, ge=1)  # every code check
    rate_limit_bad_codes_per_hour: int = Field(default=120, ge=1)  # distinct bad codes
    rate_limit_reports_per_hour: int = Field(default=20, ge=1)
    rate_limit_reports_per_code_per_hour: int = Field(default=10, ge=1)  # from everyone
    public_rate_limit_per_minute: int = Field(default=600, ge=1)  # register and notices
    # Consumer reports are finished within this many working days of receipt (accepting them
    # takes at most 7, a national rule); 30 = the 15 working days to verify a 举报 plus the one
    # extension of 15 the national rules allow (app/report/deadlines.py says more).
    report_finish_working_days: int = Field(default=30, ge=7, le=366)
    # The staff console's cookie sessions (app/console): signed out after this long without a
    # request, and after this long in any case; login attempts per account and per address.
    console_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    console_absolute_hours: int = Field(default=12, ge=1, le=7 * 24)
    console_logins_per_account_per_15_minutes: int = Field(default=10, ge=1)
    console_logins_per_address_per_minute: int = Field(default=30, ge=1)
    # A server-wide cap on one batch's labels, below the schema's 10 million: the fuzzing run
    # (scripts/fuzz) sets it low so that fuzzed batch requests cannot issue millions of codes.
    max_batch_quantity: int = Field(default=10_000_000, ge=1)
    # Print files built in the background (``app.jobs.print_files``): a range of more live labels
    # than the threshold becomes a job; its file lands in the directory (default
    # ``<data_dir>/print``; every instance and worker must see the same one) and is deleted
    # after ``print_files_keep_days``.
    print_files_dir: Path | None = None
    print_files_keep_days: int = Field(default=7, ge=1, le=365)
    print_background_threshold: int = Field(default=10_000, ge=1)
    # Issuance over HTTP (issue 16): a batch of at least this many labels is issued by the job
    # worker (its own process, at a lower CPU priority), not in the request, which answers 202
    # with the job to poll; smaller batches are issued in the request as before.
    issue_in_job_from: int = Field(default=100_000, ge=1)
    # Working days an enterprise has to object to a failing result and ask for a re-test,
    # counted from the day it is notified (issue 14, point 3).
    objection_working_days: int = Field(default=7, ge=1, le=60)
    # The zone of public calendar days and times (pages, public JSON); storage stays UTC.
    time_zone: str = DEFAULT_TIME_ZONE
    # The appeal periods every adverse act states (app.core.appeals): administrative review
    # (行政复议法 art. 20: 60 days) and an administrative suit (行政诉讼法 art. 46: 6 months).
    appeal_review_days: int = Field(default=60, ge=1, le=366)
    appeal_litigation_months: int = Field(default=6, ge=1, le=36)
    sql_echo: bool = False

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone_named(value)
        return value

    @field_validator("public_base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _public_base_url_follows_serve(self) -> Settings:
        if not self.public_base_url:
            self.public_base_url = local_base_url(self.serve_host, self.serve_port)
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'gimark.db'}"

    @property
    def resolved_print_files_dir(self) -> Path:
        return self.print_files_dir or self.data_dir / "print"

    def label_key_bytes(self) -> dict[str, bytes]:
        return {key_id: bytes.fromhex(secret) for key_id, secret in self.label_keys.items()}


def _development_secrets(data_dir: Path) -> dict[str, object]:
    """Secrets generated once per checkout, so a developer never has to invent them."""
    path = data_dir / "dev-secrets.json"
    if path.exists():
        stored: dict[str, object] = json.loads(path.read_text())
        return stored
    generated: dict[str, object] = {
        "jwt_secret": secrets.token_urlsafe(48),
        "label_keys": {"1": secrets.token_hex(32)},
        "label_current_key_id": "1",
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generated, indent=2))
    path.chmod(0o600)
    return generated


def _missing_secrets(settings: Settings) -> list[str]:
    problems = []
    if settings.jwt_secret.strip().lower() in PLACEHOLDER_SECRETS or len(settings.jwt_secret) < 32:
        problems.append("GIMARK_JWT_SECRET (at least 32 characters, not a placeholder)")
    if not settings.label_keys:
        problems.append('GIMARK_LABEL_KEYS (JSON object {"key id": "hex secret"})')
    elif settings.label_current_key_id not in settings.label_keys:
        problems.append("GIMARK_LABEL_CURRENT_KEY_ID (must name one of GIMARK_LABEL_KEYS)")
    for key_id, secret in settings.label_keys.items():
        if secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < 32:
            problems.append(f"GIMARK_LABEL_KEYS[{key_id!r}] (at least 16 random bytes as hex)")
    return problems


def load_settings() -> Settings:
    settings = Settings()
    if settings.mode == "development":
        generated = _development_secrets(settings.data_dir)
        defaults = {k: v for k, v in generated.items() if not getattr(settings, k)}
        settings = settings.model_copy(update=defaults)
    problems = _missing_secrets(settings)
    if problems:
        raise ConfigurationError(
            f"gimark refuses to start in {settings.mode} mode; set: " + "; ".join(problems)
        )
    return settings


@lru_cache
def get_settings() -> Settings:
    return load_settings()
