"""The console's pages: one Jinja2 environment, autoescaped, templates and the stylesheet in
this package (vendored, no CDN, no web font: the pages work on a bureau's closed network).

Language: ``?lang=`` wins and is remembered in a cookie, then that cookie, then the browser's
Accept-Language as on the public pages (``app.web.i18n``); Chinese when nothing says English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.appeal.service import ACT_NAMES
from app.console.deps import CSRF_FIELD, current_visit
from app.console.wording import state_name
from app.core.permissions import can
from app.core.time import public_datetime
from app.web.i18n import Lang, choose_lang, pick

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
LANG_COOKIE = "gimark_lang"

environment = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
environment.globals["state_name"] = state_name
environment.globals["appeal_act_names"] = ACT_NAMES

# (path, Chinese, English, the action that shows the entry): the nav follows the permission
# check, never role names, so a role's menu changes with POLICY alone.
NAV = (
    ("/console", "概览", "Overview", "console.home"),
    ("/console/licences", "许可证", "Licences", "licence.list"),
    ("/console/licences/new", "申请许可证", "Apply for a licence", "licence.apply"),
    ("/console/batches", "标签批次", "Batches", "batch.list"),
    ("/console/batches/new", "申请标签批次", "Request a batch", "batch.request"),
    ("/console/items", "商品与 GTIN", "Trade items", "item.list"),
    ("/console/origin", "原料来源", "Origin", "growing_base.list"),
    ("/console/queues", "待办事项", "Work queues", "console.queues"),
    ("/console/revocations", "吊销", "Revocations", "revocation.list"),
    ("/console/credit", "失信名单", "Credit list", "credit.read"),
    ("/console/inspection-plans", "抽查计划", "Inspection plans", "inspection_plan.list"),
    ("/console/objections", "异议与复检", "Objections and re-tests", "objection.list"),
    ("/console/audit", "审计日志", "Audit trail", "audit.list"),
    (
        "/console/inspections/mine",
        "我的抽检批次",
        "My assigned batches",
        "inspection_assignment.list_mine",
    ),
    ("/console/scans/suspicious", "疑似仿冒标签码", "Suspicious codes", "scan.suspicious"),
    ("/console/reports", "消费者举报", "Consumer reports", "report.list"),
    ("/console/products", "地理标志产品", "GI products", "product.create"),
    ("/console/enterprises", "企业名录", "Enterprises", "enterprise.list"),
    ("/console/roster", "生产经营主体名录", "Producer roster", "roster.list"),
    ("/console/use-rate", "专用标志使用率", "Mark-use rate", "use_rate.read"),
    ("/console/use-reports", "年度使用报告", "Annual use reports", "use_report.list"),
    ("/console/ledger", "管理台账", "Ledger", "ledger.read"),
    ("/console/statistics", "统计分析", "Statistics", "statistics.read"),
    ("/console/admin/users", "用户与角色", "Users and roles", "user.list"),
    ("/console/admin/organisations", "机构", "Organisations", "organisation.list"),
    ("/console/admin/keys", "API 密钥", "API keys", "api_key.list"),
    ("/console/admin/label-keys", "标签密钥编号", "Label-key ids", "label_key.list"),
)


def console_lang(request: Request) -> Lang:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in ("zh", "en"):
        return asked  # type: ignore[return-value]
    return choose_lang(request)


def local_time(instant: Any) -> str:
    return public_datetime(instant).strftime("%Y-%m-%d %H:%M") if instant else "—"


def _nav(request: Request, path: str) -> list[dict[str, Any]]:
    visit = current_visit(request)
    if visit is None:
        return []
    principal = visit.principal
    return [
        {"href": href, "zh": zh, "en": en, "current": href == path}
        for href, zh, en, action in NAV
        if can(principal, action)
    ]


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render ``template`` with ``lang``, ``t(zh, en)``, the session's CSRF field, the nav and
    a link to the other language."""
    lang = console_lang(request)
    other: Lang = "en" if lang == "zh" else "zh"
    switch = request.url.include_query_params(lang=other)
    visit = current_visit(request)
    values = {
        "csrf_token": visit.csrf_token if visit else "",  # the login form passes its own
        **context,
    }
    html = environment.get_template(template).render(
        **values,
        lang=lang,
        t=lambda zh, en: pick(lang, zh, en),
        when=local_time,
        switch_url=f"{switch.path}?{switch.query}",
        switch_label="English" if lang == "zh" else "中文",
        user_name=visit.display_name if visit else None,
        csrf_field=CSRF_FIELD,
        nav=_nav(request, request.url.path),
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = "en" if lang == "en" else "zh-CN"
    response.headers["Cache-Control"] = "no-store"  # a signed-in page stays off shared caches
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/console")
    return response
