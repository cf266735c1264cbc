"""The home page: where a shopper types the code printed under a QR that will not scan. The
form's target, ``/check``, is verification's (``app.verification.router.typed_code``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.core.permissions import PUBLIC
from app.web.templates import render

router = APIRouter(tags=["public pages"], dependencies=[PUBLIC], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {"typed": "", "error": False})
