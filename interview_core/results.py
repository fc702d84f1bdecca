"""What the engine hands back: the original REST payloads and the history list's rows.

Each result's `model_dump()` has exactly the original backend's keys (ORIGINAL_BACKEND_DOC.txt).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from .models import Evaluation, FinalReport, SessionStatus, Turn


class StartResult(BaseModel):
    """`POST /start-interview` response."""

    session_id: str
    question: str


class TurnResult(BaseModel):
    """`POST /submit-answer` response; its dump has exactly the original keys for its state."""

    feedback: Evaluation
    interview_complete: bool
    next_question: str | None = None
    current_round: int | None = None
    final_report: str | None = None
    average_score: float
    #: extras for the app, not part of the REST payload
    report: FinalReport | None = Field(default=None, exclude=True)
    turn: Turn | None = Field(default=None, exclude=True)

    @model_serializer(mode="wrap")
    def _original_keys(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        if self.interview_complete:
            keys = ("feedback", "interview_complete", "final_report", "average_score")
        else:
            keys = ("feedback", "interview_complete", "next_question", "current_round", "average_score")
        return {key: data[key] for key in keys}


class SessionSummary(BaseModel):
    """`GET /session-summary/{id}` response."""

    total_rounds: int
    completed_rounds: int
    average_score: float
    score_history: list[int]
    difficulty_current: int


class SessionInfo(BaseModel):
    """One line of the history list."""

    session_id: str
    created_at: datetime
    updated_at: datetime
    field: str
    interview_type: str
    total_rounds: int
    completed_rounds: int
    average_score: float
    status: SessionStatus

    @property
    def title(self) -> str:
        """e.g. "24 Nov 2026 03:29 · Backend Development · Technical · 2/3 rounds"."""
        return (
            f"{self.created_at:%d %b %Y %H:%M} · {self.field} · {self.interview_type} · "
            f"{self.completed_rounds}/{self.total_rounds} rounds"
        )
