"""The REST API: the original backend's four endpoints over InterviewEngine, plus /sessions/{id} and /health.

Run it with `uvicorn interview_core.api:app --host 127.0.0.1 --port 8000`; docs at /docs.
The API keeps nothing in memory between requests: every request loads the interview from the store
(INTERVIEW_DB_URL), so several API processes and the Streamlit app can serve one interview from one database.
Optional settings: INTERVIEW_API_TOKEN (bearer token required on every endpoint but / and /health) and
INTERVIEW_CORS_ORIGINS (comma-separated origins allowed to call the API from a browser).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from .difficulty import MAX_DIFFICULTY, MIN_DIFFICULTY
from .engine import InterviewEngine, clean_answer
from .errors import (
    ConcurrentUpdate,
    ConfigurationError,
    InterviewComplete,
    InterviewError,
    InvalidInput,
    LLMError,
    LLMHTTPError,
    LLMQuotaExceeded,
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
    InterviewSession,
    SessionSummary,
    StartResult,
    utcnow,
)

log = logging.getLogger("interview_core.api")

API_TOKEN_ENV = "INTERVIEW_API_TOKEN"
CORS_ORIGINS_ENV = "INTERVIEW_CORS_ORIGINS"
ROOT_MESSAGE = "AI Interview Backend Running"
ANSWER_KEPT = "Your answer is saved with the interview; send the same request again to retry."
#: How long a submit without `round` waits before it is scored, so that copies sent with it (a double click,
#: a client's retry, a burst from several tabs or replicas) are in flight together and count as one submit.
#: Measured on a loaded 2-core machine, 50 copies sent from 50 threads arrived up to 0.6 s apart.
DUPLICATE_WINDOW_SECONDS = 1.0

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


# -- request and response bodies ----------------------------------------------------------------------------


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

    @model_validator(mode="before")
    @classmethod
    def _drop_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL text columns cannot hold NUL, and it is never meaningful in these fields.
        if isinstance(data, dict):
            return {key: value.replace("\x00", "") if isinstance(value, str) else value for key, value in data.items()}
        return data


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


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorReply} for status in statuses}


def _example(value: Any, links: dict[str, Any] | None = None, **more: Any) -> dict[int | str, dict[str, Any]]:
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


# -- plumbing -----------------------------------------------------------------------------------------------


class _StampArrival:
    """Record when each request arrived, before it waits for a worker thread or a database connection."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["received_at"] = utcnow()
        await self.app(scope, receive, send)


@dataclass
class _Burst:
    first_arrival: datetime
    members: int = 0


class _SubmitBursts:
    """Identical submits to one interview that overlap in time count as one submit.

    Every copy takes the arrival time of the first copy still in flight, so the engine sees them all arrive
    while the round was open and replays its one evaluation to each. A copy sent after every earlier one was
    answered starts afresh: the same text sent again for the next round scores that round.
    """

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], _Burst] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def join(self, key: tuple[str, str], arrived: datetime) -> Iterator[_Burst]:
        with self._lock:
            burst = self._open.setdefault(key, _Burst(first_arrival=arrived))
            burst.first_arrival = min(burst.first_arrival, arrived)
            burst.members += 1
        try:
            yield burst
        finally:
            with self._lock:
                burst.members -= 1
                if burst.members == 0:
                    del self._open[key]


_engine_guard = threading.Lock()


def _engine(request: Request) -> InterviewEngine:
    """The app's engine; without one injected, made from the environment on first use (a missing setting is
    then reported per request, not at import)."""
    state = request.app.state
    if state.engine is None:
        with _engine_guard:
            if state.engine is None:
                state.engine = InterviewEngine.from_env()
    return state.engine


EngineDep = Annotated[InterviewEngine, Depends(_engine)]
SessionId = Annotated[str, Path(description="The id `POST /start-interview` returned", examples=[SESSION_ID])]


def _known_id(session_id: str) -> str:
    # No stored id contains NUL, and PostgreSQL refuses to even compare with one.
    if "\x00" in session_id:
        raise SessionNotFound(session_id.replace("\x00", ""))
    return session_id


def _status_for(exc: InterviewError) -> int:
    return next(ERROR_STATUS[cls] for cls in type(exc).__mro__ if cls in ERROR_STATUS)


def _error(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = ErrorReply(detail=detail, **extra).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=status, headers=headers)


def _retry_headers(exc: Exception) -> dict[str, str] | None:
    if isinstance(exc, LLMQuotaExceeded) and exc.retry_after:
        return {"Retry-After": str(max(1, round(exc.retry_after)))}
    return None


def _problem(error: dict[str, Any]) -> FieldProblem:
    """One invalid field, in words: pydantic's message without its jargon."""
    field = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")) or "body"
    kind = error.get("type", "")
    if kind == "json_invalid":
        return FieldProblem(field="body", message="The request body is not valid JSON.")
    if kind == "missing":
        return FieldProblem(field=field, message=f"'{field}' is required.")
    if field == "body":
        return FieldProblem(field="body", message="The request body must be a JSON object with the fields in /docs.")
    return FieldProblem(field=field, message=str(error.get("msg", "invalid value")).removeprefix("Value error, "))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = list({(p.field, p.message): p for p in map(_problem, exc.errors())}.values())
        detail = " ".join(p.message if p.field in p.message else f"{p.field}: {p.message}" for p in problems)
        return _error(422, detail, errors=problems)

    @app.exception_handler(InterviewError)
    async def engine_error(_request: Request, exc: InterviewError) -> JSONResponse:
        return _error(_status_for(exc), str(exc), headers=_retry_headers(exc))

    @app.exception_handler(SQLAlchemyError)
    async def store_error(_request: Request, exc: SQLAlchemyError) -> JSONResponse:
        log.error("interview database error: %s", type(exc).__name__)
        return _error(503, "The interview database is not reachable right now; try again in a moment.")

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return _error(500, "Something went wrong on the server; try again, and report it if it keeps happening.")


def _token_check(token: str) -> Any:
    bearer = HTTPBearer(auto_error=False, description=f"The value of {API_TOKEN_ENV} on the server.")
    expected = token.encode()

    # a default, not an Annotated hint: `bearer` is local, and hints are strings resolved in module scope
    def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        supplied = credentials.credentials.encode() if credentials else b""
        if not secrets.compare_digest(supplied, expected):
            raise HTTPException(
                status_code=401,
                detail=f"This API needs a token: send the header 'Authorization: Bearer <{API_TOKEN_ENV}>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return require_token


def _cors_origins() -> list[str]:
    raw = os.environ.get(CORS_ORIGINS_ENV, "")
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


# -- the endpoints ------------------------------------------------------------------------------------------


def _add_interview_routes(router: APIRouter) -> None:
    @router.post(
        "/start-interview",
        response_model=StartResult,
        responses={**_example(START_REPLY, links=SESSION_LINKS), **_errors(400, 422, 503)},
        summary="Start an interview and get its first question",
        operation_id="start_interview",
    )
    def start_interview(
        engine: EngineDep, config: Annotated[StartInterviewRequest, Body(openapi_examples=START_EXAMPLES)]
    ) -> StartResult:
        return engine.start(config)

    @router.post(
        "/submit-answer",
        response_model=NextQuestionReply | FinalReply,
        responses={
            **_example(None, next_question=NEXT_REPLY, final=FINAL_REPLY),
            **_errors(400, 404, 409, 422, 502, 503),
        },
        summary="Answer the current question: feedback, then the next question or the final report",
        operation_id="submit_answer",
    )
    async def submit_answer(
        request: Request, body: Annotated[SubmitAnswerRequest, Body(openapi_examples=SUBMIT_EXAMPLES)]
    ) -> Any:
        # async, so a copy joins its burst as soon as it is parsed, not when a worker thread is free
        state = request.app.state
        arrived: datetime = getattr(request.state, "received_at", None) or utcnow()
        session_id, text = _known_id(body.session_id), clean_answer(body.answer)
        with state.bursts.join((session_id, text), arrived) as burst:
            if body.round is None:
                await asyncio.sleep(max(0.0, state.duplicate_window - (utcnow() - arrived).total_seconds()))
            try:
                result = await run_in_threadpool(
                    lambda: _engine(request).submit_answer(
                        session_id, text, round=body.round, received_at=burst.first_arrival
                    )
                )
            except LLMError as exc:
                # The engine stored the answer before calling the model, so the client only has to resend.
                return _error(_status_for(exc), f"{exc} {ANSWER_KEPT}", headers=_retry_headers(exc), answer_saved=True)
        return result.model_dump()

    @router.get(
        "/session-summary/{session_id}",
        response_model=SessionSummary,
        responses={**_example(SUMMARY_REPLY), **_errors(404, 503)},
        summary="Scores so far",
        operation_id="session_summary",
    )
    def session_summary(engine: EngineDep, session_id: SessionId) -> SessionSummary:
        return engine.session_summary(_known_id(session_id))

    @router.get(
        "/sessions/{session_id}",
        response_model=InterviewSession,
        responses=_errors(404, 503),
        summary="The whole interview: settings, every round with its answer and evaluation, and the report",
        description="The open question's grading notes stay on the server, so no client can show the answer key.",
        operation_id="get_session",
    )
    def get_session(engine: EngineDep, session_id: SessionId) -> InterviewSession:
        session = engine.get_session(_known_id(session_id))
        return session.model_copy(update={"current_question_meta": {}})


def _health(request: Request) -> Any:
    """200 when the interviewer can be made and the store answers; 503 (with the reason) otherwise."""
    try:
        engine = _engine(request)
    except InterviewError as exc:
        reply = Health(status="unavailable", brain=None, store_reachable=False, detail=str(exc))
        return JSONResponse(reply.model_dump(), status_code=503)
    try:
        engine.store.list_sessions(1)
    except Exception as exc:  # whatever the driver raises, the answer is "not reachable"
        log.warning("health check: store unreachable (%s)", type(exc).__name__)
        reply = Health(status="unavailable", brain=engine.label, store_reachable=False,
                       detail="The interview database is not reachable.")  # fmt: skip
        return JSONResponse(reply.model_dump(), status_code=503)
    return Health(status="ok", brain=engine.label, store_reachable=True)


def create_app(engine: InterviewEngine | None = None, *, duplicate_window: float = DUPLICATE_WINDOW_SECONDS) -> FastAPI:
    """The API; `engine` is for tests, otherwise one is made from the environment on first use."""
    token = os.environ.get(API_TOKEN_ENV, "").strip()
    app = FastAPI(
        title="Mock Interview Coach API",
        version="1.0.0",
        description=(
            "The original interview backend's endpoints over the same engine as the web app. "
            f"When the server sets {API_TOKEN_ENV}, every endpoint but `/` and `/health` needs "
            '`Authorization: Bearer <token>`. Errors are JSON `{"detail": "..."}` with a sentence to act on.'
        ),
    )
    app.state.engine = engine
    app.state.bursts = _SubmitBursts()
    app.state.duplicate_window = duplicate_window
    _install_error_handlers(app)

    @app.get("/", summary="The original's health check")
    async def root() -> dict[str, str]:
        return {"message": ROOT_MESSAGE}

    app.get("/health", response_model=Health, responses={503: {"model": Health}}, summary="Interviewer and store")(
        _health
    )

    protected = APIRouter(dependencies=[Depends(_token_check(token))] if token else [])
    _add_interview_routes(protected)
    app.include_router(protected)

    origins = _cors_origins()
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Added last, so it is the outermost layer: the stamp is taken as soon as the request is parsed.
    app.add_middleware(_StampArrival)
    return app


app = create_app()
