"""The one small Protocol every interviewer brain implements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from ..models import Evaluation, FinalReport, InterviewSession, Question

#: receives each piece of the model's reply as it streams in
TextSink = Callable[[str], None]


class ProviderTurn(BaseModel):
    """What one model call per answer returns: the evaluation and what comes next."""

    evaluation: Evaluation
    #: one line for the compact history carried in later prompts
    note: str = ""
    #: the next question, unless this was the last round
    next_question: Question | None = None
    #: the final report, on the last round only
    final_report: FinalReport | None = None


@runtime_checkable
class Provider(Protocol):
    """An interviewer brain. It never touches the store."""

    #: short id recorded on each turn: "gemini", "offline", ...
    name: str
    #: what the app shows the candidate, e.g. "Gemini (gemini-3-flash-preview)"
    label: str

    def first_question(self, session: InterviewSession) -> Question:
        """The opening question, at `session.difficulty`."""
        ...

    def evaluate(self, session: InterviewSession, answer: str, on_text: TextSink | None = None) -> ProviderTurn:
        """Score `answer` to `session.current_question`, in one call.

        With `on_text`, a provider that can stream hands over its reply piece by
        piece as it arrives (so a page can show progress); others ignore it.

        On the last round (`session.is_last_round`) return `final_report`;
        otherwise return `next_question`, asked at the difficulty the rule
        gives for the returned score (the engine recomputes and stores it).
        """
        ...

    def final_report(self, session: InterviewSession) -> FinalReport:
        """A report for the session as it stands (used when no report came with the last turn)."""
        ...
