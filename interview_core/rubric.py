"""The offline rubric: technical coverage, communication and confidence of one answer, without a model.

Bank questions are scored against their key points; any other question by how well the answer
engages with the question's content and the bank's vocabulary for that topic. Instructions aimed
at the scorer ("ignore the rubric, give 10") are data: they never raise a score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .answer_text import STOPWORDS, TextFeatures, analyse, canonical, phrase_key, tokens
from .bank import KeyPoint, normalise_text
from .bank_index import BankIndex, get_index
from .errors import ConfigurationError
from .models import Evaluation
from .question_choice import normalise_interview_type, question_for_meta
from .relevance import is_generic, question_context, relevance_of
from .rubric_feedback import (
    NO_ATTEMPT,
    communication_score,
    confidence_score,
    habits_of,
    star_flags,
    strengths_text,
    weaknesses_text,
)

#: (technical, communication, confidence) weights of the overall score, by interview type
#: the highest communication score an answer to a different question can get
OFF_TOPIC_COMMUNICATION_CAP = 4
WEIGHTS = {
    "Technical": (0.6, 0.25, 0.15),
    "System Design": (0.6, 0.25, 0.15),
    "Case": (0.6, 0.25, 0.15),
    "Behavioral": (0.5, 0.35, 0.15),
    "HR/General": (0.5, 0.3, 0.2),
}
#: at most this much above the content score: delivery cannot carry an empty answer
DELIVERY_CAP = 2.0
INJECTION_CAP = 2
SHORT_ANSWER_WORDS = 24
UNANCHORED_CAP = 4.5
#: a key point counts as covered from this coverage (0-1) on
COVERED = 0.6
_BEHAVIORAL_QUESTION = re.compile(
    r"^\s*(tell me about|describe|give (me )?an example of|share|talk about|walk me through) "
    r"(a|an|one|the last|a recent) (time|situation|occasion|example|instance|moment|project where)",
    re.IGNORECASE,
)
_HR_QUESTION = re.compile(
    r"\b(why (do|would) you want|why should we hire|tell me about yourself|(greatest|biggest|main) (strength|weakness)|"
    r"where do you see yourself|what motivates you|why are you leaving|salary expectations|what are you looking for in|"
    r"why (this|our) (company|role|organi[sz]ation))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PointCheck:
    """How well the answer covered one key point."""

    point: str
    terms: tuple[str, ...]
    coverage: float
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """A scored answer plus what the feedback and the final report need to explain it."""

    evaluation: Evaluation
    points: tuple[PointCheck, ...]
    coverage: float
    flags: frozenset[str]
    missing_focus: tuple[str, ...] = ()
    #: good delivery habits shown (see rubric_feedback.HABITS)
    habits: frozenset[str] = frozenset()

    @property
    def covered(self) -> list[PointCheck]:
        return [p for p in self.points if p.coverage >= COVERED]

    @property
    def missed(self) -> list[PointCheck]:
        return [p for p in self.points if p.coverage < COVERED]

    def worth_probing(self, below_coverage: float, max_technical: int) -> bool:
        """A real attempt covering under `below_coverage` of the key points, technical score at most `max_technical`."""
        if self.flags & NO_ATTEMPT:
            return False
        return self.coverage < below_coverage and self.evaluation.technical_score <= max_technical


def _index() -> BankIndex | None:
    try:
        return get_index()
    except ConfigurationError:
        return None


def score_answer(
    question: str, answer: str, *, interview_type: str = "Technical", job_description: str = ""
) -> Evaluation:
    """Score any answer to any question, 0-10 on each dimension (bank key points when the question is known)."""
    return assess_question(question, answer, interview_type=interview_type, job_description=job_description).evaluation


def assess_question(
    question: str,
    answer: str,
    *,
    interview_type: str = "Technical",
    job_description: str = "",
    index: BankIndex | None = None,
) -> Assessment:
    """Score an answer, finding the question's key points in the bank when it is (nearly) a bank question."""
    index = index or _index()
    qtype = normalise_interview_type(interview_type)
    entry = index.find(question) if index else None
    if entry is not None:
        q = entry.question
        return assess(question, answer, interview_type=q.type, key_points=q.key_points, index=index)
    # a caller that leaves the default type on a plainly behavioral or HR question gets the right rubric
    if qtype != "Behavioral" and _BEHAVIORAL_QUESTION.search(question or ""):
        qtype = "Behavioral"
    elif qtype == "Technical" and _HR_QUESTION.search(question or ""):
        qtype = "HR/General"
    return assess(question, answer, interview_type=qtype, index=index, job_description=job_description)


def assess_asked(
    question: str,
    answer: str,
    meta: dict[str, Any] | None,
    *,
    interview_type: str,
    job_description: str = "",
    index: BankIndex | None = None,
) -> Assessment:
    """Score an answer to a question an interviewer asked, using what its meta says about it.

    Bank and skill-built questions bring their key points; a follow-up brings its parent's vocabulary;
    anything else (a question from another interviewer) is scored by relevance.
    """
    meta = meta or {}
    index = index or _index()
    source = question_for_meta(index, meta) if index else None
    if source is not None and normalise_text(source.text) == normalise_text(question):
        return assess(question, answer, interview_type=source.type, key_points=source.key_points, index=index)
    if meta.get("source") == "follow_up":
        return assess(
            question,
            answer,
            interview_type=str(meta.get("type") or interview_type),
            context_terms=[str(t) for t in meta.get("context_terms") or []],
            job_description=job_description,
            index=index,
        )
    return assess_question(
        question, answer, interview_type=interview_type, job_description=job_description, index=index
    )


def assess(
    question: str,
    answer: str,
    *,
    interview_type: str = "Technical",
    key_points: Sequence[KeyPoint] | None = None,
    context_terms: Iterable[str] = (),
    job_description: str = "",
    index: BankIndex | None = None,
) -> Assessment:
    """The rubric itself: content from key points (or relevance), then delivery, then the gates."""
    qtype = normalise_interview_type(interview_type)
    features = analyse(answer or "", question=question or "")
    if not features.words:
        empty = Evaluation(
            score=0,
            communication_score=0,
            technical_score=0,
            confidence_score=0,
            weaknesses="No answer was given. Say what you know and reason out loud towards the rest.",
        )
        return Assessment(empty, (), 0.0, frozenset({"empty"}))
    context = question_context(index, question or "", qtype)
    flags: set[str] = set()
    relevance = relevance_of(features, context, qtype, index, context_terms, job_description)
    points: tuple[PointCheck, ...] = ()
    if key_points:
        relevance_weight = 0.4 if qtype in ("Behavioral", "HR/General") else 0.25
    elif context.nearest is not None:
        key_points, relevance_weight = context.nearest, 0.5
    if key_points:
        points = tuple(_check_point(kp, features, index, context.focus) for kp in key_points)
        coverage = sum(p.coverage for p in points) / len(points)
        depth = min(1.0, features.unique_content / 35)
        from_points = 10 * coverage * (0.7 + 0.3 * depth)
        technical = (1 - relevance_weight) * from_points + relevance_weight * relevance.score
        on_topic = coverage >= 0.15 or relevance.on_topic
    else:
        coverage = relevance.score / 10
        technical = relevance.score
        on_topic = relevance.on_topic
        if relevance.technical and not relevance.anchored:
            # on topic only by general vocabulary: it may answer a different question, so it cannot score high
            technical = min(technical, UNANCHORED_CAP)
            flags.add("unanchored")
    communication = communication_score(features, qtype)
    confidence = confidence_score(features)
    if features.non_answer:
        flags.add("non_answer")
        technical, communication, confidence = min(technical, 1), min(communication, 2), min(confidence, 2)
    if not on_topic:
        flags.add("off_topic")
        technical = min(technical, 1.5)
    if features.stuffed:
        flags.add("stuffed")
        technical, communication = min(technical, 3), min(communication, 2)
    w_tech, w_comm, w_conf = WEIGHTS[qtype]
    overall = w_tech * technical + w_comm * communication + w_conf * confidence
    overall = min(overall, technical + DELIVERY_CAP)
    if features.n_words < SHORT_ANSWER_WORDS:
        # a sentence or two cannot show much, however right it is
        overall = min(overall, features.n_words / 4)
    if flags & {"non_answer", "off_topic"}:
        overall = min(overall, 1)
        # fluent words about something else do not communicate an answer to this question
        communication = min(communication, OFF_TOPIC_COMMUNICATION_CAP)
    if "unanchored" in flags:
        overall = min(overall, UNANCHORED_CAP)
    if "stuffed" in flags:
        overall = min(overall, 2)
    if features.injection:
        flags.add("injection")
        overall = min(overall, INJECTION_CAP)
        technical, communication, confidence = (min(v, INJECTION_CAP) for v in (technical, communication, confidence))
    if qtype == "Behavioral":
        flags |= star_flags(features)
    if features.hedges:
        flags.add("hedging")
    if features.fillers:
        flags.add("fillers")
    habits = habits_of(features, qtype, flags)
    evaluation = Evaluation(
        score=_round(overall),
        communication_score=_round(communication),
        technical_score=_round(technical),
        confidence_score=_round(confidence),
        strengths=strengths_text(
            features,
            flags,
            habits,
            covered=[p.point for p in points if p.coverage >= COVERED],
            scored_on_points=bool(points),
            focus_share=relevance.focus_share,
            focus_words=list(context.focus.values()),
        ),
        weaknesses=weaknesses_text(
            features,
            qtype,
            flags,
            missed=[p.point for p in points if p.coverage < COVERED],
            scored_on_points=bool(points),
            focus_share=relevance.focus_share,
            missing_focus=relevance.missing,
        ),
    )
    return Assessment(evaluation, points, round(coverage, 3), frozenset(flags), tuple(relevance.missing), habits)


def _round(value: float) -> int:
    return max(0, min(10, int(value + 0.5)))


# -- content --------------------------------------------------------------------------------------


def _check_point(kp: KeyPoint, features: TextFeatures, index: BankIndex | None, focus: dict[str, str]) -> PointCheck:
    matched = []
    strength = 0.0
    for term in kp.terms:
        key = phrase_key(term)
        if key and features.has(key) and not features.negated(key):
            matched.append(term)
            strength += 0.5 if is_generic(key, index) else 1.0
    coverage = 1.0 if strength >= 2 else 0.75 if strength >= 1 else 0.4 if strength > 0 else 0.0
    # echoing the question's own words is not covering a point
    point_words = {canonical(w) for w in tokens(kp.point) if w not in STOPWORDS and len(w) > 2} - set(focus)
    if point_words:
        share = len(point_words & set(features.stems)) / len(point_words)
        if share >= 0.5:
            coverage = max(coverage, min(0.9, share))
    return PointCheck(kp.point, tuple(kp.terms), coverage, tuple(matched))
