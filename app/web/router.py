"""The home page: where a shopper types the code printed under a QR that will not scan."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.core.permissions import PUBLIC
from app.label.code import normalise
from app.web.i18n import choose_lang
from app.web.templates import render

router = APIRouter(tags=["public pages"], dependencies=[PUBLIC], include_in_schema=False)

# A printed code is 20 characters in groups of four; generous room for spaces and hyphens.
MAX_TYPED_CODE = 64


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {"typed": "", "error": False})


@router.get("/check")
async def check_typed_code(
    request: Request, code: Annotated[str, Query(max_length=MAX_TYPED_CODE)] = ""
) -> Response:
    """The home form's target: the typed code, in any case, with or without hyphens or
    spaces, leads to its verdict page ``/v/{CODE}`` (the same page the QR opens)."""
    lang = choose_lang(request)
    normalised = normalise(code)
    if not normalised:
        return render(request, "home.html", {"typed": code, "error": True}, status_code=422)
    return RedirectResponse(f"/v/{quote(normalised, safe='')}?lang={lang}", status_code=303)
