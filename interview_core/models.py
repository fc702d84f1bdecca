"""Data crossing a boundary: config, evaluation, turn, session and results.

Field names follow the original backend's contract (ORIGINAL_BACKEND_DOC.txt).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from statistics import mean
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from .difficulty import MAX_DIFFICULTY, MIN_DIFFICULTY

MAX_ROUNDS = 20
MAX_FIELD_CHARS = 100
MAX_RESUME_CHARS = 20_000
MAX_JOB_DESCRIPTION_CHARS = 10_000
#: Answers longer than this are refused with a message (about 15 minutes of speech).
MAX_ANSWER_CHARS = 8_000

INTERVIEW_TYPES = ("Technical", "Behavioral", "HR/General", "System Design", "Case")
PERSONAS = ("friendly", "neutral", "tough")
Persona = Literal["friendly", "neutral", "tough"]
Recommendation = Literal["Strong hire", "Hire", "Lean hire", "Lean no hire", "No hire"]
DIMENSIONS = ("communication", "technical", "confidence")


def utcnow() -> datetime:
    return datetime.now(UTC)


class InterviewConfig(BaseModel):
    """What the candidate chose on the setup form (the original start-interview body)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    field: str = Field(description="Job field, e.g. 'Software Engineering'", examples=["Software Engineering"])
    interview_type: str = Field(default="Technical", examples=["Technical"])
    difficulty: int = Field(default=5, description="Starting difficulty, 1-10", examples=[5])
    total_rounds: int = Field(default=3, description="Number of questions, 1-20", examples=[3])
    resume: str = Field(default="", description="Resume text (optional)")
    job_description: str = Field(default="", description="Job description text (optional)")
    persona: Persona = Field(default="neutral", description="Interviewer tone: friendly, neutral or tough")

    @field_validator("field", "interview_type", "resume", "job_description", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # NUL never belongs in text, and PostgreSQL refuses to store it
        return value.replace("\x00", "") if isinstance(value, str) else value

    @field_validator("field")
    @classmethod
    def _field_present(cls, value: str) -> str:
        if not value:
            raise ValueError("Please name the field you are interviewing for (e.g. 'Data Science').")
        if len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"The field name is too long; keep it under {MAX_FIELD_CHARS} characters.")
        return value

    @field_validator("interview_type")
    @classmethod
    def _type_present(cls, value: str) -> str:
        if not value:
            return "Technical"
        if len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"The interview type is too long; keep it under {MAX_FIELD_CHARS} characters.")
        return value

    @field_validator("difficulty", mode="before")
    @classmethod
    def _difficulty_range(cls, value: Any) -> Any:
        number = _as_int(value, "Difficulty")
        if not MIN_DIFFICULTY <= number <= MAX_DIFFICULTY:
            raise ValueError(f"Difficulty must be between {MIN_DIFFICULTY} and {MAX_DIFFICULTY}; got {number}.")
        return number

    @field_validator("total_rounds", mode="before")
    @classmethod
    def _rounds_range(cls, value: Any) -> Any:
        number = _as_int(value, "Number of rounds")
        if not 1 <= number <= MAX_ROUNDS:
            raise ValueError(f"Number of rounds must be between 1 and {MAX_ROUNDS}; got {number}.")
        return number

    @field_validator("resume")
    @classmethod
    def _resume_size(cls, value: str) -> str:
        if len(value) > MAX_RESUME_CHARS:
            raise ValueError(f"The resume is too long ({len(value):,} characters); keep it under {MAX_RESUME_CHARS:,}.")
        return value

    @field_validator("job_description")
    @classmethod
    def _jd_size(cls, value: str) -> str:
        if len(value) > MAX_JOB_DESCRIPTION_CHARS:
            raise ValueError(
                f"The job description is too long ({len(value):,} characters); "
                f"keep it under {MAX_JOB_DESCRIPTION_CHARS:,}."
            )
        return value

    @field_validator("persona", mode="before")
    @classmethod
    def _persona_lower(cls, value: Any) -> Any:
        if value is None or value == "":
            return "neutral"
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in PERSONAS:
                raise ValueError(f"Persona must be one of {', '.join(PERSONAS)}; got {value!r}.")
        return value


def _as_int(value: Any, label: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{label} must be a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"{label} must be a whole number; got {value!r}.")


def describe_validation_error(exc: ValidationError) -> str:
    """One readable sentence per problem, without pydantic's jargon."""
    lines = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid value"))
        message = message.removeprefix("Value error, ")
        lines.append(message)
    return " ".join(dict.fromkeys(lines))


ScoreInt = Annotated[int, Field(ge=0, le=10)]


class Evaluation(BaseModel):
    """Structured scoring of one answer, exactly the original's six keys."""

    score: ScoreInt
    communication_score: ScoreInt
    technical_score: ScoreInt
    confidence_score: ScoreInt
    strengths: str = ""
    weaknesses: str = ""


#: the four scores of an Evaluation, with the names a candidate reads
SCORE_LABELS = {
    "score": "Overall",
    "communication_score": "Communication",
    "technical_score": "Technical",
    "confidence_score": "Confidence",
}


class SpeechMetrics(BaseModel):
    """Delivery measurements of a spoken answer."""

    duration_seconds: float
    words: int
    words_per_minute: float
    filler_words: dict[str, int] = Field(default_factory=dict)
    transcriber: str = ""


class DimensionAssessment(BaseModel):
    dimension: str
    average: float
    comment: str = ""


class FinalReport(BaseModel):
    """The end-of-interview report, structured; `to_text()` gives the original's string."""

    summary: str
    dimensions: list[DimensionAssessment] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    areas_to_improve: list[str] = Field(default_factory=list)
    practice_plan: list[str] = Field(default_factory=list)
    recommendation: Recommendation = "Lean hire"
    best_round: int | None = None
    weakest_round: int | None = None

    def to_text(self) -> str:
        parts = [self.summary.strip(), "", f"Recommendation: {self.recommendation}"]
        if self.dimensions:
            parts += ["", "Assessment by dimension:"]
            parts += [f"- {d.dimension.title()}: {d.average:.1f}/10. {d.comment}".rstrip() for d in self.dimensions]
        if self.best_round is not None:
            parts.append(f"Best round: {self.best_round}.")
        if self.weakest_round is not None:
            parts.append(f"Weakest round: {self.weakest_round}.")
        for title, items in (
            ("Strengths", self.strengths),
            ("Areas to improve", self.areas_to_improve),
            ("Practice plan", self.practice_plan),
        ):
            if items:
                parts += ["", f"{title}:"] + [f"- {item}" for item in items]
        return "\n".join(parts).strip()


class Question(BaseModel):
    """A question as a provider hands it over; `meta` is the provider's own data."""

    text: str
    meta: dict[str, Any] = Field(default_factory=dict)


#: who scored a round, as tables and exports name it (unknown names are shown as they are)
SCORED_BY_LABELS = {
    "gemini": "Gemini",
    "offline": "offline rubric",
    "offline-fallback": "offline rubric (the model was unavailable)",
    "scripted": "scripted test interviewer",
}


def scored_by_text(scored_by: str) -> str:
    """The sentence a candidate reads under a round's feedback; offline scoring is always said plainly."""
    if scored_by == "offline-fallback":
        return "Scored offline: the AI interviewer was unavailable, so the rubric scored this answer"
    if scored_by == "offline":
        return "Scored offline (rubric, no AI)"
    return f"Scored by {SCORED_BY_LABELS.get(scored_by, scored_by)}"


class Turn(BaseModel):
    """One answered round, as kept in the session history."""

    round: int
    question: str
    difficulty: int
    answer: str
    evaluation: Evaluation
    next_difficulty: int
    note: str = ""
    scored_by: str = "offline"
    question_meta: dict[str, Any] = Field(default_factory=dict)
    speech: SpeechMetrics | None = None
    answered_at: datetime = Field(default_factory=utcnow)
    #: the model's next question (or None on the last round), kept to replay a duplicate submit
    next_question: str | None = None


class PendingAnswer(BaseModel):
    """An answer saved before the model call, so a failure loses nothing."""

    round: int
    answer: str
    speech: SpeechMetrics | None = None
    submitted_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = None


SessionStatus = Literal["active", "complete"]


class InterviewSession(BaseModel):
    """The whole interview, as stored."""

    session_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    field: str
    interview_type: str
    difficulty: int
    total_rounds: int
    current_round: int = 1
    resume: str = ""
    job_description: str = ""
    persona: Persona = "neutral"
    history: list[Turn] = Field(default_factory=list)
    score_history: list[int] = Field(default_factory=list)
    average_score: float = 0.0
    current_question: str | None = None
    current_question_meta: dict[str, Any] = Field(default_factory=dict)
    starting_difficulty: int = 5
    #: questions met in recent earlier interviews of this field, so a new one can offer fresh ones
    seen_questions: list[str] = Field(default_factory=list)
    pending_answer: PendingAnswer | None = None
    final_report: FinalReport | None = None
    status: SessionStatus = "active"
    provider: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @classmethod
    def from_config(cls, config: InterviewConfig, *, provider: str = "") -> InterviewSession:
        return cls(
            field=config.field,
            interview_type=config.interview_type,
            difficulty=config.difficulty,
            starting_difficulty=config.difficulty,
            total_rounds=config.total_rounds,
            resume=config.resume,
            job_description=config.job_description,
            persona=config.persona,
            provider=provider,
        )

    @property
    def completed_rounds(self) -> int:
        return len(self.score_history)

    @property
    def best_turn(self) -> Turn | None:
        """The highest-scoring answered round (the earliest on a tie)."""
        return max(self.history, key=lambda t: (t.evaluation.score, -t.round), default=None)

    @property
    def weakest_turn(self) -> Turn | None:
        """The lowest-scoring answered round (the earliest on a tie)."""
        return min(self.history, key=lambda t: (t.evaluation.score, t.round), default=None)

    def score_averages(self) -> dict[str, float]:
        """The mean of each score (keys of SCORE_LABELS) over the answered rounds; empty before any."""
        if not self.history:
            return {}
        return {key: mean(getattr(t.evaluation, key) for t in self.history) for key in SCORE_LABELS}

    @property
    def is_complete(self) -> bool:
        return self.status == "complete"

    @property
    def is_last_round(self) -> bool:
        return self.current_round >= self.total_rounds
