"""InterviewEngine: the original backend's flow, with persistence and failure safety.

For each answer: store the answer, evaluate (one provider call that also brings
the next question or the final report), recompute the difficulty with the rule,
store the history, return the original's payload.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import datetime
from statistics import mean

from .difficulty import next_difficulty
from .errors import (
    ConcurrentUpdate,
    ConfigurationError,
    InterviewComplete,
    InvalidInput,
    LLMError,
    LLMHTTPError,
    LLMQuotaExceeded,
    RoundNotOpen,
    SessionNotFound,
)
from .models import (
    DIMENSIONS,
    MAX_ANSWER_CHARS,
    DimensionAssessment,
    FinalReport,
    InterviewConfig,
    InterviewSession,
    PendingAnswer,
    Question,
    SpeechMetrics,
    Turn,
    utcnow,
)
from .providers.base import Provider, ProviderTurn, TextSink
from .results import SessionInfo, SessionSummary, StartResult, TurnResult
from .store import SessionStore, store_from_url

log = logging.getLogger("interview_core.engine")

#: how many recent interviews, and at most how many of their questions, a new interview avoids repeating
#: (kept small: the list is read at every start and saved with every answer; a band holds 2-3 questions)
RECENT_SESSIONS = 10
#: longest one-line note kept per round (prompts carry these notes, so they stay short)
NOTE_CHARS = 160
MAX_SEEN_QUESTIONS = 60

_locks_guard = threading.Lock()
_session_locks: dict[str, threading.Lock] = {}


def _session_lock(session_id: str) -> threading.Lock:
    """One lock per interview in this process: a double click never costs two model calls."""
    with _locks_guard:
        if len(_session_locks) > 10_000:
            _session_locks.clear()
        return _session_locks.setdefault(session_id, threading.Lock())


def clean_answer(answer: str) -> str:
    """Strip an answer and refuse empty or oversized ones with a clear message."""
    if not isinstance(answer, str):
        raise InvalidInput("The answer must be text.")
    text = answer.replace("\x00", "").strip()
    if not text:
        raise InvalidInput("Please type or record an answer before submitting.")
    if len(text) > MAX_ANSWER_CHARS:
        raise InvalidInput(
            f"That answer is {len(text):,} characters long; the limit is {MAX_ANSWER_CHARS:,}. "
            "Shorten it and submit again (your text is still in the box)."
        )
    return text


def _note(turn: ProviderTurn) -> str:
    """The round's one-line note for the compact history: the provider's, else the feedback's first sentence."""
    note = turn.note.strip() or (turn.evaluation.weaknesses or turn.evaluation.strengths).strip().split(". ")[0]
    return note[:NOTE_CHARS]


def apply_report_stats(report: FinalReport, session: InterviewSession) -> FinalReport:
    """Recompute the report's numbers from the stored scores; never trust a model for them."""
    history = session.history
    if not history:
        return report
    averages = session.score_averages()
    comments = {d.dimension.lower(): d.comment for d in report.dimensions}
    best, worst = session.best_turn, session.weakest_turn
    dimensions = [
        DimensionAssessment(dimension=name, average=round(averages[f"{name}_score"], 1), comment=comments.get(name, ""))
        for name in DIMENSIONS
    ]
    summary = report.summary.strip()
    offline_rounds = [str(t.round) for t in history if t.scored_by == "offline-fallback"]
    if offline_rounds:
        rounds = ", ".join(offline_rounds)
        were = "was" if len(offline_rounds) == 1 else "were"
        summary += (
            f"\n\nRound{'s' if len(offline_rounds) > 1 else ''} {rounds} {were} scored by the offline rubric "
            "because the AI interviewer was unavailable at the time."
        )
    update = {"summary": summary, "dimensions": dimensions, "best_round": best.round, "weakest_round": worst.round}
    return report.model_copy(update=update)


class InterviewEngine:
    """Start interviews, take answers, summarise; every state change goes through the store."""

    def __init__(self, provider: Provider, store: SessionStore, *, fallback: Provider | None = None) -> None:
        self.provider = provider
        self.store = store
        self.fallback = fallback

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, *, http_session=None) -> InterviewEngine:
        """Gemini when GEMINI_API_KEY is set, else the offline interviewer; store from INTERVIEW_DB_URL."""
        from .config import Settings

        settings = Settings.from_env(environ)
        store = cached_store(settings.db_url)
        offline = _offline_provider()
        if settings.gemini_api_key:
            from .providers.gemini import GeminiProvider

            provider = GeminiProvider.from_settings(settings, session=http_session)
            return cls(provider, store, fallback=offline if settings.offline_fallback else None)
        if offline is None:
            raise ConfigurationError(
                "No interviewer is available: set GEMINI_API_KEY (environment or .streamlit/secrets.toml)."
            )
        return cls(offline, store)

    @property
    def label(self) -> str:
        return self.provider.label

    # -- the flow ---------------------------------------------------------

    def start(self, config: InterviewConfig) -> StartResult:
        """Store a new interview and ask its first question."""
        session = InterviewSession.from_config(config, provider=self.provider.name)
        session.seen_questions = self._recent_questions(config.field)
        self.store.create(session)
        question = self._ask_first(session)
        return StartResult(session_id=session.session_id, question=question)

    def _recent_questions(self, field: str) -> list[str]:
        """Questions of the latest interviews in the same field, newest first (for variety, not a rule)."""
        same_field = [i for i in self.store.list_sessions(RECENT_SESSIONS) if i.field.casefold() == field.casefold()]
        questions: list[str] = []
        for info in same_field:
            try:
                earlier = self.store.get(info.session_id)
            except SessionNotFound:  # deleted meanwhile
                continue
            questions += [turn.question for turn in earlier.history]
            questions += [earlier.current_question] if earlier.current_question else []
        return questions[:MAX_SEEN_QUESTIONS]

    def ensure_question(self, session_id: str) -> str:
        """The current question, asking it first if an earlier start failed before it came."""
        with _session_lock(session_id):
            session = self.store.get(session_id)
            if session.current_question or session.is_complete:
                return session.current_question or ""
            return self._ask_first(session)

    def _ask_first(self, session: InterviewSession) -> str:
        question, _ = self._call(lambda provider: provider.first_question(session))
        session.current_question = question.text
        session.current_question_meta = {**question.meta, "difficulty": session.difficulty}
        self.store.save(session, expected_completed=session.completed_rounds)
        return question.text

    def submit_answer(
        self,
        session_id: str,
        answer: str,
        *,
        round: int | None = None,
        speech: SpeechMetrics | None = None,
        received_at: datetime | None = None,
        on_text: TextSink | None = None,
    ) -> TurnResult:
        """Score the answer to the current question and move on.

        A submit that repeats an already-scored round returns that round's
        result instead of scoring the next one: either `round` names the
        scored round, or (without `round`) the same text arrived (`received_at`,
        default now) while its round was still open and another request scored
        it meanwhile. Identical answers sent one after another score separately.
        `on_text` receives the model's reply as it streams in, for a page to show progress.
        """
        text = clean_answer(answer)
        arrived = received_at or utcnow()
        with _session_lock(session_id):
            session = self.store.get(session_id)
            replay = self._replay(session, text, round, arrived)
            if replay is not None:
                return replay
            if session.is_complete:
                raise InterviewComplete(session_id)
            if round is not None and round != session.current_round:
                raise RoundNotOpen(f"Round {round} is not open; the interview is at round {session.current_round}.")
            if not session.current_question:
                raise RoundNotOpen("There is no question to answer yet; reload the interview to fetch it.")
            expected = session.completed_rounds
            session.pending_answer = PendingAnswer(round=session.current_round, answer=text, speech=speech)
            try:
                self.store.save(session, expected_completed=expected)  # nothing typed is lost
            except ConcurrentUpdate:
                replay = self._replay(self.store.get(session_id), text, round, arrived)
                if replay is not None:
                    return replay
                raise
            try:
                provider_turn, scored_by = self._call(
                    lambda provider: provider.evaluate(session, text, on_text=on_text)
                )
            except LLMError as exc:
                session.pending_answer.last_error = str(exc)
                with contextlib.suppress(ConcurrentUpdate):
                    self.store.save(session, expected_completed=expected)
                raise
            result = self._apply(session, text, provider_turn, scored_by, speech)
            result.turn.answered_at = utcnow()
            try:
                self.store.save(session, expected_completed=expected)
            except ConcurrentUpdate:
                replay = self._replay(self.store.get(session_id), text, round, arrived)
                if replay is not None:
                    return replay
                raise
            return result

    def _call(self, action):
        """Run `action` on the provider, falling back to the offline one when the model stays down."""
        try:
            return action(self.provider), self.provider.name
        except LLMError as exc:
            if self.fallback is None or not _may_fall_back(exc):
                raise
            log.warning("model unavailable (%s); this round uses the offline interviewer", type(exc).__name__)
            return action(self.fallback), "offline-fallback"

    def _apply(
        self,
        session: InterviewSession,
        answer: str,
        provider_turn: ProviderTurn,
        scored_by: str,
        speech: SpeechMetrics | None,
    ) -> TurnResult:
        evaluation = provider_turn.evaluation
        new_difficulty = next_difficulty(session.difficulty, evaluation.score)
        turn = Turn(
            round=session.current_round,
            question=session.current_question or "",
            difficulty=session.difficulty,
            answer=answer,
            evaluation=evaluation,
            next_difficulty=new_difficulty,
            note=_note(provider_turn),
            scored_by=scored_by,
            question_meta=session.current_question_meta,
            speech=speech or (session.pending_answer.speech if session.pending_answer else None),
        )
        session.history.append(turn)
        session.score_history.append(evaluation.score)
        session.average_score = round(mean(session.score_history), 2)
        session.difficulty = new_difficulty
        session.pending_answer = None
        if turn.round >= session.total_rounds:
            report = provider_turn.final_report or self._final_report(session)
            session.final_report = apply_report_stats(report, session)
            session.status = "complete"
            session.current_question = None
            session.current_question_meta = {}
            return self._result(session, turn)
        question = provider_turn.next_question or Question(text="")
        if not question.text.strip():
            raise InvalidInput("The interviewer returned no next question; submit the answer again.")
        turn.next_question = question.text
        session.current_round += 1
        session.current_question = question.text
        session.current_question_meta = {**question.meta, "difficulty": new_difficulty}
        return self._result(session, turn)

    def _final_report(self, session: InterviewSession) -> FinalReport:
        report, _ = self._call(lambda provider: provider.final_report(session))
        return report

    def _replay(
        self, session: InterviewSession, answer: str, round: int | None, arrived: datetime
    ) -> TurnResult | None:
        """The stored result of an already-scored round, when this submit repeats it."""
        if round is not None:
            if 1 <= round <= len(session.history):
                return self._result(session, session.history[round - 1])
            return None
        scored_since = [turn for turn in session.history if turn.answered_at > arrived]
        if scored_since and scored_since[0].answer == answer:
            return self._result(session, scored_since[0])
        return None

    @staticmethod
    def _result(session: InterviewSession, turn: Turn) -> TurnResult:
        scores = session.score_history[: turn.round]
        average = round(mean(scores), 2) if scores else 0.0
        if turn.round >= session.total_rounds:
            report = session.final_report
            return TurnResult(
                feedback=turn.evaluation,
                interview_complete=True,
                final_report=report.to_text() if report else "",
                average_score=average,
                report=report,
                turn=turn,
            )
        return TurnResult(
            feedback=turn.evaluation,
            interview_complete=False,
            next_question=turn.next_question,
            current_round=turn.round + 1,
            average_score=average,
            turn=turn,
        )

    # -- reading ----------------------------------------------------------

    def get_session(self, session_id: str) -> InterviewSession:
        return self.store.get(session_id)

    def session_summary(self, session_id: str) -> SessionSummary:
        session = self.store.get(session_id)
        return SessionSummary(
            total_rounds=session.total_rounds,
            completed_rounds=session.completed_rounds,
            average_score=session.average_score,
            score_history=list(session.score_history),
            difficulty_current=session.difficulty,
        )

    def list_sessions(self, limit: int = 200) -> list[SessionInfo]:
        return self.store.list_sessions(limit)

    def delete_session(self, session_id: str) -> None:
        self.store.delete(session_id)


def _may_fall_back(exc: LLMError) -> bool:
    """Transient trouble falls back to the offline interviewer; a bad key or a daily quota stops."""
    if isinstance(exc, LLMHTTPError):
        return False
    if isinstance(exc, LLMQuotaExceeded):
        return not exc.per_day
    return exc.transient


def _offline_provider() -> Provider | None:
    try:
        from .providers.offline import OfflineProvider
    except ImportError:
        return None
    return OfflineProvider()


_store_cache: dict[str, SessionStore] = {}
_store_guard = threading.Lock()


def cached_store(url: str) -> SessionStore:
    """One store (and connection pool) per database URL in this process."""
    if url.startswith("memory:"):
        return store_from_url(url)
    with _store_guard:
        if url not in _store_cache:
            _store_cache[url] = store_from_url(url)
        return _store_cache[url]
