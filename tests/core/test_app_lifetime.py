"""An app nobody references any more is freed. FastAPI caches every endpoint and dependency for
the life of the process; an endpoint that closed over its app kept each app made alive, with its
engine, caches and routes: the test suite (thousands of apps) grew to 3 GB and spent minutes in
the garbage collector when it exited."""

from __future__ import annotations

import gc
import weakref

import pytest

from app.core.config import Settings
from app.main import create_app

pytestmark = pytest.mark.dbless


def test_an_app_is_freed_when_its_last_reference_goes(test_settings: Settings) -> None:
    settings = test_settings.model_copy(update={"database_url": "sqlite+aiosqlite://"})
    made = [weakref.ref(create_app(settings)) for _ in range(3)]
    gc.collect()
    assert [ref() for ref in made] == [None, None, None]
