"""Skills named in a job description or resume, and interview questions built from them.

Used for fields the bank does not cover ("Nursing") and to keep a long interview going at one
difficulty band once the bank's questions there are used up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .answer_text import STOPWORDS, phrase_key, tokens
from .bank import BankQuestion, KeyPoint, StarGuide


def _words(text: str) -> list[str]:
    return text.split()


#: skills that are also everyday words ("excel at", "in the spring"): recognised only as capitalised
_CASE_SENSITIVE = frozenset({"Rust", "Swift", "Ruby", "Spring", "REST", "Sketch", "Excel", "Git", "Spark", "Vue"})
#: tools and skills common enough in job ads to be recognised anywhere in the text
COMMON_SKILLS = (
    *_words(
        "Python Java JavaScript TypeScript Golang Rust C++ C# Kotlin Swift Ruby PHP Scala SQL NoSQL MATLAB Bash "
        "React Angular Vue Node.js Django Flask FastAPI Spring GraphQL REST HTML CSS Kubernetes Docker Terraform "
        "Ansible Jenkins Git Linux AWS Azure GCP Kafka Spark Hadoop Airflow Snowflake PostgreSQL MySQL MongoDB Redis "
        "Elasticsearch Tableau Excel PowerPoint Salesforce HubSpot Jira Figma Sketch SAP Prometheus Grafana "
        "TensorFlow PyTorch Pandas scikit-learn Looker dbt CI/CD"
    ),
    "machine learning",
    "data analysis",
    "project management",
    "stakeholder management",
    "customer service",
    "patient care",
    "team leadership",
    "budgeting",
    "forecasting",
    "negotiation",
    "public speaking",
    "technical writing",
    "risk management",
    "quality assurance",
    "microservices",
    "cloud infrastructure",
    "infrastructure as code",
    "user research",
    "A/B testing",
    "SEO",
    "content strategy",
    "financial modelling",
    "financial modeling",
    "agile",
    "scrum",
)
_CUE = re.compile(
    r"\b(?:experience (?:in|with|of|using)|proficien(?:t|cy) (?:in|with)|knowledge of|familiar(?:ity)? with|"
    r"skilled in|skills? in|expertise in|understanding of|background in|certifi(?:ed|cation) in|"
    r"competen(?:t|ce) in|comfortable with|hands-on with|fluency in|fluent in|working with)\s+([^.;:\n]+)",
    re.IGNORECASE,
)
_SKILLS_SUFFIX = re.compile(
    r"\b(?:strong|excellent|solid|good|proven|great|advanced|demonstrable)\s+([^.;:\n]{3,60}?)\s+skills\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(r",|;|/|\(|\)|\band\b|\bor\b|\bincluding\b|\bsuch as\b|\be\.g\.|\betc\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·▪–]|\d+[.)])\s*(.+?)\s*[.;]?\s*$", re.MULTILINE)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
_NOT_SKILLS = frozenset(
    _words(
        "i a an the we you our us uk usa eu it hr ceo cv ok am pm etc inc ltd llc faq tbd asap fyi eg ie "
        "job role team years year plus experience skills skill ability strong excellent solid good great proven "
        "hands hands-on working deep basic advanced practical professional relevant modern minimum least "
        "knowledge understanding familiarity including required preferred nice bonus degree bachelor master "
        "equivalent field related similar other tools tool technologies technology environment environments "
        "responsibilities requirements qualifications candidate candidates will must should can work using use "
        "certification certifications certificate registration license licence degree"
    )
)


def _clean_phrase(phrase: str) -> str:
    words = [w for w in re.split(r"\s+", phrase.strip(" -–:*•\t\"'")) if w]
    while words and (words[0].lower() in _NOT_SKILLS or words[0].lower() in STOPWORDS or words[0][:1].isdigit()):
        words.pop(0)
    while words and (words[-1].lower() in _NOT_SKILLS or words[-1].lower() in STOPWORDS):
        words.pop()
    return " ".join(words).strip(" .,")


def _candidate_phrases(text: str) -> list[str]:
    phrases: list[str] = []
    chunks = [m.group(1) for m in _CUE.finditer(text)] + [m.group(1) for m in _SKILLS_SUFFIX.finditer(text)]
    chunks += [m.group(1) for m in _BULLET.finditer(text) if len(m.group(1).split()) <= 8]
    for chunk in chunks:
        for part in _SPLIT.split(chunk):
            cleaned = _clean_phrase(part)
            if cleaned and len(cleaned.split()) <= 4 and re.search(r"[A-Za-z]{2}", cleaned):
                phrases.append(cleaned)
    phrases += [m.group(0) for m in _ACRONYM.finditer(text) if m.group(0).lower() not in _NOT_SKILLS]
    return phrases


def _surface(text: str, name: str) -> str:
    """The skill as the text spells it ("Kubernetes", not the bank's "kubernetes"), when it appears verbatim."""
    found = re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text, re.IGNORECASE)
    return found.group(0) if found and not name[:1].isupper() else name


def extract_skills(job_description: str, resume: str = "", *, known: Iterable[str] = (), limit: int = 8) -> list[str]:
    """Skills the texts name, the job description's first, those in both texts ranked highest."""
    vocabulary: dict[tuple[str, ...], str] = {}
    for name in (*COMMON_SKILLS, *known):
        if phrase_key(name):
            vocabulary.setdefault(phrase_key(name), name)
    scores: dict[tuple[str, ...], float] = {}
    display: dict[tuple[str, ...], str] = {}
    for weight, text in ((2.0, job_description or ""), (1.0, resume or "")):
        words = tokens(text)
        grams = {tuple(phrase_key(" ".join(words[i : i + n]))) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
        found = {
            key: _surface(text, name)
            for key, name in vocabulary.items()
            if key in grams and (name not in _CASE_SENSITIVE or re.search(rf"\b{re.escape(name)}\b", text))
        }
        for phrase in _candidate_phrases(text):
            key = phrase_key(phrase)
            if key and not all(k in STOPWORDS for k in key):
                found.setdefault(key, vocabulary.get(key, phrase))
        for position, (key, name) in enumerate(found.items()):
            bonus = 1.0 if key in vocabulary else 0.0
            scores[key] = scores.get(key, 0.0) + weight + bonus - position * 0.001
            display.setdefault(key, name)
    # a phrase inside a longer skill ("care" in "patient care") adds nothing
    keys = sorted(scores, key=lambda k: (-scores[k], display[k].lower()))
    chosen: list[tuple[str, ...]] = []
    for key in keys:
        joined = " ".join(key)
        if any(f" {joined} " in f" {' '.join(other)} " for other in chosen):
            continue
        chosen.append(key)
    return [display[key] for key in chosen[:limit]]


def _slug(text: str) -> str:
    return "-".join(tokens(text.replace("+", "p").replace("#", "sharp"))) or "skill"


_TEMPLATES = {
    "Technical": (
        (2, "In a few sentences, what is {s} for, and how have you used it so far?"),
        (
            5,
            "Walk me through a piece of work where you used {s}: what problem did it solve, and how did you "
            "go about it?",
        ),
        (7, "What are the most common mistakes people make with {s}, and how do you avoid them in your own work?"),
        (
            9,
            "Describe the hardest problem you have solved with {s}: the constraints, the trade-offs you weighed "
            "and how you knew it worked.",
        ),
    ),
    "Behavioral": (
        (2, "Tell me about a time you used {s} to get something done. What was the situation and the result?"),
        (5, "Tell me about a time you had to learn or improve your {s} quickly to deliver something. What did you do?"),
        (
            7,
            "Tell me about a time your work involving {s} went wrong. How did you handle it, and what "
            "changed afterwards?",
        ),
        (
            9,
            "Tell me about a time you relied on {s} under real pressure, with a lot at stake, and had to persuade "
            "others of your approach.",
        ),
    ),
    "HR/General": (
        (2, "What draws you to work that involves {s}?"),
        (5, "How do you keep your {s} skills current, and what have you learned recently?"),
        (
            7,
            "How would you rate your {s} against what this role needs, and how would you close any gap in your first "
            "months?",
        ),
        (
            9,
            "If the team disagreed with how you wanted to approach {s} on an important piece of work, how would you "
            "handle it?",
        ),
    ),
}
SKILL_QUESTION_TYPES = tuple(_TEMPLATES)

_EXAMPLE = KeyPoint(
    point="grounds the answer in a concrete piece of work",
    terms=["for example", "for instance", "project", "in my last", "at my previous", "we used", "i used", "our team"],
)
_RESULT = KeyPoint(
    point="says what changed as a result, ideally with a number",
    terms=["result", "reduced", "improved", "increased", "percent", "saved", "faster", "outcome", "measured"],
)
_TRADE_OFFS = KeyPoint(
    point="weighs trade-offs, risks or alternatives",
    terms=["trade-off", "tradeoff", "instead", "alternative", "downside", "risk", "mistake", "pitfall", "because"],
)


def _key_points(skill: str, qtype: str) -> list[KeyPoint]:
    named = KeyPoint(point=f"explains what {skill} is for and how they used it", terms=[skill, "used it", "use it"])
    if qtype == "Behavioral":
        return [
            KeyPoint(
                point="sets out the situation and their own responsibility",
                terms=["my role", "responsible", "i was asked", "i needed to", "the goal", "my task"],
            ),
            named,
            KeyPoint(
                point="describes the specific actions they took",
                terms=[
                    "i decided",
                    "i built",
                    "i set up",
                    "i organised",
                    "i organized",
                    "i talked",
                    "i worked",
                    "first",
                    "then",
                ],
            ),
            _RESULT,
            KeyPoint(
                point="reflects on what they learned",
                terms=["learned", "lesson", "next time", "differently", "since then", "now i"],
            ),
        ]
    if qtype == "HR/General":
        return [
            named,
            KeyPoint(
                point="shows genuine motivation for the work",
                terms=["enjoy", "interest", "motivated", "passionate", "excited", "care about", "why"],
            ),
            _EXAMPLE,
            KeyPoint(
                point="shows a plan for learning and growth",
                terms=["learn", "course", "practice", "mentor", "reading", "certification", "improve"],
            ),
        ]
    return [
        named,
        _EXAMPLE,
        KeyPoint(
            point="explains the steps or method they followed",
            terms=["first", "then", "set up", "configured", "implemented", "built", "process", "step"],
        ),
        _TRADE_OFFS,
        _RESULT,
    ]


@lru_cache(maxsize=1024)
def skill_questions(skill: str, qtype: str) -> tuple[BankQuestion, ...]:
    """One question per difficulty band about `skill`, for Technical, Behavioral or HR/General interviews."""
    templates = _TEMPLATES.get(qtype, _TEMPLATES["Technical"])
    kind = qtype if qtype in _TEMPLATES else "Technical"
    star = None
    if kind == "Behavioral":
        star = StarGuide(
            situation=f"where {skill} came into the work",
            task="what the candidate was responsible for",
            action=f"the concrete steps taken with {skill}",
            result="the measurable outcome and the lesson learned",
        )
    return tuple(
        BankQuestion(
            id=f"skill-{_slug(skill)}-{_slug(kind)}-{difficulty}",
            type=kind,
            difficulty=difficulty,
            text=template.format(s=skill),
            key_points=_key_points(skill, kind),
            follow_ups=[
                f"What would you do differently with {skill} if you started that work again today?",
                f"How would you explain {skill} to a new colleague in two minutes?",
            ],
            skills=[skill],
            star=star,
        )
        for difficulty, template in templates
    )
