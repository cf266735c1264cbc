from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK
from app.core.time import utcnow


class ConsoleSession(Base):
    """One browser signed in to the console. The cookie carries a random token; only its
    SHA-256 is stored, so a copy of this table signs nobody in. ``csrf_secret`` is the token
    every state-changing form of the session carries; ``credential_stamp`` is the account's
    password stamp at login (``app.auth.service.credential_stamp``): a password change ends
    the session."""

    __tablename__ = "console_session"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_secret: Mapped[str] = mapped_column(String(64))
    credential_stamp: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
