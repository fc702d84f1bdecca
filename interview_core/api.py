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
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from . import api_streaming
from .api_models import (
    DUPLICATE_WINDOW_SECONDS,
    FINAL_REPLY,
    NEXT_REPLY,
    SESSION_ID,
    SESSION_LINKS,
    START_EXAMPLES,
    START_REPLY,
    SUBMIT_EXAMPLES,
    SUMMARY_REPLY,
    ErrorReply,
    FieldProblem,
    FinalReply,
    Health,
    NextQuestionReply,
    StartInterviewRequest,
    SubmitAnswerRequest,
    error_detail,
    error_responses,
    example_response,
    status_for,
)
from .api_streaming import STREAM_RESPONSES
from .engine import InterviewEngine, clean_answer
from .errors import (
    InterviewError,
    LLMError,
    LLMQuotaExceeded,
)
from .models import InterviewSession, utcnow
from .results import SessionSummary, StartResult

log = logging.getLogger("interview_core.api")

API_TOKEN_ENV = "INTERVIEW_API_TOKEN"
CORS_ORIGINS_ENV = "INTERVIEW_CORS_ORIGINS"
ROOT_MESSAGE = "AI Interview Backend Running"


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
        return _error(status_for(exc), str(exc), headers=_retry_headers(exc))

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
        responses={**example_response(START_REPLY, links=SESSION_LINKS), **error_responses(400, 422, 503)},
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
            **example_response(None, next_question=NEXT_REPLY, final=FINAL_REPLY),
            **error_responses(400, 404, 409, 422, 502, 503),
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
        session_id, text = body.session_id, clean_answer(body.answer)
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
                return _error(status_for(exc), error_detail(exc), headers=_retry_headers(exc), answer_saved=True)
        return result.model_dump()

    @router.post(
        "/submit-answer/stream",
        response_class=StreamingResponse,
        responses={**STREAM_RESPONSES, **error_responses(400, 404, 422)},
        summary="Like /submit-answer, streamed: the interviewer's reply as it is written, then the result",
        description=(api_streaming.__doc__ or "").split("\n\n", 1)[-1],
        operation_id="submit_answer_stream",
    )
    async def submit_answer_stream(
        request: Request, body: Annotated[SubmitAnswerRequest, Body(openapi_examples=SUBMIT_EXAMPLES)]
    ) -> StreamingResponse:
        arrived: datetime = getattr(request.state, "received_at", None) or utcnow()
        session_id, text = body.session_id, clean_answer(body.answer)
        engine = _engine(request)
        await run_in_threadpool(engine.get_session, session_id)  # an unknown id is a plain 404, not a stream
        return api_streaming.stream_submit(
            engine,
            session_id,
            text,
            round=body.round,
            received_at=arrived,
        )

    @router.get(
        "/session-summary/{session_id}",
        response_model=SessionSummary,
        responses={**example_response(SUMMARY_REPLY), **error_responses(404, 503)},
        summary="Scores so far",
        operation_id="session_summary",
    )
    def session_summary(engine: EngineDep, session_id: SessionId) -> SessionSummary:
        return engine.session_summary(session_id)

    @router.get(
        "/sessions/{session_id}",
        response_model=InterviewSession,
        responses=error_responses(404, 503),
        summary="The whole interview: settings, every round with its answer and evaluation, and the report",
        description="The open question's grading notes stay on the server, so no client can show the answer key.",
        operation_id="get_session",
    )
    def get_session(engine: EngineDep, session_id: SessionId) -> InterviewSession:
        session = engine.get_session(session_id)
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
