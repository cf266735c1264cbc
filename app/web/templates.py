"""Server-rendered public pages: one Jinja2 environment, autoescaped, templates in this package.

Pages carry no external assets (inline CSS, no fonts, no scripts from elsewhere) so that they
load in one round trip on a slow mobile network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.web.i18n import Lang, choose_lang, pick

TEMPLATE_DIR = Path(__file__).parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    lang: Lang | None = None,
) -> HTMLResponse:
    """Render ``template`` with ``lang``, ``t(zh, en)`` and a link to the other language."""
    lang = lang or choose_lang(request)
    other: Lang = "en" if lang == "zh" else "zh"
    switch_url = request.url.include_query_params(lang=other)
    html = environment.get_template(template).render(
        **context,
        lang=lang,
        t=lambda zh, en: pick(lang, zh, en),
        switch_url=str(switch_url.path) + "?" + switch_url.query,
        switch_label="English" if lang == "zh" else "中文",
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = "en" if lang == "en" else "zh-CN"
    response.headers["Vary"] = "Accept-Language"
    return response
