"""The Gemini interviewer: one structured call per answer, unusable output re-asked a bounded number of times."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import requests

from ..bank import normalise_text
from ..config import Settings
from ..errors import LLMOutputError, LLMRateLimited
from ..models import FinalReport, InterviewSession, Question
from ..parsing import parse_question, parse_report, parse_turn
from ..prompts import Prompt, evaluation_prompt, final_report_prompt, first_question_prompt, reask_text
from .base import ProviderTurn, TextSink
from .gemini_client import GeminiClient
from .gemini_wire import LLMCutOff

__all__ = ["GeminiClient", "GeminiProvider", "LLMRateLimited"]

log = logging.getLogger("interview_core.gemini")

#: re-asks after an unusable reply (so at most 1 + 2 calls per question or answer)
DEFAULT_REASKS = 2
#: a cut-off reply is re-asked with twice the budget, up to this
MAX_OUTPUT_TOKENS = 16384

T = TypeVar("T")
#: turns model text into the expected data, raising LLMOutputError when it cannot
Parser = Callable[[str], T]


def _same_question(a: str, b: str) -> bool:
    return bool(normalise_text(a)) and normalise_text(a) == normalise_text(b)


def _note_repeat(question: Question, session: InterviewSession) -> None:
    """Log a repeated question; re-asking would break the one-call-per-answer budget on a tight quota."""
    asked = [turn.question for turn in session.history]
    if session.current_question:
        asked.append(session.current_question)
    if any(_same_question(question.text, earlier) for earlier in asked):
        log.warning("Gemini repeated an earlier question despite the prompt; keeping it")


class GeminiProvider:
    """An interviewer brain backed by Gemini over REST; it never touches the store."""

    name = "gemini"

    def __init__(self, client: GeminiClient, *, max_reasks: int = DEFAULT_REASKS) -> None:
        self.client = client
        self.max_reasks = max(0, int(max_reasks))

    @property
    def label(self) -> str:
        return f"Gemini ({self.client.model})"

    def __repr__(self) -> str:
        return f"GeminiProvider({self.client!r})"

    @classmethod
    def from_settings(cls, settings: Settings, session: requests.Session | None = None) -> GeminiProvider:
        """A provider for the configured key, model and API address."""
        return cls(GeminiClient.from_settings(settings, session=session))

    # -- the Provider protocol -----------------------------------------------

    def first_question(self, session: InterviewSession) -> Question:
        """The opening question at `session.difficulty`, in one call."""

        def parse(text: str) -> Question:
            question = parse_question(text)
            _note_repeat(question, session)
            return question

        return self._ask(first_question_prompt(session), parse)

    def evaluate(self, session: InterviewSession, answer: str, on_text: TextSink | None = None) -> ProviderTurn:
        """Score the answer and bring the next question (or, last round, the final report) in one call."""
        last_round = session.is_last_round

        def parse(text: str) -> ProviderTurn:
            turn = parse_turn(text, last_round=last_round)
            if turn.next_question is not None:
                _note_repeat(turn.next_question, session)
            return turn

        return self._ask(evaluation_prompt(session, answer), parse, on_text)

    def final_report(self, session: InterviewSession) -> FinalReport:
        """A report for the rounds answered so far (used when the last turn brought none)."""
        return self._ask(final_report_prompt(session), parse_report)

    # -- one question to the model, with bounded re-asks ----------------------

    def _ask(self, prompt: Prompt, parse: Parser[T], on_text: TextSink | None = None) -> T:
        """One call (streamed when someone listens), re-asked a bounded number of times if unusable.

        Only the first attempt streams: a listener already holds part of an unusable reply, and a second
        reply appended to it would read as one; the returned result is what counts.
        """
        attempts = self.max_reasks + 1
        parts = [{"text": prompt.user}]
        budget = prompt.max_output_tokens
        error: LLMOutputError | None = None
        for attempt in range(1, attempts + 1):
            try:
                text = self.client.generate(
                    prompt.system,
                    parts,
                    schema=prompt.schema,
                    max_output_tokens=budget,
                    stream=on_text is not None and attempt == 1,
                    on_text=on_text if attempt == 1 else None,
                )
                return parse(text)
            except LLMOutputError as exc:
                error = exc
                log.warning("Gemini reply unusable (attempt %d of %d): %s", attempt, attempts, exc)
                if isinstance(exc, LLMCutOff):
                    budget = min(MAX_OUTPUT_TOKENS, budget * 2)
                parts = [{"text": prompt.user}, {"text": reask_text(str(exc), exc.raw_text)}]
        assert error is not None
        raise LLMOutputError(
            f"{error} Gave up after {attempts} attempts; try again.", raw_text=error.raw_text, attempts=attempts
        ) from error
