"""Session persistence: SQLAlchemy (SQLite by default, PostgreSQL for several replicas).

Every write is a compare-and-set on the number of scored rounds, so two
processes answering the same round can never record two evaluations: the
second write finds the count moved and raises `ConcurrentUpdate`.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import DateTime, Float, Integer, String, Text, create_engine, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .errors import ConcurrentUpdate, ConfigurationError, SessionNotFound
from .models import InterviewSession, utcnow
from .results import SessionInfo


class SessionStore(Protocol):
    def create(self, session: InterviewSession) -> None: ...

    def get(self, session_id: str) -> InterviewSession: ...

    def save(self, session: InterviewSession, *, expected_completed: int) -> None:
        """Write `session` if the stored one still has `expected_completed` scored rounds."""
        ...

    def list_sessions(self, limit: int = 200) -> list[SessionInfo]: ...

    def delete(self, session_id: str) -> None: ...


def _info(session: InterviewSession) -> SessionInfo:
    return SessionInfo(
        session_id=session.session_id,
        created_at=session.created_at,
        updated_at=session.updated_at,
        field=session.field,
        interview_type=session.interview_type,
        total_rounds=session.total_rounds,
        completed_rounds=session.completed_rounds,
        average_score=session.average_score,
        status=session.status,
    )


class MemoryStore:
    """A store in memory, for tests; same semantics as the SQL store."""

    def __init__(self) -> None:
        self._rows: dict[str, str] = {}
        self._lock = threading.Lock()

    def create(self, session: InterviewSession) -> None:
        with self._lock:
            self._rows[session.session_id] = session.model_dump_json()

    def get(self, session_id: str) -> InterviewSession:
        with self._lock:
            raw = self._rows.get(session_id)
        if raw is None:
            raise SessionNotFound(session_id)
        return InterviewSession.model_validate_json(raw)

    def save(self, session: InterviewSession, *, expected_completed: int) -> None:
        with self._lock:
            raw = self._rows.get(session.session_id)
            if raw is None:
                raise SessionNotFound(session.session_id)
            stored = InterviewSession.model_validate_json(raw)
            if stored.completed_rounds != expected_completed:
                raise ConcurrentUpdate("This round was already answered in another window or request.")
            session.updated_at = utcnow()
            self._rows[session.session_id] = session.model_dump_json()

    def list_sessions(self, limit: int = 200) -> list[SessionInfo]:
        with self._lock:
            sessions = [InterviewSession.model_validate_json(raw) for raw in self._rows.values()]
        sessions.sort(key=lambda s: s.created_at, reverse=True)
        return [_info(s) for s in sessions[:limit]]

    def delete(self, session_id: str) -> None:
        with self._lock:
            if self._rows.pop(session_id, None) is None:
                raise SessionNotFound(session_id)


class _Base(DeclarativeBase):
    pass


class SessionRow(_Base):
    __tablename__ = "interview_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    field: Mapped[str] = mapped_column(String(200))
    interview_type: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    total_rounds: Mapped[int] = mapped_column(Integer)
    completed_rounds: Mapped[int] = mapped_column(Integer)
    average_score: Mapped[float] = mapped_column(Float)
    #: bumped on every write; handy for debugging and external readers
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[str] = mapped_column(Text)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class SqlStore:
    """Sessions in a SQL database through SQLAlchemy."""

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        try:
            if engine is None:
                if url.startswith("sqlite"):
                    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
                    event.listen(engine, "connect", _sqlite_pragmas)
                else:
                    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
            _Base.metadata.create_all(engine)
        except Exception as exc:  # any driver or URL problem
            raise ConfigurationError(
                f"Could not open the interview database ({type(exc).__name__}). "
                "Check INTERVIEW_DB_URL, e.g. sqlite:///interviews.db or postgresql+psycopg://user:pw@host/db."
            ) from exc
        self.engine = engine

    def create(self, session: InterviewSession) -> None:
        with Session(self.engine) as db, db.begin():
            db.add(
                SessionRow(
                    session_id=session.session_id,
                    created_at=session.created_at,
                    data=session.model_dump_json(),
                    version=1,
                    **self._columns(session),
                )
            )

    def get(self, session_id: str) -> InterviewSession:
        _check_id(session_id)
        with Session(self.engine) as db:
            raw = db.scalar(select(SessionRow.data).where(SessionRow.session_id == session_id))
        if raw is None:
            raise SessionNotFound(session_id)
        return InterviewSession.model_validate_json(raw)

    def save(self, session: InterviewSession, *, expected_completed: int) -> None:
        _check_id(session.session_id)
        session.updated_at = utcnow()
        statement = (
            update(SessionRow)
            .where(SessionRow.session_id == session.session_id)
            .where(SessionRow.completed_rounds == expected_completed)
            .values(data=session.model_dump_json(), version=SessionRow.version + 1, **self._columns(session))
        )
        with Session(self.engine) as db, db.begin():
            changed = db.execute(statement).rowcount
        if changed != 1:
            self.get(session.session_id)  # raises SessionNotFound when it is gone
            raise ConcurrentUpdate("This round was already answered in another window or request.")

    def list_sessions(self, limit: int = 200) -> list[SessionInfo]:
        columns = [
            SessionRow.session_id,
            SessionRow.created_at,
            SessionRow.updated_at,
            SessionRow.field,
            SessionRow.interview_type,
            SessionRow.total_rounds,
            SessionRow.completed_rounds,
            SessionRow.average_score,
            SessionRow.status,
        ]
        with Session(self.engine) as db:
            rows = db.execute(select(*columns).order_by(SessionRow.created_at.desc()).limit(limit)).all()
        return [SessionInfo.model_validate(_aware(row._asdict())) for row in rows]

    def delete(self, session_id: str) -> None:
        _check_id(session_id)
        with Session(self.engine) as db, db.begin():
            row = db.get(SessionRow, session_id)
            if row is None:
                raise SessionNotFound(session_id)
            db.delete(row)

    @staticmethod
    def _columns(session: InterviewSession) -> dict:
        return {
            "updated_at": session.updated_at,
            "field": session.field[:200],
            "interview_type": session.interview_type[:200],
            "status": session.status,
            "total_rounds": session.total_rounds,
            "completed_rounds": session.completed_rounds,
            "average_score": session.average_score,
        }


def _check_id(session_id: str) -> None:
    """An id no session can have (PostgreSQL refuses NUL and over-long keys) is simply not found."""
    if "\x00" in session_id or len(session_id) > 64:
        raise SessionNotFound(session_id[:64].replace("\x00", ""))


def _aware(values: dict) -> dict:
    """SQLite hands datetimes back without their UTC offset; put it back."""
    for key in ("created_at", "updated_at"):
        if values[key].tzinfo is None:
            values[key] = values[key].replace(tzinfo=UTC)
    return values


def store_from_url(url: str) -> SessionStore:
    """`memory://` for a throwaway store, anything else is a SQLAlchemy URL."""
    if url.startswith("memory:"):
        return MemoryStore()
    return SqlStore(url)
