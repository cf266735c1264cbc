"""``gimark label-key rotate``: a new signing key for label codes (docs/operations.md).

The keys are settings, not data (``app.label.keys``), so the command writes them into the
dotenv file the service reads (``GIMARK_LABEL_KEYS`` and ``GIMARK_LABEL_CURRENT_KEY_ID``) and
records the act in the audit ledger; the service picks the new key up when it restarts."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.acting import acting_admin, as_option
from app.cli.common import run_in_session
from app.core.config import get_settings
from app.label import keys

KEYS_VARIABLE = "GIMARK_LABEL_KEYS"
CURRENT_VARIABLE = "GIMARK_LABEL_CURRENT_KEY_ID"


def _assignment_of(line: str) -> str | None:
    name = line.strip().removeprefix("export ").split("=", 1)[0].strip()
    return name if "=" in line else None


def write_key_settings(path: Path, rotation: keys.Rotation) -> None:
    """Replace (or add) the two variables in ``path``, keeping every other line; written to a
    temporary file first and renamed, readable by the owner only (it holds secrets)."""
    values = {
        KEYS_VARIABLE: f"'{json.dumps(rotation.keys, sort_keys=True)}'",
        CURRENT_VARIABLE: rotation.current_key_id,
    }
    lines = path.read_text().splitlines() if path.exists() else []
    kept = [line for line in lines if _assignment_of(line) not in values]
    kept += [f"{name}={value}" for name, value in values.items()]
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write("\n".join(kept) + "\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.group("label-key")
def label_key() -> None:
    """The HMAC keys that sign label codes (ids only are ever printed)."""


@label_key.command()
@as_option
@click.option("--key-id", help="the new key's id (one Crockford base32 character); default: "
              "the next free one")  # fmt: skip
@click.option(
    "--stage",
    is_flag=True,
    help="add the key so that it verifies, but keep signing with the current one (with several "
    "instances: stage, restart them all, then rotate again with --key-id to make it current)",
)
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".env"),
    show_default=True,
    help="the dotenv file the service reads its settings from",
)
def rotate(acting_as: str, key_id: str | None, stage: bool, env_file: Path) -> None:
    """Add a label key and make it current: new codes carry its id, codes issued before keep
    verifying under their own key. Restart the service to apply it."""
    settings = get_settings()

    async def work(session: AsyncSession) -> keys.Rotation:
        actor = await acting_admin(session, acting_as, "rotate label keys")
        rotation = await keys.rotate(session, actor, settings, key_id, make_current=not stage)
        try:
            write_key_settings(env_file, rotation)
        except OSError as exc:  # the audit event rolls back with it
            raise click.ClickException(f"cannot write {env_file}: {exc.strerror}") from exc
        return rotation

    rotation = run_in_session(work)
    made = "added" if rotation.new_secret else "made current"
    click.echo(
        f"label key {rotation.key_id} {made}; current key id {rotation.current_key_id} "
        f"(was {rotation.previous_key_id}); written to {env_file}; restart the service"
    )
    if KEYS_VARIABLE in os.environ or CURRENT_VARIABLE in os.environ:
        click.echo(
            f"warning: {KEYS_VARIABLE}/{CURRENT_VARIABLE} are set in the environment, which "
            f"overrides {env_file}: update the environment (or unset them) too",
            err=True,
        )


def register(group: click.Group) -> None:
    group.add_command(label_key)
