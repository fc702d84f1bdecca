"""Every error the interview engine raises on purpose.

InterviewError                      base: catch this to catch everything below
├── ConfigurationError              a setting is missing or wrong (e.g. no API key)
├── InvalidInput                    candidate or caller input cannot be used
│   └── RoundNotOpen                an answer for a round that is not the open one (a state conflict)
├── SessionNotFound                 no interview with that id in the store
├── InterviewComplete               an answer was sent to a finished interview
├── ConcurrentUpdate                another request changed the interview first
├── TranscriptionError              a recording could not be turned into text
└── LLMError                        the interviewer model failed
    ├── LLMTimeout                  no answer within the timeout, after retries
    ├── LLMUnavailable              transient failures (5xx, connection) outlasted the retries
    ├── LLMHTTPError(status)        a non-retryable HTTP error (bad key, unknown model, bad request)
    ├── LLMQuotaExceeded            quota used up; `per_day` tells whether waiting helps
    │   └── LLMRateLimited          the per-minute limit outlasted the retries (also an LLMUnavailable)
    └── LLMOutputError(raw_text)    the model's text could not be turned into the expected data

`str(error)` is always a sentence a person can act on, and never contains a key.
"""

from __future__ import annotations


class InterviewError(Exception):
    """Base class of every deliberate error in interview_core."""


class ConfigurationError(InterviewError):
    """A setting is missing or wrong."""


class InvalidInput(InterviewError):
    """Input (config, answer, upload) that cannot be used."""


class RoundNotOpen(InvalidInput):
    """The answer names a round that is not open, or no question has been asked yet."""


class SessionNotFound(InterviewError):
    """No interview with that id."""

    def __init__(self, session_id: str):
        self.session_id = session_id
        super().__init__(f"No interview with id {session_id!r} was found.")


class InterviewComplete(InterviewError):
    """The interview is already finished; no more answers are taken."""

    def __init__(self, session_id: str):
        self.session_id = session_id
        super().__init__("This interview is already complete; start a new one to keep practising.")


class ConcurrentUpdate(InterviewError):
    """Another request changed the same interview first."""


class TranscriptionError(InterviewError):
    """A recording could not be turned into text; `str()` says why and what to do."""


class LLMError(InterviewError):
    """The interviewer model failed."""

    #: whether trying again later could succeed
    transient: bool = True


class LLMTimeout(LLMError):
    """The model did not answer in time."""


class LLMUnavailable(LLMError):
    """Transient failures (overload, 5xx, connection errors) outlasted the retries."""


class LLMHTTPError(LLMError):
    """A non-retryable HTTP error from the model's API."""

    transient = False

    def __init__(self, message: str, status: int):
        self.status = status
        super().__init__(message)


class LLMQuotaExceeded(LLMError):
    """The API quota is used up."""

    def __init__(self, message: str, *, per_day: bool = False, retry_after: float | None = None):
        self.per_day = per_day
        self.retry_after = retry_after
        self.transient = not per_day
        super().__init__(message)


class LLMOutputError(LLMError):
    """The model answered, but its text could not be used."""

    def __init__(self, message: str, raw_text: str = "", attempts: int = 1):
        self.raw_text = raw_text
        self.attempts = attempts
        super().__init__(message)


class LLMRateLimited(LLMQuotaExceeded, LLMUnavailable):
    """The per-minute rate limit outlasted the retries: waiting a little helps."""
