"""Run the real ``gimark`` command (click's entry point) against a test database.

The CLI builds its own engine from GIMARK_* settings and drives it with ``asyncio.run``, so it
is invoked in a worker thread from async tests, with the settings cache cleared around it."""

from __future__ import annotations

import asyncio
import secrets

from click.testing import CliRunner, Result

from app.cli import main
from app.core.config import get_settings

LABEL_KEYS = '{"1": "' + "11" * 32 + '", "2": "' + "22" * 32 + '"}'


def cli_env(database_url: str) -> dict[str, str]:
    return {
        "GIMARK_MODE": "test",
        "GIMARK_DATABASE_URL": database_url,
        "GIMARK_JWT_SECRET": secrets.token_urlsafe(48),
        "GIMARK_LABEL_KEYS": LABEL_KEYS,
        "GIMARK_LABEL_CURRENT_KEY_ID": "2",
        "GIMARK_PUBLIC_BASE_URL": "https://gi.example.cn",
    }


def invoke(database_url: str, *args: str, input: str | None = None) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(main, list(args), env=cli_env(database_url), input=input)
    finally:
        get_settings.cache_clear()


async def run_cli(database_url: str, *args: str, input: str | None = None) -> Result:
    return await asyncio.to_thread(invoke, database_url, *args, input=input)
