"""Text analysis behind the offline rubric: tokens, light stemming, phrases and answer features.

Pure functions of the text, so scoring stays deterministic and fast (no model, no network).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),
)
_NEGATIONS = frozenset({"not", "never", "no", "without", "neither", "nor"})
_TRADE_OFF = re.compile(r"\btrade[\s-]?offs?\b")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """Phrases written "a|b c|d", which reads better than one word per line."""
    return tuple(text.split("|"))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

STOPWORDS = _wordset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves let us get
    got one may might must shall also really well yes okay ok maybe like"""
)
#: words that frame a question without saying what it is about
SCAFFOLDING = _wordset(
    """explain describe tell walk talk discuss give example time times share situation would could should how
    what why when which who approach think know handle deal go ensure make use used using way ways difference
    different differences between compare contrast mean means meaning role please briefly detail details
    something someone thing things kind sort type types good best important main key work worked working
    design designing build building implement create public"""
)

#: groups of words a candidate uses interchangeably; each group maps to its first word
_SYNONYM_GROUPS = (
    "colleague coworker teammate peer",
    "conflict disagreement disagree disagreed argument argue argued clash tension dispute",
    "manager boss supervisor",
    "customer client",
    "mistake error failure fail failed wrong",
    "deadline",
    "goal objective target aim",
    "feedback criticism critique",
    "problem issue challenge",
    "decision decide decided choose chose choice",
    "prioritize prioritise priority priorities prioritization prioritisation",
    "motivate motivation motivated passion passionate",
    "database db",
    "kubernetes k8s",
    "javascript js",
    "typescript ts",
    "optimize optimise optimization optimisation",
    "latency delay",
    "learn learned learnt lesson lessons",
    "lead led leadership",
)

HEDGES = _phrases(
    "i think|i guess|maybe|probably|perhaps|i am not sure|not sure|i suppose|kind of|sort of|i believe|"
    "i feel like|might be|could be|hopefully|i am not really|not really sure|more or less"
)
FILLERS = _phrases("um|umm|uh|uhh|er|erm|hmm|you know|basically|literally|i mean|like like")
REASONING = _phrases(
    "because|since|so that|therefore|which means|this means|as a result|however|whereas|instead|tradeoff|"
    "depends|the downside|on the other hand|in contrast|the reason|otherwise|unless"
)
STRUCTURE = _phrases(
    "first|firstly|second|secondly|third|then|next|finally|lastly|overall|in summary|to summarise|"
    "to summarize|step|after that|in short"
)
EXAMPLES = _phrases("for example|for instance|such as|e g|in my last|at my previous|in practice|say we")
VAGUE = _phrases(
    "really|basically|in general|generally speaking|a lot of things|lots of things|things like that|"
    "stuff|and so on|etc|it depends|it really depends|as possible|very important|really important|"
    "super important|the key is|at the end of the day|overall|whatever|kind of|sort of"
)
ASSERTIVE = _phrases("i would|i will|i did|i led|i built|i decided|i recommend|i am confident|clearly")
_NON_ANSWER = re.compile(
    r"\b(i do not know|i dont know|dunno|no idea|no clue|not sure|i have never (heard|done|used|seen)|"
    r"i can not (answer|remember|think|recall)|i do not remember|i do not recall|no comment|skip this|"
    r"next question|i am not familiar|i have no experience|i forget|i forgot|no answer|i am blanking)\b"
)
#: sentences addressed to whoever scores the answer; narrow on purpose, so real answers never match
_SCORE_TEN = r"(10|ten|9|nine|100)\b(?!\s*(minutes|seconds|hours|days|weeks|percent|ms|times|users|requests|people))"
_INJECTION = (
    r"\b(ignore|disregard|forget|override|bypass)\s+(all |any |the |your |my |these |those |previous |prior |above |"
    r"earlier |scoring |grading |of )*(instructions?|rubric|scoring rules|grading rules|criteria|scoring|grading|"
    r"guidelines|system prompt|evaluation criteria)\b",
    r"\b(give|award|assign|grant|rate|score|mark|grade)\s+(me|this|it|my answer|this answer|the answer|this response|"
    r"my response|the candidate|me a|us)\b[\w\s/]{0,20}?\b" + _SCORE_TEN,
    r"\b((give|rate|score|mark|grade|award|assign)\s+(me|this|it|my|the answer|this answer|this response|us)|"
    r"deserves?)\b[^.!?\n]{0,30}\b(10|ten)\s*(/|out of)\s*(10|ten)\b",
    r"\byou (must|should|have to|need to|will|are required to|are instructed to)\s+(give|rate|score|award|mark|grade|"
    r"assign|output|return)\s+(this|me|my|the|a|it)\b[^.!?\n]{0,25}\b(10|ten|full marks|perfect|maximum|score of)",
    r"\b(full|top) marks\b",
    r"\b(give|award|assign|grant)\b[\w\s]{0,20}\b(perfect|maximum|max|highest|top|full) (score|rating|grade|points)\b",
    r"\bdeserves?\s+(a |an |the )?(10|ten|perfect score|full marks|maximum score|top score)\b",
    r"\bas an ai\b(?!\s+(engineer|researcher|developer|scientist|team|product|company|startup|specialist|lead|"
    r"practitioner|consultant|platform|tool))",
    r"\b(dear|attention) (ai|model|grader|scorer|evaluator)\b",
    r"\bnote (to|for) the (grader|scorer|evaluator|ai|model|assistant|reviewer|rubric)\b",
    r"\b(grader|scorer|evaluator)\s*:",
    r"\b(new instructions|system override|(system|developer) (prompt|message|note)\s*:)",
    r"\bscore\s*(:|=)\s*(10|ten)\b",
)
_INJECTION_RE = tuple(re.compile(pattern) for pattern in _INJECTION)
#: a question about prompt injection may be answered by quoting an injection
_ABOUT_INJECTION = re.compile(r"\b(prompt injection|jailbreak|injection attack|llm security)")

_STAR_CUES = {
    "situation": re.compile(
        r"\b(when i (was|joined|started)|at my (last|previous|current|old|first)|in my (last|previous|current|old|"
        r"first|second|final) (role|job|position|company|team|internship|year|month|week)|last (year|quarter|month|"
        r"summer|spring|autumn|fall|winter|week)|years? ago|months? ago|weeks? ago|we were|we had|there was|our team|"
        r"my team|on my (last )?team|the project|a project|once|while (i was )?working|during|i was working|"
        r"i was an?|on an? \w+ shift|at an? \w+ (company|startup|agency|firm|hospital|school|bank|store|shop))\b"
    ),
    "task": re.compile(
        r"\b(i was responsible|responsible for|my role|my task|my job was|it was my job|it was on me|my responsibility|"
        r"i needed to|i had to|we needed to|we had to|needed to|had to|the goal|our goal|my goal|the challenge|"
        r"i was asked|i was tasked|tasked with|objective|the aim|i owned|i was in charge|as the (\w+ )?(lead|manager|"
        r"owner|nurse|engineer|analyst|developer|designer|coordinator|pm))\b"
    ),
    "action": re.compile(
        r"\b(i|we)\b[^.!?]{0,40}?\b(decided|started|disagreed|organi[sz]ed|set up|proposed|talked|spoke|"
        r"met|scheduled|wrote|built|created|reached out|worked|analy[sz]ed|introduced|suggested|led|ran|took|made|"
        r"asked|listened|explained|called|designed|implemented|prioriti[sz]ed|escalated|documented|fixed|"
        r"rewrote|refactored|negotiated|presented|gathered|interviewed|mapped|coached|paired|split|broke|focused|"
        r"changed|added|removed|reviewed|tested|automated|migrated|shipped|delivered|pushed|convinced|"
        r"agreed|offered|volunteered|stepped|researched|investigated|traced|found|identified|contacted|"
        r"booked|drafted|planned|tracked|measured|monitored|sat down|followed up|pulled|showed|replaced|"
        r"noticed|told|sent|did|went|brought|put|acknowledged|apologi[sz]ed|raised|trained|moved|cut)\b"
    ),
    "result": re.compile(
        r"\b(as a result|the result|resulted|in the end|eventually|the outcome|outcome|which led to|that led to|"
        r"ended up|we delivered|we shipped|we launched|we hit|we met|reduced|increased|improved|saved|grew|cut|"
        r"dropped|fell|rose|went (up|down|from)|since then|ever since|from then on|afterwards|after that|"
        r"successfully|on time|finished|completed|won|got promoted|signed|retained|renewed|accepted|approved|"
        r"stopped|no longer|have not had|has not happened|i learned|we learned|lesson|it worked|worked out|"
        r"handled|zero (incidents|downtime|errors|complaints|defects)|without (any )?(downtime|incidents|issues))\b"
    ),
}
# "3x", "40ms" and "10k" are measurements too, as are spelled-out counts such as "zero incidents"
_NUMBER = re.compile(
    r"\b(\d+(\.\d+)?[a-z]{0,3}|percent|half|twice|double|doubled|tripled|halved|zero|two|three|four|five|six|"
    r"seven|eight|nine|ten|dozen|hundred|hundreds|thousand|thousands|million|millions)\b"
)
_HYPOTHETICAL = re.compile(r"\b(i would|i will|i could|i might|i usually|i always|i generally|you should|you would)\b")
_PAST_FIRST_PERSON = re.compile(r"\b(i|we) \w+ed\b|\b(i|we) (did|made|took|led|ran|built|wrote|met|spoke|had|was)\b")


def normalise(text: str) -> str:
    """Lower-case, straighten quotes, expand contractions, spell out % and &."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("%", " percent ").replace("&", " and ")
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return _TRADE_OFF.sub("tradeoff", text)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


_SUFFIXES = ("ization", "isation", "ification", "ation", "ingly", "ing", "ity", "ed", "ly")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A light, symmetric stemmer: plurals, -ing/-ed/-ly, -ation, British -ise, final e."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix in ("ization", "isation"):
                word = word[: -len(suffix)] + "iz"
            elif suffix == "ification":
                word = word[:-9] + "ifi"
            elif suffix == "ation":
                word = word[:-5] + "at"
            else:
                word = word[: -len(suffix)]
                if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                    word = word[:-1]
            break
    if word.endswith("ise") and len(word) > 5:
        word = word[:-3] + "iz"
    elif word.endswith("ize") and len(word) > 5:
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    elif word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        word = word[:-1] + "i"  # qualify, qualifies, qualified: one stem
    return word


_SYNONYMS = {stem(word): stem(group.split()[0]) for group in _SYNONYM_GROUPS for word in group.split()}


def canonical(word: str) -> str:
    """The stem, with interchangeable words mapped to one representative."""
    stemmed = stem(word)
    return _SYNONYMS.get(stemmed, stemmed)


@lru_cache(maxsize=50_000)
def phrase_key(phrase: str) -> tuple[str, ...]:
    """A term or phrase as the tuple of canonical stems it must match, in order."""
    return tuple(canonical(token) for token in tokens(phrase))


def content_stems(text: str, *, drop: frozenset[str] = frozenset()) -> set[str]:
    """Canonical stems of the words that carry meaning (no stopwords, no scaffolding in `drop`)."""
    return {canonical(t) for t in tokens(text) if t not in STOPWORDS and t not in drop and len(t) > 1}


def _count_phrases(padded: str, phrases: tuple[str, ...]) -> Counter[str]:
    found: Counter[str] = Counter()
    for phrase in phrases:
        hits = padded.count(f" {phrase} ")
        if hits:
            found[phrase] = hits
    return found


@dataclass
class TextFeatures:
    """Everything the rubric measures about one answer's text."""

    words: list[str]
    stems: list[str]
    ngrams: dict[tuple[str, ...], int]
    sentences: int
    stop_ratio: float
    unique_content: int
    repetition: float
    hedges: Counter[str]
    fillers: Counter[str]
    reasoning: int
    structure: int
    examples: int
    numbers: int
    vague: int
    assertive: int
    non_answer: bool
    injection: bool
    star: dict[str, bool] = field(default_factory=dict)
    #: a sentence that states a result also carries a number
    measured_result: bool = False
    hypothetical: bool = False

    @property
    def n_words(self) -> int:
        return len(self.words)

    @property
    def avg_sentence_words(self) -> float:
        return self.n_words / max(1, self.sentences)

    @property
    def stuffed(self) -> bool:
        """A list of terms, or the same words over and over, rather than sentences."""
        n = self.n_words
        if n >= 6 and self.stop_ratio < 0.12:
            return True
        if n >= 14 and self.stop_ratio < 0.2 and self.reasoning == 0:
            return True
        return n >= 12 and self.repetition > 0.45

    def has(self, key: tuple[str, ...]) -> bool:
        return key in self.ngrams

    def negated(self, key: tuple[str, ...]) -> bool:
        """True when the phrase's first mention follows a negation ("never", "not", "no", "without")."""
        start = self.ngrams.get(key)
        if start is None:
            return False
        before = self.stems[max(0, start - 3) : start]
        after = self.stems[start + len(key) : start + len(key) + 3]
        return (
            any(w in _NEGATIONS for w in before)
            or any(w in ("never", "cannot") for w in after[:2])
            or (after[:1] in (["is"], ["are"], ["can"], ["do"], ["does"]) and after[1:2] in (["not"], ["never"]))
        )


def analyse(text: str, *, question: str = "") -> TextFeatures:
    """Measure one answer; `question` only serves to recognise questions about prompt injection."""
    norm = normalise(text)
    words = _TOKEN.findall(norm)
    stems = [canonical(w) for w in words]
    ngrams: dict[tuple[str, ...], int] = {}
    for n in (1, 2, 3, 4):
        for i in range(len(stems) - n + 1):
            ngrams.setdefault(tuple(stems[i : i + n]), i)
    padded = " " + " ".join(words) + " "
    content = [s for w, s in zip(words, stems, strict=True) if w not in STOPWORDS]
    stop_ratio = (len(words) - len(content)) / len(words) if words else 0.0
    repetition = 0.0
    if len(stems) >= 4:
        bigrams = list(pairwise(stems))
        repetition = 1 - len(set(bigrams)) / len(bigrams)
    sentences = len([s for s in _SENTENCE_END.split(text.strip()) if len(s.split()) >= 2]) or (1 if words else 0)
    unique_content = len(set(content))
    non_answer = False
    if words:
        plain = " ".join(words)
        stripped = _NON_ANSWER.sub(" ", plain)
        leftover = [w for w in _TOKEN.findall(stripped) if w not in STOPWORDS]
        non_answer = len(words) < 4 or (plain != stripped and len(leftover) < 5)
    injection_patterns = _INJECTION_RE[1:] if _ABOUT_INJECTION.search(normalise(question)) else _INJECTION_RE
    return TextFeatures(
        words=words,
        stems=stems,
        ngrams=ngrams,
        sentences=sentences,
        stop_ratio=stop_ratio,
        unique_content=unique_content,
        repetition=repetition,
        hedges=_count_phrases(padded, HEDGES),
        fillers=_count_phrases(padded, FILLERS),
        reasoning=sum(_count_phrases(padded, REASONING).values()),
        structure=len(_count_phrases(padded, STRUCTURE)),
        examples=sum(_count_phrases(padded, EXAMPLES).values()),
        numbers=len(_NUMBER.findall(norm)),
        vague=sum(_count_phrases(padded, VAGUE).values()),
        assertive=sum(_count_phrases(padded, ASSERTIVE).values()),
        non_answer=non_answer,
        injection=any(pattern.search(norm) for pattern in injection_patterns),
        star={name: bool(cue.search(norm)) for name, cue in _STAR_CUES.items()},
        measured_result=any(
            _STAR_CUES["result"].search(sentence) and _NUMBER.search(sentence) for sentence in _SENTENCE_END.split(norm)
        ),
        hypothetical=bool(_HYPOTHETICAL.search(norm)) and not _PAST_FIRST_PERSON.search(norm),
    )
