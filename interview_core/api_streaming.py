"""`POST /submit-answer/stream`: the model's reply as server-sent events while it is being written.

Events, each `event: <kind>` then `data: <JSON>` and a blank line:
- `text`   `{"text": "..."}` a piece of the interviewer's reply as it arrives, a preview (Gemini only; the
           offline interviewer answers at once and sends none; if that reply proves unusable, the re-asked
           one is not streamed);
- `result` exactly the `/submit-answer` payload; the stream ends after it;
- `error`  `{"status": <HTTP status the plain endpoint would use>, "detail": "<sentence>"}`; the stream ends.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from .api_models import error_detail, status_for
from .engine import InterviewEngine
from .errors import InterviewError

log = logging.getLogger("interview_core.api")

STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-sent events: `text` pieces while the model writes, then one `result` (the "
        "`/submit-answer` payload) or one `error` ({status, detail}).",
        "content": {
            "text/event-stream": {
                "schema": {"type": "string"},
                "example": 'event: text\ndata: {"text": "{\\"evaluation\\": {\\"score\\": 8"}\n\n'
                'event: result\ndata: {"feedback": {...}, "interview_complete": false, ...}\n\n',
            }
        },
    }
}


def _event(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"


def stream_submit(
    engine: InterviewEngine,
    session_id: str,
    answer: str,
    *,
    round: int | None,
    received_at: datetime,
) -> StreamingResponse:
    """Score the answer in a worker thread and stream what the model writes, then the result."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()

    def put(kind: str, data: dict[str, Any]) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, (kind, data))

    def work() -> None:
        try:
            result = engine.submit_answer(
                session_id,
                answer,
                round=round,
                received_at=received_at,
                on_text=lambda piece: put("text", {"text": piece}),
            )
        except InterviewError as exc:
            put("error", {"status": status_for(exc), "detail": error_detail(exc)})
        except Exception:  # the stream has started: report it as an event, never a traceback
            log.exception("streamed submit failed")
            put("error", {"status": 500, "detail": "Something went wrong on the server; your answer is saved."})
        else:
            put("result", result.model_dump(mode="json"))

    async def events() -> AsyncIterator[str]:
        worker = asyncio.ensure_future(run_in_threadpool(work))
        try:
            while True:
                kind, data = await queue.get()
                yield _event(kind, data)
                if kind != "text":
                    break
        finally:
            await worker

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
