"""Request and response bodies of the REST API, with the OpenAPI examples shown at /docs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .difficulty import MAX_DIFFICULTY, MIN_DIFFICULTY
from .errors import (
    ConcurrentUpdate,
    ConfigurationError,
    InterviewComplete,
    InterviewError,
    InvalidInput,
    LLMError,
    LLMHTTPError,
    RoundNotOpen,
    SessionNotFound,
)
from .models import (
    MAX_ANSWER_CHARS,
    MAX_FIELD_CHARS,
    MAX_JOB_DESCRIPTION_CHARS,
    MAX_RESUME_CHARS,
    MAX_ROUNDS,
    Evaluation,
    InterviewConfig,
)

#: How long a submit without `round` waits before it is scored, so that copies sent with it (a double click,
#: a client's retry, a burst from several tabs or replicas) are in flight together and count as one submit.
#: Measured on a loaded 2-core machine, 50 copies sent from 50 threads arrived up to 0.6 s apart.
DUPLICATE_WINDOW_SECONDS = 1.0


#: JSON Schema for "has a character Python's str.strip() keeps": the engine strips input before checking it.
NOT_BLANK = r"[^\s\u0000\u001c-\u001f\u0085]"


def _publish_config_limits(schema: dict[str, Any]) -> None:
    """Show the limits InterviewConfig enforces in the OpenAPI schema, so clients see them up front."""
    properties = schema["properties"]
    properties["field"].update(minLength=1, maxLength=MAX_FIELD_CHARS, pattern=NOT_BLANK)
    properties["interview_type"]["maxLength"] = MAX_FIELD_CHARS
    properties["difficulty"].update(minimum=MIN_DIFFICULTY, maximum=MAX_DIFFICULTY)
    properties["total_rounds"].update(minimum=1, maximum=MAX_ROUNDS)
    properties["resume"]["maxLength"] = MAX_RESUME_CHARS
    properties["job_description"]["maxLength"] = MAX_JOB_DESCRIPTION_CHARS


class StartInterviewRequest(InterviewConfig):
    """`POST /start-interview` body: the original's fields, plus an optional interviewer persona."""

    model_config = ConfigDict(json_schema_extra=_publish_config_limits)


class SubmitAnswerRequest(BaseModel):
    """`POST /submit-answer` body."""

    session_id: str = Field(description="The id `POST /start-interview` returned")
    answer: str = Field(
        description="The candidate's answer as text",
        examples=["Candidate response..."],
        json_schema_extra={"minLength": 1, "maxLength": MAX_ANSWER_CHARS, "pattern": NOT_BLANK},
    )
    round: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ROUNDS,
        description=(
            "Optional: the round this answer is for (1 for the first question, then the `current_round` of the "
            "previous reply). It makes a retried submit idempotent: resending a round that was already scored "
            "returns that round's result again instead of scoring the next round. Without it the answer waits "
            f"{DUPLICATE_WINDOW_SECONDS:g} s before it is scored, and identical copies sent meanwhile (double "
            "clicks, retries) get the one result; the same text sent after a reply arrived scores the next round."
        ),
    )


class NextQuestionReply(BaseModel):
    """`POST /submit-answer` reply while the interview goes on."""

    feedback: Evaluation
    interview_complete: Literal[False]
    next_question: str
    current_round: int = Field(description="The round the next question belongs to")
    average_score: float


class FinalReply(BaseModel):
    """`POST /submit-answer` reply to the last round."""

    feedback: Evaluation
    interview_complete: Literal[True]
    final_report: str
    average_score: float


class FieldProblem(BaseModel):
    field: str
    message: str


#: added to the message of a failed model call: the engine stored the answer before calling the model
ANSWER_KEPT = "Your answer is saved with the interview; send the same request again to retry."
# HTTP status of each deliberate engine error; the most specific class in an error's MRO wins.
ERROR_STATUS: dict[type[InterviewError], int] = {
    SessionNotFound: 404,
    InterviewComplete: 409,
    ConcurrentUpdate: 409,
    RoundNotOpen: 409,
    InvalidInput: 422,
    ConfigurationError: 503,
    LLMHTTPError: 502,
    LLMError: 503,
    InterviewError: 500,
}


def status_for(exc: InterviewError) -> int:
    """The HTTP status of an engine error: the most specific class in its MRO wins."""
    return next(ERROR_STATUS[cls] for cls in type(exc).__mro__ if cls in ERROR_STATUS)


def error_detail(exc: InterviewError) -> str:
    """The sentence a client gets for an engine error; a failed model call also says the answer is kept."""
    return f"{exc} {ANSWER_KEPT}" if isinstance(exc, LLMError) else str(exc)


class ErrorReply(BaseModel):
    """Every error: a sentence saying what happened and what to do."""

    detail: str
    #: on 422, one entry per invalid field
    errors: list[FieldProblem] | None = None
    #: on a failed model call in /submit-answer: the answer is kept for the retry
    answer_saved: bool | None = None


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    brain: str | None = Field(description="The interviewer in use: Gemini or the offline question bank")
    store_reachable: bool
    detail: str | None = None


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorReply} for status in statuses}


def example_response(value: Any, links: dict[str, Any] | None = None, **more: Any) -> dict[int | str, dict[str, Any]]:
    examples = {"example": value} if not more else {"examples": {k: {"value": v} for k, v in more.items()}}
    return {200: {"content": {"application/json": examples}, **({"links": links} if links else {})}}


# OpenAPI links: how the id from /start-interview feeds the other operations (clients and schemathesis use them).
_FROM_START = "$response.body#/session_id"
SESSION_LINKS = {
    "SubmitAnswer": {
        "operationId": "submit_answer",
        "requestBody": {"session_id": _FROM_START, "answer": "My answer."},
    },
    "SessionSummary": {"operationId": "session_summary", "parameters": {"session_id": _FROM_START}},
    "Session": {"operationId": "get_session", "parameters": {"session_id": _FROM_START}},
}


SESSION_ID = "3f2b8c1e-5a4d-4e6f-9b7a-2c1d0e9f8a7b"
FEEDBACK = {"score": 8, "communication_score": 7, "technical_score": 8, "confidence_score": 9,
            "strengths": "Clear structure, concrete trade-offs.", "weaknesses": "No success metric."}  # fmt: skip
START_EXAMPLES = {
    "original": {"summary": "The original document's request", "value": {"field": "Software Engineering",
                 "interview_type": "Technical", "difficulty": 5, "total_rounds": 3, "resume": "...",
                 "job_description": "..."}},
    "persona": {"summary": "With an interviewer persona", "value": {"field": "Data Science",
                "interview_type": "Behavioral", "difficulty": 3, "total_rounds": 2, "persona": "friendly"}},
}  # fmt: skip
SUBMIT_EXAMPLES = {
    "original": {"summary": "The original document's request",
                 "value": {"session_id": SESSION_ID, "answer": "Candidate response..."}},
    "idempotent": {"summary": "Naming the round: a retry never scores twice and does not wait",
                   "value": {"session_id": SESSION_ID, "answer": "Candidate response...", "round": 1}},
}  # fmt: skip
START_REPLY = {"session_id": SESSION_ID, "question": "Walk me through how you would design a URL shortener."}
NEXT_REPLY = {"feedback": FEEDBACK, "interview_complete": False, "current_round": 2, "average_score": 8.0,
              "next_question": "How would you shard a table that outgrew one PostgreSQL server?"}  # fmt: skip
FINAL_REPLY = {"feedback": FEEDBACK, "interview_complete": True, "average_score": 7.8,
               "final_report": "Solid technical depth with clear communication.\n\nRecommendation: Hire"}  # fmt: skip
SUMMARY_REPLY = {"total_rounds": 3, "completed_rounds": 3, "average_score": 7.8, "score_history": [6, 8, 9],
                 "difficulty_current": 9}  # fmt: skip
