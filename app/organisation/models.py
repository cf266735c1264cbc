"""The organisation table lives in the kernel (``app.core.organisations``): ``app.auth`` reads
it to make a principal, and auth sits below this domain. This domain is the admin's API and
console over it."""

from __future__ import annotations

from app.core.organisations import Organisation

__all__ = ["Organisation"]
