"""Chinese first, English on request: ``?lang=en`` wins, then the Accept-Language header."""

from __future__ import annotations

from typing import Literal

from fastapi import Request

Lang = Literal["zh", "en"]


def choose_lang(request: Request) -> Lang:
    if request.scope.get("query_string"):  # most checks (a scanned QR) have none: skip parsing
        asked = request.query_params.get("lang")
        if asked in ("zh", "en"):
            return asked  # type: ignore[return-value]
    return _from_accept_language(request.headers.get("accept-language", ""))


def _from_accept_language(header: str) -> Lang:
    best: tuple[float, Lang] = (0.0, "zh")
    for part in header.split(",")[:10]:
        tag, _, params = part.strip().partition(";")
        weight = _quality(params)
        primary = tag.strip().lower()[:2]
        if primary in ("zh", "en") and weight > best[0]:
            best = (weight, "en" if primary == "en" else "zh")
    return best[1]


def _quality(params: str) -> float:
    params = params.strip()
    if not params.startswith("q="):
        return 1.0
    try:
        return float(params[2:])
    except ValueError:
        return 0.0


def pick(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh
