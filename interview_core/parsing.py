"""Model text -> validated models, tolerant of what models really return.

Accepted: fenced JSON, prose around the JSON, trailing commas, single quotes,
Python literals (True/None), scores as strings, "8/10" or floats (rounded),
out-of-range scores (clamped), lists where text was expected (joined).
Everything that cannot be used raises `LLMOutputError` with a sentence saying
why, so the provider can show the model its mistake and ask again.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import LLMOutputError
from .models import DIMENSIONS, SCORE_LABELS, DimensionAssessment, Evaluation, FinalReport, Question
from .prompts import RECOMMENDATIONS
from .providers.base import ProviderTurn

SCORE_KEYS = tuple(SCORE_LABELS)
TEXT_KEYS = ("strengths", "weaknesses")

_KEY_ALIASES = {
    "overall_score": "score",
    "overall": "score",
    "total_score": "score",
    "final_score": "score",
    "communication": "communication_score",
    "technical": "technical_score",
    "confidence": "confidence_score",
    "strength": "strengths",
    "weakness": "weaknesses",
}
_REFUSAL_RE = re.compile(
    r"\b(i\s*(?:'|’)?m sorry|i am sorry|i can(?:no|')t|i cannot|i won(?:'|’)t|unable to (?:help|comply|assist))\b",
    re.IGNORECASE,
)
_FENCE_RE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)
_NUMBER_RE = re.compile(r"(-?\d+(?:\.\d+)?)\s*(%|(?:/|out of)\s*(\d+(?:\.\d+)?))?", re.IGNORECASE)
_PY_LITERALS = {"True": "true", "False": "false", "None": "null"}


def _fail(problem: str, text: str) -> LLMOutputError:
    return LLMOutputError(f"The interviewer's reply could not be used: {problem}", raw_text=text)


# -- JSON extraction ------------------------------------------------------


def _scan_end(src: str, start: int) -> int | None:
    """Index just past the JSON value opening at `start`, or None when the text ends first."""
    depth, quote, i = 0, "", start
    while i < len(src):
        char = src[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _normalise(src: str) -> str:
    """Rewrite near-JSON (single quotes, trailing commas, Python literals) as JSON."""
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        char = src[i]
        if char in "\"'":
            buf, j = [], i + 1
            while j < n and src[j] != char:
                if src[j] == "\\" and j + 1 < n:
                    escaped = src[j + 1]
                    buf.append("'" if escaped == "'" else "\\" + escaped)
                    j += 2
                    continue
                buf.append('\\"' if src[j] == '"' else "\\n" if src[j] == "\n" else src[j])
                j += 1
            out.append('"' + "".join(buf) + '"')
            i = j + 1
            continue
        if char == ",":
            k = i + 1
            while k < n and src[k].isspace():
                k += 1
            if k < n and src[k] in "}]":
                i += 1
                continue
        if char.isalpha() or char == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            word = src[i:j]
            out.append(_PY_LITERALS.get(word, word))
            i = j
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _loads(candidate: str) -> Any:
    try:
        return json.loads(candidate, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_normalise(candidate), strict=False)
    except ValueError:
        return None


def extract_json(text: Any) -> dict[str, Any]:
    """The JSON object in a model reply: a fenced block, or a top-level {...} in prose."""
    if not isinstance(text, str) or not text.strip():
        raise _fail("it was empty.", text if isinstance(text, str) else "")
    stripped = text.strip()
    candidates = [block.strip() for block in _FENCE_RE.findall(stripped)]
    start = stripped.find("{")
    if start < 0:
        if _REFUSAL_RE.search(stripped):
            raise _fail("the model declined to answer instead of scoring.", text)
        raise _fail("it contained no JSON object.", text)
    cut_off = False
    while start >= 0 and len(candidates) < 20:
        end = _scan_end(stripped, start)
        if end is None:
            cut_off = True
            break
        candidates.append(stripped[start:end])
        start = stripped.find("{", end)
    objects = []
    for candidate in candidates:
        data = _loads(candidate)
        if isinstance(data, list) and data and isinstance(data[0], dict):
            data = data[0]
        if isinstance(data, dict):
            objects.append(data)
    if objects:  # prose may hold a stray "{}" before the real object
        return next((data for data in objects if data), objects[0])
    raise _fail("it was cut off before the JSON object ended." if cut_off else "its JSON was malformed.", text)


# -- coercion -------------------------------------------------------------


def _norm_key(key: Any) -> str:
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", str(key)).strip().lower()
    name = re.sub(r"[\s\-]+", "_", name)
    return _KEY_ALIASES.get(name, name)


def _normalised_keys(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in data.items():
        result.setdefault(_norm_key(key), value)
    return result


def coerce_score(value: Any, name: str = "score") -> int:
    """An integer 0-10 from an int, float, "8", "8/10", "80%" or "7.5"; LLMOutputError otherwise."""
    if isinstance(value, dict):
        inner = _normalised_keys(value)
        value = inner.get("score", inner.get("value"))
    if value is None:
        raise _fail(f"it has no {name}.", "")
    if isinstance(value, bool):
        raise _fail(f"its {name} is not a number ({value!r}).", "")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        match = _NUMBER_RE.search(value)
        if not match:
            raise _fail(f"its {name} is not a number ({value.strip()[:40]!r}).", "")
        number = float(match.group(1))
        if match.group(2) == "%":
            number /= 10
        elif match.group(3) and float(match.group(3)) > 0:
            number = number * 10 / float(match.group(3))
    else:
        raise _fail(f"its {name} is not a number.", "")
    if not math.isfinite(number):
        raise _fail(f"its {name} is not a finite number.", "")
    return max(0, min(10, math.floor(number + 0.5)))


def coerce_text(value: Any) -> str:
    """Text from a string, a list of strings (joined), a mapping or a number."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | tuple):
        items = [coerce_text(item) for item in value]
        items = [item for item in items if item]
        separator = " " if items and all(item[-1] in ".!?" for item in items) else "; "
        return separator.join(items)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {coerce_text(item)}" for key, item in value.items() if coerce_text(item))
    return str(value).strip()


def coerce_list(value: Any) -> list[str]:
    """A list of strings from a list, or from text with one item per line or bullet."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text for text in (coerce_text(item) for item in value) if text]
    lines = re.split(r"\n+|(?:^|\s)[-*•]\s+", coerce_text(value))
    return [line.strip(" -*•") for line in lines if line.strip(" -*•")]


def _evaluation_data(data: dict[str, Any]) -> dict[str, Any]:
    """The object holding the scores: the top level or a nested "evaluation"/"feedback"."""
    flat = _normalised_keys(data)
    if "score" in flat or "technical_score" in flat:
        return flat
    for key in ("evaluation", "feedback", "scores", "assessment"):
        if isinstance(flat.get(key), dict):
            return _normalised_keys(flat[key])
    return flat


def evaluation_from_data(data: dict[str, Any], raw_text: str = "") -> Evaluation:
    """An Evaluation from parsed JSON, coercing scores and text."""
    values = _evaluation_data(data)
    if not any(values.get(key) is not None for key in SCORE_KEYS):
        raise _fail("it has no scores.", raw_text)
    scores: dict[str, int] = {}
    for key in SCORE_KEYS:
        try:
            scores[key] = coerce_score(values.get(key), key)
        except LLMOutputError as exc:
            raise LLMOutputError(str(exc), raw_text=raw_text) from None
    texts = {key: coerce_text(values.get(key)) for key in TEXT_KEYS}
    return Evaluation(**scores, **texts)


def parse_evaluation(text: str) -> Evaluation:
    """The six-key evaluation in a model reply; LLMOutputError when it cannot be used."""
    return evaluation_from_data(extract_json(text), raw_text=text)


#: keys a model may wrap its question in when it drops the schema's shape
_QUESTION_WRAPPERS = ("next_question", "first_question", "opening_question")


def question_from_data(value: Any, raw_text: str = "") -> Question:
    """A Question from a string or an object with text/question, topic and follow_up."""
    meta: dict[str, Any] = {}
    if isinstance(value, dict):
        data = _normalised_keys(value)
        nested = next((data[k] for k in _QUESTION_WRAPPERS if isinstance(data.get(k), dict | str)), None)
        if not (data.get("text") or data.get("question")) and nested is not None:
            return question_from_data(nested, raw_text)  # {"next_question": {...}} or {"first_question": "..."}
        text = coerce_text(data.get("text") or data.get("question"))
        if coerce_text(data.get("topic")):
            meta["topic"] = coerce_text(data.get("topic"))
        follow_up = data.get("follow_up")
        meta["follow_up"] = follow_up is True or (isinstance(follow_up, str) and follow_up.lower() == "true")
    else:
        text = coerce_text(value)
    if not text:
        raise _fail("it has no question.", raw_text)
    return Question(text=text, meta=meta)


def parse_question(text: str) -> Question:
    """The question in a model reply; a reply of plain text (no JSON at all) is taken as the question."""
    if isinstance(text, str) and "{" not in text and text.strip() and not _REFUSAL_RE.search(text):
        return Question(text=text.strip().strip("`\"'").strip())
    return question_from_data(extract_json(text), raw_text=text)


def coerce_recommendation(value: Any) -> str | None:
    """One of the five recommendations, matched loosely ("strong_hire", "LEAN NO HIRE")."""
    wanted = re.sub(r"[\s_\-]+", " ", coerce_text(value)).strip().lower()
    for option in RECOMMENDATIONS:
        if wanted == option.lower():
            return option
    for option in sorted(RECOMMENDATIONS, key=len, reverse=True):  # "lean no hire" before "no hire"
        if option.lower() in wanted:
            return option
    return None


def report_from_data(value: Any, raw_text: str = "") -> FinalReport:
    """A FinalReport from parsed JSON; the engine recomputes its numbers from the scores."""
    if isinstance(value, str):
        value = {"summary": value}
    if not isinstance(value, dict):
        raise _fail("its final report is not an object.", raw_text)
    data = _normalised_keys(value)
    summary = coerce_text(data.get("summary"))
    if not summary:
        raise _fail("its final report has no summary.", raw_text)
    dimensions = []
    raw_dimensions = data.get("dimensions") or []
    if isinstance(raw_dimensions, dict):
        raw_dimensions = [{"dimension": key, "comment": item} for key, item in raw_dimensions.items()]
    for item in raw_dimensions if isinstance(raw_dimensions, list) else []:
        if not isinstance(item, dict):
            continue
        entry = _normalised_keys(item)
        name = coerce_text(entry.get("dimension")).lower().removesuffix("_score").removesuffix(" score")
        if name in DIMENSIONS:
            dimensions.append(
                DimensionAssessment(dimension=name, average=0.0, comment=coerce_text(entry.get("comment")))
            )
    recommendation = coerce_recommendation(data.get("recommendation"))
    return FinalReport(
        summary=summary,
        dimensions=dimensions,
        strengths=coerce_list(data.get("strengths")),
        areas_to_improve=coerce_list(data.get("areas_to_improve") or data.get("weaknesses")),
        practice_plan=coerce_list(data.get("practice_plan")),
        **({"recommendation": recommendation} if recommendation else {}),
    )


def parse_report(text: str) -> FinalReport:
    """The final report in a model reply."""
    return report_from_data(extract_json(text), raw_text=text)


def parse_turn(text: str, *, last_round: bool = False) -> ProviderTurn:
    """The combined reply of one call: evaluation, note, and the next question or the final report.

    On the last round a missing or broken report is left out (the engine asks for
    one separately) rather than throwing away a good evaluation.
    """
    data = extract_json(text)
    evaluation = evaluation_from_data(data, raw_text=text)
    top = _normalised_keys(data)
    note_lines = coerce_text(top.get("note")).splitlines()
    note = note_lines[0].strip() if note_lines else ""  # the engine trims notes to length
    if last_round:
        report = None
        if top.get("final_report") is not None:
            try:
                report = report_from_data(top["final_report"], raw_text=text)
            except LLMOutputError:
                report = None
        return ProviderTurn(evaluation=evaluation, note=note, final_report=report)
    # "question" is what a model that drops the schema's wrapper most often calls it
    question = top.get("next_question") if top.get("next_question") is not None else top.get("question")
    if question is None:
        raise _fail("it has no next question.", text)
    return ProviderTurn(evaluation=evaluation, note=note, next_question=question_from_data(question, raw_text=text))


_PARTIAL_TEXT = re.compile(r'"(strengths|weaknesses)"\s*:\s*"((?:[^"\\]|\\.)*)')
_PARTIAL_SCORE = re.compile(r'"(score|communication_score|technical_score|confidence_score)"\s*:\s*(\d{1,2})\s*[,}\s]')


def partial_feedback(text: str) -> dict[str, str]:
    """Scores and feedback text readable so far in a reply that is still streaming in."""
    found = {name: value for name, value in _PARTIAL_SCORE.findall(text)}
    for name, raw in _PARTIAL_TEXT.findall(text):
        raw = raw[:-1] if raw.endswith("\\") and not raw.endswith("\\\\") else raw
        try:
            found[name] = json.loads(f'"{raw}"')
        except ValueError:
            found[name] = raw
    return found
