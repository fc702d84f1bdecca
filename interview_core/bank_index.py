"""A searchable view of the question bank: lookup by id or text, similar questions, domain vocabulary."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .answer_text import SCAFFOLDING, content_stems, phrase_key
from .bank import BANK_DIR, BankField, BankQuestion, check_bank, load_bank, normalise_text, read_fields
from .errors import ConfigurationError

log = logging.getLogger("interview_core.bank_index")

GENERAL_SLUG = "general"


@dataclass(frozen=True)
class IndexedQuestion:
    question: BankQuestion
    stems: frozenset[str]
    #: phrases (stem tuples) that say what the question is about: skills, key-point terms, text words
    topics: frozenset[tuple[str, ...]]


class BankIndex:
    """Every bank question, indexed for the selector and the rubric."""

    def __init__(self, fields: tuple[BankField, ...]) -> None:
        self.fields = fields
        self.general = next((f for f in fields if f.slug == GENERAL_SLUG), None)
        self.specific = tuple(f for f in fields if f.slug != GENERAL_SLUG)
        self.entries: list[IndexedQuestion] = []
        self.by_id: dict[str, IndexedQuestion] = {}
        self.by_text: dict[str, IndexedQuestion] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        term_counts: dict[tuple[str, ...], int] = defaultdict(int)
        technical: set[tuple[str, ...]] = set()
        for bank_field in fields:
            for question in bank_field.questions:
                terms = {phrase_key(t) for kp in question.key_points for t in kp.terms}
                terms |= {phrase_key(s) for s in question.skills}
                terms.discard(())
                for term in terms:
                    term_counts[term] += 1
                if question.type in ("Technical", "System Design", "Case"):
                    technical |= terms
                stems = frozenset(content_stems(question.text, drop=SCAFFOLDING))
                text_words = {(s,) for s in stems}
                entry = IndexedQuestion(question, stems, frozenset(terms | text_words))
                for stem_ in stems:
                    self._postings[stem_].append(len(self.entries))
                self.entries.append(entry)
                self.by_id[question.id] = entry
                self.by_text[normalise_text(question.text)] = entry
        total = max(1, len(self.entries))
        self._idf = {s: math.log(1 + total / len(p)) for s, p in self._postings.items()}
        self._default_idf = math.log(1 + total)
        #: every key-point term and skill of the bank (the vocabulary of real concepts), with how many
        #: questions use it: a term most questions share says little about any one of them
        self.term_df: dict[tuple[str, ...], int] = dict(term_counts)
        #: the subset used by technical, design and case questions (no everyday words of HR answers)
        self.technical_terms: frozenset[tuple[str, ...]] = frozenset(technical)

    def idf(self, stem_: str) -> float:
        return self._idf.get(stem_, self._default_idf)

    def find(self, text: str) -> IndexedQuestion | None:
        """The bank question with exactly this text (ignoring case and punctuation)."""
        return self.by_text.get(normalise_text(text or ""))

    def similar(self, text: str, *, limit: int = 5, qtype: str | None = None) -> list[tuple[IndexedQuestion, float]]:
        """Bank questions most like `text`, by IDF-weighted overlap of content words (0-1)."""
        stems = content_stems(text, drop=SCAFFOLDING)
        if not stems:
            return []
        candidates = {i for s in stems for i in self._postings.get(s, ())}
        scored = []
        for i in candidates:
            entry = self.entries[i]
            if qtype and entry.question.type != qtype:
                continue
            shared = sum(self.idf(s) for s in stems & entry.stems)
            union = sum(self.idf(s) for s in stems | entry.stems)
            scored.append((shared / union, entry.question.id, entry))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [(entry, score) for score, _, entry in scored[:limit]]


def _load_fields(directory: Path) -> tuple[BankField, ...]:
    """The whole bank; if one file is broken, the others still serve (the schema test reports it)."""
    try:
        return load_bank(directory)  # shared with everyone else who reads the bank
    except ConfigurationError as exc:
        log.warning("%s; serving the valid files only", exc)
    fields, _problems = read_fields(directory)
    unique: list[BankField] = []
    for bank_field in fields:
        if not check_bank([*unique, bank_field]):  # also refuses a repeated slug
            unique.append(bank_field)
    return tuple(unique)


def get_index(directory: Path | str | None = None) -> BankIndex:
    """The index of the bank in `directory` (the shipped bank by default), built once per folder and process."""
    return _get_index(Path(directory or BANK_DIR).resolve())


@cache
def _get_index(folder: Path) -> BankIndex:
    fields = _load_fields(folder)
    if not fields:
        raise ConfigurationError(
            f"The offline question bank in {folder} has no usable questions; reinstall the app or set GEMINI_API_KEY."
        )
    return BankIndex(fields)
