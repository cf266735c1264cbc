"""Where finished print files live: one directory (``Settings.resolved_print_files_dir``)
shared by every instance and worker, a file per job, named by the job's id.

An attempt writes to a hidden part file of its own (``.job-<id>.attempt-<n>.part``) and
publishes it with one ``os.replace`` to ``job-<id>.<ext>``: a rename within a directory is
atomic, so a reader sees either no file or the whole file, never half of one. An attempt
that dies (kill -9, a lost lease) leaves only its part file, which the next attempt of the
job deletes before it starts again from the first label.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

PUBLISHED = re.compile(r"^job-(\d+)\.[a-z]+$")
PART_SUFFIX = ".part"


def published_path(directory: Path, job_id: int, extension: str) -> Path:
    return directory / f"job-{job_id}.{extension}"


def part_path(directory: Path, job_id: int, attempt: int) -> Path:
    return directory / f".job-{job_id}.attempt-{attempt}{PART_SUFFIX}"


def prepare(directory: Path, job_id: int) -> None:
    """Make the directory; delete what earlier attempts of the job left half-written."""
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob(f".job-{job_id}.attempt-*{PART_SUFFIX}"):
        leftover.unlink(missing_ok=True)


def publish(part: Path, published: Path) -> int:
    """Move the finished part file into place at once; its size in bytes."""
    size = part.stat().st_size
    os.replace(part, published)
    return size


def older_than(directory: Path, cutoff: datetime) -> list[tuple[Path, int | None]]:
    """Files last written before ``cutoff``: published ones with their job id, and part files
    (id ``None``) that a dead attempt of a job never retried left behind."""
    if not directory.is_dir():
        return []
    found: list[tuple[Path, int | None]] = []
    for path in directory.iterdir():
        match = PUBLISHED.match(path.name)
        if not (match or path.name.endswith(PART_SUFFIX)) or not path.is_file():
            continue  # not ours: never delete a file this module did not name
        if path.stat().st_mtime < cutoff.timestamp():
            found.append((path, int(match.group(1)) if match else None))
    return found


def delete(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
