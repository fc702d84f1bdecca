"""Which question the offline interviewer asks: the session's plan, then a seeded pick at the band.

Questions follow the current difficulty's band, never repeat within an interview, prefer skills the
job description names, and are deterministic for one session (seeded by its id) but vary across sessions.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .answer_text import phrase_key
from .bank import BANDS, BankField, BankQuestion, normalise_text
from .bank_index import BankIndex
from .difficulty import difficulty_band
from .errors import ConfigurationError
from .field_match import SUBSTITUTES, FieldMatch, match_field, normalise_interview_type, resolve_interview_type
from .models import InterviewSession, Question
from .skill_questions import SKILL_QUESTION_TYPES, extract_skills, skill_questions

__all__ = ["choose_question", "match_field", "normalise_interview_type", "plan_interview", "question_for_meta"]

# -- the interview plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class InterviewPlan:
    """How one session's field and type map onto the bank."""

    field: BankField | None
    home: BankField | None
    qtype: str
    requested_type: str
    skills: tuple[str, ...]
    jd_keys: frozenset[tuple[str, ...]]
    notes: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.field.field if self.field else "General"


def plan_interview(index: BankIndex, session: InterviewSession) -> InterviewPlan:
    return _plan(index, session.field, session.interview_type, session.job_description, session.resume)


@lru_cache(maxsize=256)
def _plan(index: BankIndex, field: str, interview_type: str, job_description: str, resume: str) -> InterviewPlan:
    notes: list[str] = []
    best = match_field(field, index.fields)
    matched = best if best.field is not None and best.field is not index.general else FieldMatch(None, best.score)
    home = matched.field or index.general
    if best.field is None:
        notes.append(
            f"'{field}' is not in the offline question bank: general questions plus questions on the skills "
            "in your job description and resume."
        )
    elif matched.field is not None and normalise_text(field) != normalise_text(matched.field.field):
        notes.append(f"Using the {matched.field.field} questions for '{field}'.")
    requested, recognised = resolve_interview_type(interview_type or "")
    if not recognised:
        notes.append(f"Interview type '{interview_type}' is unknown; asking Technical questions.")
    known = [s for f in index.fields for q in f.questions for s in q.skills]
    skills = tuple(extract_skills(job_description, resume, known=known))
    available = set(home.types) if home else set()
    if matched.field is None and skills:
        available |= set(SKILL_QUESTION_TYPES)
    qtype = requested
    if available and requested not in available:
        qtype = next((t for t in SUBSTITUTES[requested] if t in available), sorted(available)[0])
        notes.append(f"The {home.field if home else 'offline'} bank has no {requested} questions; asking {qtype} ones.")
    jd_keys = frozenset(phrase_key(s) for s in extract_skills(job_description, known=known, limit=20))
    return InterviewPlan(matched.field, home, qtype, requested, skills, jd_keys, tuple(notes))


# -- choosing a question -----------------------------------------------------------------------


FOLLOW_UP_PREFIX = "Coming back to an earlier question: "


def asked_texts(session: InterviewSession) -> set[str]:
    """Every question asked so far (normalised), follow-ups also by their own text, whatever lead-in they had."""
    asked = [turn.question for turn in session.history] + [session.current_question or ""]
    metas = [turn.question_meta for turn in session.history] + [session.current_question_meta]
    asked += [str(meta.get("follow_up_text") or "") for meta in metas if isinstance(meta, dict)]
    return {normalise_text(text) for text in asked if text}


def _asked_ids(session: InterviewSession) -> list[str]:
    metas = [turn.question_meta for turn in session.history] + [session.current_question_meta]
    return [m["bank_id"] for m in metas if isinstance(m, dict) and m.get("bank_id")]


def _rng(session: InterviewSession, salt: str) -> random.Random:
    seed = hashlib.sha256(f"{session.session_id}:{len(session.history)}:{salt}".encode()).hexdigest()
    return random.Random(int(seed[:16], 16))


@dataclass(frozen=True)
class _Candidate:
    question: BankQuestion
    source: str
    #: a follow-up's own text (the question is then its parent) and how it is introduced
    text: str = ""
    lead_in: str = ""

    @property
    def asked_as(self) -> str:
        return self.lead_in + (self.text or self.question.text)


def question_for_meta(index: BankIndex, meta: dict[str, Any] | None) -> BankQuestion | None:
    """The bank (or skill-built) question a stored question's meta points to, if any."""
    meta = meta or {}
    entry = index.by_id.get(str(meta.get("bank_id") or ""))
    if entry is not None:
        return entry.question
    generated_id = meta.get("generated_id")
    skills = meta.get("skills") or []
    if generated_id and skills:
        for question in skill_questions(str(skills[0]), str(meta.get("type") or "Technical")):
            if question.id == generated_id:
                return question
    return None


#: how each interviewer persona introduces a follow-up on the answer just given
PROBE_LEAD_INS = {
    "friendly": "Let's build on that a little. ",
    "neutral": "",
    "tough": "That answer left gaps, so let me press on it. ",
}


def choose_question(
    session: InterviewSession, index: BankIndex, difficulty: int, *, probe: BankQuestion | None = None
) -> Question:
    """The next question at `difficulty`'s band; `probe` asks that question's follow-up first."""
    plan = plan_interview(index, session)
    asked = asked_texts(session)
    band = difficulty_band(difficulty)
    if probe is not None:
        for follow_up in probe.follow_ups:
            if normalise_text(follow_up) not in asked:
                lead_in = PROBE_LEAD_INS.get(session.persona, "")
                return _as_question(_Candidate(probe, "follow_up", follow_up, lead_in), plan, band, difficulty)
    seen = {normalise_text(text) for text in session.seen_questions}
    for tier, candidates in enumerate(_tiers(session, index, plan, band)):
        fresh = [c for c in candidates if not {normalise_text(c.asked_as), normalise_text(c.text)} & asked]
        if fresh:
            rng = _rng(session, f"tier{tier}")
            matches = {c.question.id: _jd_match(index, plan, c.question) for c in fresh}
            best = max(matches.values())
            top = sorted((c for c in fresh if matches[c.question.id] == best), key=lambda c: c.asked_as)
            # among equally good matches, prefer what the candidate has not met in earlier interviews
            unseen = [c for c in top if normalise_text(c.asked_as) not in seen]
            return _as_question(rng.choice(unseen or top), plan, band, difficulty)
    raise ConfigurationError("The offline question bank has run out of new questions; start a new interview.")


def _jd_match(index: BankIndex, plan: InterviewPlan, question: BankQuestion) -> int:
    entry = index.by_id.get(question.id)
    if entry is None:
        return int(any(phrase_key(s) in plan.jd_keys for s in question.skills))
    return len(plan.jd_keys & entry.topics)


def _tiers(session: InterviewSession, index: BankIndex, plan: InterviewPlan, band: str) -> Iterator[list[_Candidate]]:
    """Candidate lists from best to last resort; built lazily, since the first usually suffices."""

    def bank(field: BankField | None, types: Iterable[str], in_band: str) -> list[_Candidate]:
        if field is None:
            return []
        wanted = set(types)
        return [_Candidate(q, "bank") for q in field.questions if q.type in wanted and q.band == in_band]

    def generated(skills: Iterable[str]) -> list[_Candidate]:
        return [_Candidate(q, "skill") for s in skills for q in skill_questions(s, plan.qtype) if q.band == band]

    substitutes = SUBSTITUTES[plan.qtype]
    own = bank(plan.home, [plan.qtype], band)
    if plan.field is None and len(session.history) % 2 == 0:
        # an unknown field alternates questions on the candidate's own skills with the general pool
        yield generated(plan.skills)
    yield own
    yield generated(plan.skills)
    yield [
        _Candidate(entry.question, "follow_up", text, FOLLOW_UP_PREFIX)
        for entry in (index.by_id.get(bank_id) for bank_id in _asked_ids(session))
        if entry is not None and entry.question.band == band
        for text in entry.question.follow_ups
    ]
    yield generated(dict.fromkeys(s for q in (plan.home.questions if plan.home else []) for s in q.skills))
    yield bank(plan.home, substitutes, band)
    if plan.field is not None:
        yield bank(index.general, [plan.qtype, *substitutes], band)
    position = BANDS.index(band)
    for distance in (1, 2, 3):
        nearby = [BANDS[i] for i in (position - distance, position + distance) if 0 <= i < len(BANDS)]
        yield [c for b in nearby for c in bank(plan.home, [plan.qtype, *substitutes], b)]
    yield [_Candidate(e.question, "bank") for e in index.entries]


def _as_question(candidate: _Candidate, plan: InterviewPlan, band: str, difficulty: int) -> Question:
    question = candidate.question
    notes = list(plan.notes)
    if question.type != plan.requested_type and not any(plan.requested_type in n for n in notes):
        notes.append(f"No unused {plan.requested_type} question at this level; asking a {question.type} one.")
    meta: dict[str, Any] = {
        "source": candidate.source,
        "field": plan.label,
        "type": question.type,
        "requested_type": plan.requested_type,
        "band": band if candidate.source == "follow_up" else question.band,
        "target_band": difficulty_band(difficulty),
        "question_difficulty": difficulty if candidate.source == "follow_up" else question.difficulty,
        "skills": list(question.skills),
        "notes": notes,
    }
    if candidate.source == "follow_up":
        meta["parent_id"] = question.id
        meta["follow_up_text"] = candidate.text  # the follow-up itself, without the lead-in it was asked with
        meta["context_terms"] = [t for kp in question.key_points for t in kp.terms]
        if question.star is not None:
            meta["star"] = question.star.model_dump()
    else:
        meta["key_points"] = [kp.model_dump() for kp in question.key_points]
        meta["follow_ups"] = list(question.follow_ups)
        meta["star"] = question.star.model_dump() if question.star else None
        meta["bank_id" if candidate.source == "bank" else "generated_id"] = question.id
    return Question(text=candidate.asked_as, meta=meta)
