"""docker compose cannot run here; at least keep the file well-formed and complete."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_app_database_and_redis_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"app", "db", "redis"} <= services.keys()
    for name in ("app", "db", "redis"):
        assert "test" in services[name]["healthcheck"]
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["environment"]["GIMARK_DATABASE_URL"].startswith("postgresql+asyncpg://")
