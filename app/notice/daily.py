"""The in-app daily task that publishes the ledger's head (see ``app.notice.checkpoints``).

Every app worker runs one; they need no coordination, because a day's notice can be published
only once (a unique key), and a worker that finds it already out does one index lookup and
sleeps until the next local midnight. Deployments that prefer cron run
``gimark audit publish-checkpoint`` instead and set ``GIMARK_PUBLISH_AUDIT_CHECKPOINTS=false``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import datetime, time, timedelta

from app.core.db import Database
from app.core.time import utcnow
from app.notice import checkpoints as publication

log = logging.getLogger("gimark.audit")

# After a failure (database down, say) try again soon rather than tomorrow.
RETRY_SECONDS = 300.0
# Workers wake at slightly different moments after midnight instead of all at once.
WAKE_SPREAD_SECONDS = 60.0


def seconds_until_next_local_day(now: datetime) -> float:
    local = now.astimezone(publication.PUBLIC_ZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), time.min, local.tzinfo)
    return (midnight - local).total_seconds()


class DailyCheckpoints:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.attempted = asyncio.Event()  # set once the first attempt has finished
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="gimark-audit-checkpoints")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def publish_today(self) -> bool:
        """One attempt in its own transaction; False (and logged) if it failed."""
        try:
            async with self.database.sessionmaker() as session, session.begin():
                notice = await publication.publish_checkpoint(session)
        except Exception:
            log.exception("publishing today's audit checkpoint failed; retrying later")
            return False
        finally:
            self.attempted.set()
        if notice is not None:
            log.info(
                "published audit checkpoint %s:%s", notice.detail["seq"], notice.detail["hash"]
            )
        return True

    async def _run(self) -> None:
        while True:
            if await self.publish_today():
                spread = random.uniform(1.0, WAKE_SPREAD_SECONDS)  # noqa: S311 - not a secret
                await asyncio.sleep(seconds_until_next_local_day(utcnow()) + spread)
            else:
                await asyncio.sleep(RETRY_SECONDS)
