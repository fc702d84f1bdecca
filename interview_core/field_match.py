"""What the user typed, matched to the bank: interview types ("hr", "behavioural") and fields ("SWE", typos)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .answer_text import stem, tokens
from .bank import BankField, normalise_text

_TYPE_NAMES = {
    "Technical": ("technical", "tech", "coding", "programming", "domain knowledge", "hard skills"),
    "Behavioral": ("behavioral", "behavioural", "behavior", "behaviour", "star", "competency", "situational"),
    "HR/General": (
        "hr",
        "hr general",
        "general",
        "human resources",
        "culture fit",
        "cultural fit",
        "fit",
        "personal",
        "screening",
        "motivation",
        "soft skills",
    ),
    "System Design": ("system design", "systems design", "design", "architecture", "system architecture", "sd"),
    "Case": ("case", "case study", "business case", "consulting", "product sense", "guesstimate", "market sizing"),
}
_TYPE_LOOKUP = {name: canonical for canonical, names in _TYPE_NAMES.items() for name in names}

#: when a field lacks the requested type, the closest sensible one, in order
SUBSTITUTES = {
    "Case": ("Technical", "System Design", "HR/General", "Behavioral"),
    "System Design": ("Technical", "Case", "HR/General", "Behavioral"),
    "Technical": ("System Design", "Case", "HR/General", "Behavioral"),
    "Behavioral": ("HR/General", "Technical"),
    "HR/General": ("Behavioral", "Technical"),
}


def normalise_interview_type(value: str | None) -> str:
    """One of INTERVIEW_TYPES for a user's spelling ("hr", "behavioural", "system-design"); Technical if unknown."""
    return resolve_interview_type(value or "")[0]


@lru_cache(maxsize=256)
def resolve_interview_type(value: str) -> tuple[str, bool]:
    """The canonical type and whether the spelling was recognised (unknown spellings give Technical)."""
    key = re.sub(r"\b(interview|interviews|questions|round|type|mode)\b", " ", normalise_text(value))
    key = " ".join(key.split())
    if not key:
        return "Technical", True
    for candidate in (key, *_type_phrases(key)):
        if candidate in _TYPE_LOOKUP:
            return _TYPE_LOOKUP[candidate], True
    close = difflib.get_close_matches(key, list(_TYPE_LOOKUP), n=1, cutoff=0.75)
    if close:
        return _TYPE_LOOKUP[close[0]], True
    return "Technical", False


def _type_phrases(key: str) -> list[str]:
    words = key.split()
    return [" ".join(words[i : i + 2]) for i in range(len(words) - 1)] + words


# -- field matching ------------------------------------------------------------------------------

_EXPANSIONS = {
    "dev": "developer",
    "devs": "developer",
    "eng": "engineer",
    "engr": "engineer",
    "mgr": "manager",
    "mgmt": "management",
    "sec": "security",
    "infosec": "information security",
    "ml": "machine learning",
    "swe": "software engineer",
    "sde": "software development engineer",
    "fe": "frontend",
    "be": "backend",
    "qa": "quality assurance",
    "fullstack": "full stack",
}
_JOINS = (
    ("back end", "backend"),
    ("front end", "frontend"),
    ("dev ops", "devops"),
    ("cyber security", "cybersecurity"),
)
_FILLER = frozenset(
    str.split(
        "senior junior jr sr lead principal staff mid level entry associate role position job jobs "
        "the a an for of in at i am want to be as and with my"
    )
)
_ROLE_ROOTS = {
    "developer": "develop",
    "development": "develop",
    "engineering": "engineer",
    "manager": "manag",
    "management": "manag",
    "analyst": "analy",
    "analysis": "analy",
    "analytics": "analy",
    "scientist": "scien",
    "science": "scien",
    "designer": "design",
    "marketer": "market",
    "marketing": "market",
    "consultant": "consult",
    "consulting": "consult",
    "financial": "financ",
    "finance": "financ",
}
#: words every field shares: they count less when telling fields apart
_GENERIC = frozenset({"develop", "engineer", "manag", "analy", "specialist", "officer", "professional"})


@lru_cache(maxsize=2048)
def _field_words(text: str) -> tuple[str, ...]:
    norm = " " + " ".join(tokens(text.replace("&", " and "))) + " "
    for before, after in _JOINS:
        norm = norm.replace(f" {before} ", f" {after} ")
    words: list[str] = []
    for word in norm.split():
        words.extend(_EXPANSIONS.get(word, word).split())
    roots = [_ROLE_ROOTS.get(w, stem(w)) for w in words if w not in _FILLER]
    return tuple(roots or [stem(w) for w in words])


@lru_cache(maxsize=8192)
def _token_match(a: str, b: str) -> float:
    if a == b:
        return 1.0
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short) and len(short) / len(long) >= 0.6:
        return 0.9
    if len(a) >= 5 and len(b) >= 5 and (a.endswith(b) or b.endswith(a)):
        return 0.85
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= 0.8 else 0.0


def _similarity(words: Sequence[str], name: Sequence[str]) -> float:
    """A fuzzy, weighted Dice coefficient of two word lists (typo tolerant, role words discounted)."""

    def weight(word: str) -> float:
        return 0.35 if word in _GENERIC else 1.0

    def covered(source: Sequence[str], target: Sequence[str]) -> float:
        return sum(weight(w) * max((_token_match(w, t) for t in target), default=0.0) for w in source)

    total = sum(map(weight, words)) + sum(map(weight, name))
    return (covered(words, name) + covered(name, words)) / total if total else 0.0


@dataclass(frozen=True)
class FieldMatch:
    field: BankField | None
    score: float


MATCH_THRESHOLD = 0.7
#: common job titles the bank's own aliases do not list
EXTRA_ALIASES = {
    "software_engineering": (
        "qa engineer",
        "test engineer",
        "mobile developer",
        "ios developer",
        "android developer",
        "game developer",
        "embedded engineer",
        "java developer",
        "c++ developer",
    ),
    "data_analysis": ("data engineer", "analytics", "reporting"),
    "finance": ("investment analyst", "financial advisor", "financial planner", "banker", "auditor", "economist"),
    "project_management": ("operations manager", "program management", "programme management"),
    "cybersecurity": ("security operations", "network security", "ethical hacker"),
    "devops_cloud": ("cloud computing", "infrastructure", "systems administrator", "system administrator"),
    "ux_design": ("graphic designer", "web designer", "designer"),
}


def match_field(text: str, fields: Iterable[BankField]) -> FieldMatch:
    """The bank field nearest to what the user typed, or FieldMatch(None) when nothing is close."""
    words = _field_words(text)
    if not words:
        return FieldMatch(None, 0.0)
    best = FieldMatch(None, 0.0)
    for bank_field in fields:
        extra = EXTRA_ALIASES.get(bank_field.slug, ())
        for name in (bank_field.field, bank_field.slug.replace("_", " "), *bank_field.aliases, *extra):
            score = _similarity(words, _field_words(name))
            if score > best.score:
                best = FieldMatch(bank_field, score)
    return best if best.score >= MATCH_THRESHOLD else FieldMatch(None, best.score)
