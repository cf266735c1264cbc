from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum
from app.core.principal import Role
from app.core.time import utcnow


class User(Timestamped, Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    # A licensee user acts for exactly one enterprise; staff roles have none.
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    # Staff (admin, regulator, inspector) work for one organisation (app.core.organisations);
    # licensees for none. The principal carries its kind and division.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set when someone else chose the password (a new account, an admin's reset): until the
    # owner picks their own, the console shows only the change page and the API gives no token.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_login_at: Mapped[datetime | None]


class ApiKey(Base):
    """A machine client's key (print shop, ERP). Only a SHA-256 of the secret is stored."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class RefreshFamily(Base):
    """One login and every refresh token rotated from it. Presenting a spent token of the family
    again means two parties hold it (a thief and the owner): the whole family is revoked, and
    with it the access tokens that name it, so neither party keeps the session."""

    __tablename__ = "refresh_family"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class RefreshToken(Base):
    """Refresh tokens rotate on use; a reused (already replaced) token revokes its family."""

    __tablename__ = "refresh_token"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    # None only for tokens issued before families existed (revision 0003).
    family_id: Mapped[int | None] = mapped_column(ForeignKey("refresh_family.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
