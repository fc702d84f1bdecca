"""The offline interviewer's question bank: schema, loading and validation.

Data lives in `question_bank/<slug>.json`, one file per field. Run
`python -m interview_core.bank` to validate every file and print counts.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from .difficulty import difficulty_band
from .errors import ConfigurationError

BANK_DIR = Path(__file__).with_name("question_bank")
BANDS = ("1-3", "4-6", "7-8", "9-10")
QuestionType = Literal["Technical", "Behavioral", "HR/General", "System Design", "Case"]


class KeyPoint(BaseModel):
    """Something a strong answer covers, and the words that show it was covered."""

    point: str = Field(min_length=3)
    terms: list[str] = Field(min_length=1)


class StarGuide(BaseModel):
    """What each STAR element of a behavioral answer should contain for this question."""

    situation: str
    task: str
    action: str
    result: str


class BankQuestion(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    type: QuestionType
    difficulty: int = Field(ge=1, le=10)
    text: str = Field(min_length=15)
    key_points: list[KeyPoint] = Field(min_length=3, max_length=6)
    follow_ups: list[str] = Field(min_length=1, max_length=2)
    skills: list[str] = Field(default_factory=list)
    star: StarGuide | None = None

    @model_validator(mode="after")
    def _behavioral_has_star(self) -> BankQuestion:
        if self.type == "Behavioral" and self.star is None:
            raise ValueError(f"{self.id}: behavioral questions carry the STAR elements")
        return self

    @property
    def band(self) -> str:
        return difficulty_band(self.difficulty)


class BankField(BaseModel):
    field: str
    slug: str = Field(pattern=r"^[a-z0-9_]+$")
    aliases: list[str] = Field(default_factory=list)
    types: list[QuestionType] = Field(min_length=1)
    questions: list[BankQuestion]

    @model_validator(mode="after")
    def _every_type_covers_every_band(self) -> BankField:
        for qtype in self.types:
            bands = {q.band for q in self.questions if q.type == qtype}
            missing = [band for band in BANDS if band not in bands]
            if missing:
                raise ValueError(f"{self.slug}: {qtype} has no question in band(s) {', '.join(missing)}")
        stray = {q.type for q in self.questions} - set(self.types)
        if stray:
            raise ValueError(f"{self.slug}: questions of types not listed in 'types': {sorted(stray)}")
        return self


def normalise_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def check_bank(fields: list[BankField]) -> list[str]:
    """Problems across files: duplicate ids, duplicate questions, duplicate slugs."""
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    seen_slugs: set[str] = set()
    for bank_field in fields:
        if bank_field.slug in seen_slugs:
            problems.append(f"duplicate field slug {bank_field.slug}")
        seen_slugs.add(bank_field.slug)
        for question in bank_field.questions:
            if question.id in seen_ids:
                problems.append(f"duplicate id {question.id}")
            seen_ids[question.id] = bank_field.slug
            key = normalise_text(question.text)
            if key in seen_texts:
                problems.append(f"duplicate question {question.id} repeats {seen_texts[key]}")
            seen_texts[key] = question.id
    return problems


def load_field_file(path: Path) -> BankField:
    try:
        return BankField.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise ConfigurationError(f"Question bank file {path.name} is invalid: {exc}") from exc


def read_fields(directory: Path) -> tuple[list[BankField], list[str]]:
    """Every field file that validates, and every problem found (invalid files, clashes between files)."""
    fields: list[BankField] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.json")):
        try:
            fields.append(load_field_file(path))
        except ConfigurationError as exc:
            problems.append(str(exc))
    return fields, problems + check_bank(fields)


def load_bank(directory: Path | None = None) -> tuple[BankField, ...]:
    """Every field of the bank (the shipped one by default), validated; read once per folder and process."""
    return _load_bank(Path(directory or BANK_DIR).resolve())


@cache
def _load_bank(directory: Path) -> tuple[BankField, ...]:
    fields, problems = read_fields(directory)
    if problems:
        raise ConfigurationError("Question bank is inconsistent: " + "; ".join(problems[:10]))
    return tuple(fields)


def main() -> int:
    fields, problems = read_fields(BANK_DIR)
    for problem in problems:
        print(f"FAIL {problem}")
    failures = len(problems)
    total = 0
    for bank_field in fields:
        counts = {t: sum(q.type == t for q in bank_field.questions) for t in bank_field.types}
        total += len(bank_field.questions)
        print(f"{bank_field.slug:24} {len(bank_field.questions):4}  {counts}")
    print(f"{len(fields)} fields, {total} questions, {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
