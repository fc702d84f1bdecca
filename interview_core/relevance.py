"""How an answer relates to a question that has no key points: its words, its topic's vocabulary, its depth."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .answer_text import SCAFFOLDING, STOPWORDS, TextFeatures, canonical, phrase_key, tokens
from .bank import KeyPoint
from .bank_index import BankIndex

#: a key-point term used by this many bank questions is common vocabulary and counts half
GENERIC_TERM_DF = 20
#: a bank question this similar to the asked one lends its key points
NEAR_BANK_SIMILARITY = 0.55
#: bank questions at least this similar lend their key-point vocabulary as the topic's vocabulary
RELATED_SIMILARITY = 0.25
#: words of working life: the topic of HR and behavioral questions
_WORKPLACE_WORDS = (
    "team project manager colleague customer client goal skill experience learn role company deliver deadline "
    "stakeholder feedback responsibility growth career improve impact result problem decision communication "
    "lead mentor organisation organization business users product process plan values mission culture strength "
    "weakness salary opportunity challenge"
)
_WORKPLACE = frozenset(canonical(w) for w in _WORKPLACE_WORDS.split())


@dataclass(frozen=True)
class QuestionContext:
    focus: dict[str, str]  # canonical stem -> the word as the question wrote it
    related: frozenset[tuple[str, ...]]
    nearest: tuple[KeyPoint, ...] | None


@lru_cache(maxsize=2048)
def question_context(index: BankIndex | None, question: str, qtype: str) -> QuestionContext:
    focus: dict[str, str] = {}
    for word in tokens(question):
        if word not in STOPWORDS and word not in SCAFFOLDING and len(word) > 1:
            focus.setdefault(canonical(word), word)
    related: set[tuple[str, ...]] = set()
    nearest = None
    if index is not None:
        similar = index.similar(question, limit=6)
        for entry, similarity in similar:
            if similarity >= RELATED_SIMILARITY:
                related |= {phrase_key(t) for kp in entry.question.key_points for t in kp.terms}
        same_type = [(e, s) for e, s in similar if e.question.type == qtype]
        if same_type and same_type[0][1] >= NEAR_BANK_SIMILARITY:
            nearest = tuple(same_type[0][0].question.key_points)
    related.discard(())
    return QuestionContext(focus, frozenset(related), nearest)


def is_generic(key: tuple[str, ...], index: BankIndex | None) -> bool:
    return index is not None and len(key) == 1 and index.term_df.get(key, 0) >= GENERIC_TERM_DF


@dataclass(frozen=True)
class Relevance:
    score: float  # 0-10 engagement with the question's content
    focus_share: float  # IDF-weighted share of the question's own content words used
    missing: list[str]  # the question's content words the answer never used
    related_hits: int  # topic vocabulary (from similar bank questions) the answer used
    related_size: int  # how much topic vocabulary the bank has for this question
    concepts: float  # any bank vocabulary used
    workplace: int  # words of working life, the topic of HR and behavioral questions

    technical: bool  # a technical, design or case question (not HR or behavioral)

    @property
    def anchored(self) -> bool:
        """The answer uses the question's distinctive words or its topic's vocabulary."""
        return self.focus_share >= 0.1 or self.related_hits > 0

    @property
    def on_topic(self) -> bool:
        """Some evidence the answer is about the question (for HR and behavioral ones, working life)."""
        domain = self.related_size < RICH_TOPIC and self.concepts >= 3
        return self.anchored or domain or (not self.technical and self.workplace >= 3)


RICH_TOPIC = 15


def relevance_of(
    features: TextFeatures,
    context: QuestionContext,
    qtype: str,
    index: BankIndex | None,
    context_terms: Iterable[str],
    job_description: str,
) -> Relevance:
    answer_stems = set(features.stems)
    focus = context.focus
    weights = {s: (index.idf(s) if index else 1.0) for s in focus}
    hit = [s for s in focus if s in answer_stems]
    focus_share = sum(weights[s] for s in hit) / sum(weights.values()) if focus else 0.0
    missing = [word for s, word in focus.items() if s not in answer_stems]
    related = set(context.related) | {phrase_key(t) for t in context_terms}
    related |= {phrase_key(t) for t in re.split(r"[,;\n]", job_description) if 0 < len(t.split()) <= 3}
    # a phrase made only of the question's own words is an echo, not knowledge
    related = {key for key in related if key and not all(word in focus for word in key)}
    matched = [key for key in related if features.has(key) and not features.negated(key)]
    related_hits = sum(0.5 if is_generic(key, index) else 1.0 for key in matched)
    concepts = 0.0
    if index is not None:
        vocabulary = index.term_df if qtype in ("Behavioral", "HR/General") else index.technical_terms
        for key in features.ngrams:
            if key in vocabulary and not all(word in focus or word in STOPWORDS for word in key):
                concepts += 0.5 if is_generic(key, index) else 1.5 if len(key) > 1 else 1.0
    specifics = min(1.0, (features.numbers + features.examples) / 3)
    depth = min(1.0, features.unique_content / 35)
    reasoning = min(1.0, features.reasoning / 2)
    workplace = len(_WORKPLACE & answer_stems)
    if qtype in ("Behavioral", "HR/General"):
        star = sum(features.star.values()) / 4 if qtype == "Behavioral" else min(1.0, workplace / 4)
        parts = (
            (0.2, min(1.0, focus_share / 0.4)),
            (0.15, min(1.0, (related_hits + workplace / 2) / 4)),
            (0.25, star),
            (0.2, depth),
            (0.15, specifics),
            (0.05, reasoning),
        )
    elif len(related) >= RICH_TOPIC:
        parts = (
            (0.15, min(1.0, focus_share / 0.5)),
            (0.3, min(1.0, related_hits / 4)),
            (0.15, min(1.0, concepts / 16)),
            (0.15, depth),
            (0.1, reasoning),
            (0.15, specifics),
        )
    else:
        # the bank knows little about this topic: naming it is the minimum; vocabulary and detail carry the score
        parts = (
            (0.15, min(1.0, focus_share / 0.5)),
            (0.35, min(1.0, concepts / 16)),
            (0.25, depth),
            (0.1, reasoning),
            (0.15, specifics),
        )
    # vague filler ("it really depends", "in general", "a lot of things") is length without substance
    vague_per_100 = 100 * features.vague / max(features.n_words, 30)
    score = 10 * sum(weight * value for weight, value in parts) - min(3.0, 0.5 * vague_per_100)
    technical = qtype not in ("Behavioral", "HR/General")
    return Relevance(max(0.0, score), focus_share, missing, len(matched), len(related), concepts, workplace, technical)
