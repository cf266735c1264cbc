"""docker compose cannot run here: the compose files are validated against the Compose
Specification's own JSON schema (vendored in compose_spec/, Apache 2.0), and what gimark relies
on in them is checked by name."""

import json
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("compose_spec") / "compose-spec.json"
COMPOSE_FILES = ["docker-compose.yml", "docker-compose.scale.yml"]


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_file_is_valid_by_the_compose_spec_schema(name: str) -> None:
    validator = jsonschema_rs.Draft7Validator(json.loads(SCHEMA.read_text()))
    errors = [
        f"{'/'.join(map(str, e.instance_path))}: {e.message}"
        for e in validator.iter_errors(load(name))
    ]
    assert errors == []


def test_the_schema_check_can_fail() -> None:
    validator = jsonschema_rs.Draft7Validator(json.loads(SCHEMA.read_text()))
    condition = load("docker-compose.yml")
    condition["services"]["app"]["depends_on"]["db"]["condition"] = "when_it_feels_like_it"
    misspelt = load("docker-compose.yml")
    misspelt["services"]["db"]["imagee"] = misspelt["services"]["db"].pop("image")
    assert not validator.is_valid(condition) and not validator.is_valid(misspelt)


def test_compose_has_app_database_and_redis_with_health_checks() -> None:
    services = load("docker-compose.yml")["services"]
    assert {"app", "db", "redis"} <= services.keys()
    for name in ("app", "db", "redis"):
        assert "test" in services[name]["healthcheck"]
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["environment"]["GIMARK_DATABASE_URL"].startswith("postgresql+asyncpg://")


def test_scale_topology_has_what_docs_scaling_describes() -> None:
    compose = load("docker-compose.scale.yml")
    services = compose["services"]
    assert {
        "proxy",
        "app",
        "worker",
        "migrate",
        "db-primary",
        "db-replica",
        "pgbouncer",
        "redis",
    } <= services.keys()
    app = services["app"]
    assert app["deploy"]["replicas"] >= 2  # several stateless instances
    env = app["environment"]
    assert "@pgbouncer:" in env["GIMARK_DATABASE_URL"]
    assert "@pgbouncer:" in env["GIMARK_REPLICA_DATABASE_URL"]
    assert env["GIMARK_REDIS_URL"].startswith("redis://redis:")  # shared rate limits
    assert env["GIMARK_JOBS_IN_APP"] == "false"  # heavy work in the worker service
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # Every file a service mounts from the repository exists.
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), source
    pgbouncer = (ROOT / "deploy/pgbouncer/pgbouncer.ini").read_text()
    assert "gimark_replica = host=db-replica" in pgbouncer
