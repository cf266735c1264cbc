"""Several uvicorn workers, one ``/metrics``: with ``PROMETHEUS_MULTIPROC_DIR`` whichever
worker answers the scrape reports every worker's requests (the client library's multiprocess
mode), read back with its own parser."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families
from serving import METRICS_TOKEN, seed, server_env, uvicorn_server

pytestmark = pytest.mark.dbless  # it brings its own database and server

BATCH = 24


async def _fresh_connection_checks(base: str, code: str) -> int:
    """A batch of checks, each on a connection of its own (a keep-alive connection stays
    with the worker that accepted it)."""

    async def one() -> int:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            return (await client.get(f"/api/v1/verify/{code}")).status_code

    statuses = await asyncio.gather(*(one() for _ in range(BATCH)))
    assert statuses == [200] * BATCH
    return BATCH


async def _checks_until_both_answer(base: str, code: str, folder) -> int:
    sent = 0
    for _ in range(20):
        sent += await _fresh_connection_checks(base, code)
        await asyncio.sleep(1.2)  # each worker moves its counts into its file once a second
        shares = [_checks_in(path) for path in folder.glob("counter_*.db")]
        if len(shares) == 2 and all(shares):
            break
    return sent


async def _scrapes(base: str) -> list[str]:
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    texts = []
    for _ in range(4):  # fresh connections: the scrapes reach either worker
        async with httpx.AsyncClient(base_url=base, timeout=10) as scraper:
            texts.append((await scraper.get("/metrics", headers=auth)).text)
    return texts


def _verify_count(text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "gimark_http_requests_total"
        and sample.labels["route"] == "/api/v1/verify/{code}"
        and sample.labels["status"] == "200"
    )


def test_two_workers_are_summed_in_one_scrape(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'metrics.db'}"
    (code,) = asyncio.run(seed(url, labels=1))
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = server_env(url, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(folder))
    with uvicorn_server(env, tmp_path, workers=2) as server:
        sent = asyncio.run(_checks_until_both_answer(server.base, code, folder))
        scrapes = asyncio.run(_scrapes(server.base))
    # Each worker's own file: both answered checks, so neither alone holds the total...
    shares = [_checks_in(path) for path in folder.glob("counter_*.db")]
    assert len(shares) == 2 and all(0 < share < sent for share in shares), shares
    # ... and every scrape, whichever worker answered it, reports the total.
    assert [_verify_count(text) for text in scrapes] == [sent] * 4


def _checks_in(path) -> float:
    return sum(
        value
        for key, value, _timestamp, _pos in MmapedDict.read_all_values_from_file(str(path))
        if '"/api/v1/verify/{code}"' in key and '"200"' in key and "_total" in key
    )
