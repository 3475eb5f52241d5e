"""12345 hotline texts: praise / complaint / neutral, and whom they are about. Pure: no Django.

The model is data, `data/lexicon.json`: cue words with weights, negations, intensifiers, contrast
words, third-party words, probity words, titles and the usual short forms of unit names. A text is
cut into sentences and clauses and segmented with jieba (its own dictionary, shipped in the wheel, plus
the lexicon and the city's names added as whole words; nothing is downloaded). Each cue adds its weight
to praise, complaint or neutral; a negation within a few words turns a cue around (不满意, 没有解决,
未回复, 从不推诿); an intensifier multiplies the next cue; after a contrast word (但是, 可是, 结果 …) the
rest of the sentence weighs more than what came before. Complaint cues about a shop or a neighbour
count little unless the clause blames an office. Weak sentiment, or sentiment no stronger than the
questions and requests around it, is neutral.

Attribution looks for, in this order: a staff number of the directory (工号JZ0000108), a window number
(3号窗口, within a named unit or unique in the city), a civil servant's name (a two-character name
only next to a title such as 同志 or with the person's own unit named; a name shared by several
people only with the unit named), and otherwise the unit named most specifically — full names, the
lexicon's short forms (临江区人社局, 市城管局) and names without the parent's prefix (城关街道) when
they are unique in the city.
"""

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).with_name("data") / "lexicon.json"
PRAISE, COMPLAINT, NEUTRAL = "praise", "complaint", "neutral"
LABELS = (PRAISE, COMPLAINT, NEUTRAL)
SENTENCE = re.compile(r"[。！？!?\n]+")
CLAUSE = re.compile(r"[，,；;：:、…~～]+")
STAFF_NO = re.compile(r"[A-Za-z]{0,4}\d{3,12}")
WINDOW = re.compile(r"(\d{1,3})\s*号\s*窗口")
NAME_WEIGHT = 2_000_000  # jieba frequency of added names: they always segment whole
COMMON_WORD = 20  # a name this frequent in jieba's own dictionary is also an ordinary word
_jieba_lock = threading.Lock()


@dataclass(frozen=True)
class Lexicon:
    """The rule model: cue weights and word lists (see `data/lexicon.json`)."""

    praise: Mapping[str, float]
    complaint: Mapping[str, float]
    neutral: Mapping[str, float]
    negated: Mapping[str, Mapping[str, float]]
    negations: frozenset[str]
    intensifiers: Mapping[str, float]
    contrasts: frozenset[str]
    third_party: frozenset[str]
    blame: frozenset[str]
    probity: frozenset[str]
    titles: frozenset[str]
    abbreviations: Mapping[str, tuple[str, ...]]
    threshold: float = 1.0
    negation_window: int = 3
    before_contrast: float = 0.5
    after_contrast: float = 1.5
    third_party_factor: float = 0.2
    named_neutral_limit: float = 1.0

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> "Lexicon":
        return cls(
            praise=dict(raw["praise"]), complaint=dict(raw["complaint"]), neutral=dict(raw["neutral"]),
            negated={k: dict(v) for k, v in raw["negated"].items()}, negations=frozenset(raw["negations"]),
            intensifiers=dict(raw["intensifiers"]), contrasts=frozenset(raw["contrasts"]),
            third_party=frozenset(raw["third_party"]), blame=frozenset(raw["blame"]),
            probity=frozenset(raw["probity"]), titles=frozenset(raw["titles"]),
            abbreviations={k: tuple(v) for k, v in raw["unit_abbreviations"].items()},
            threshold=float(raw["threshold"]), negation_window=int(raw["negation_window"]),
            before_contrast=float(raw["before_contrast"]), after_contrast=float(raw["after_contrast"]),
            third_party_factor=float(raw["third_party_factor"]),
            named_neutral_limit=float(raw.get("named_neutral_limit", 0.0)),
        )

    def words(self) -> set[str]:
        """Every word the segmenter must keep whole."""
        return {*self.praise, *self.complaint, *self.neutral, *self.negated, *self.negations, *self.intensifiers,
                *self.contrasts, *self.third_party, *self.blame, *self.probity, *self.titles}


@cache
def default_lexicon() -> Lexicon:
    return Lexicon.from_dict(json.loads(LEXICON.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class UnitEntry:
    id: int
    name: str
    path: str  # materialised path "/1/7/42/": a unit is inside another when its path starts with the other's


@dataclass(frozen=True)
class PersonEntry:
    id: int
    name: str
    unit_id: int
    staff_no: str = ""
    window: str = ""


@dataclass(frozen=True)
class Directory:
    """The names of a city the attribution may find: units and civil servants."""

    units: Sequence[UnitEntry] = ()
    people: Sequence[PersonEntry] = ()


@dataclass(frozen=True)
class Result:
    """The label, how sure (0–1), the scores, the cues that fired, and the attribution with its rule."""

    label: str
    confidence: float
    praise: float
    complaint: float
    neutral: float
    cues: tuple[str, ...]
    probity: bool
    person_id: int | None = None
    unit_id: int | None = None
    attribution: str = ""

    @property
    def rule(self) -> str:
        """A short account for people: the strongest cues and how the target was found."""
        parts = list(self.cues[:6])
        if self.attribution:
            parts.append(self.attribution)
        return " · ".join(parts)


@dataclass
class _Clause:
    tokens: list[str]
    weight: float
    praise: float = 0.0
    complaint: float = 0.0
    neutral: float = 0.0
    cues: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _aliases(units: Sequence[UnitEntry], abbreviations: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Full names, plus short forms that name exactly one unit of the directory."""
    by_path = {u.path: u for u in units}
    candidates: dict[str, set[int]] = {}
    for unit in units:
        parents = [by_path[p] for p in _ancestor_paths(unit.path) if p in by_path]
        names = {unit.name}
        for suffix, shorts in abbreviations.items():
            if unit.name.endswith(suffix):
                names |= {unit.name[: -len(suffix)] + short for short in shorts}
        for parent in parents:
            prefix = len(parent.name)
            names |= {n[prefix:] for n in set(names) if n.startswith(parent.name) and len(n) > prefix + 1}
            if parent.path.count("/") == 2:  # the city itself: 江州市城管局 → 市城管局
                names |= {"市" + n[len(parent.name):] for n in set(names) if n.startswith(parent.name)}
        for name in names:
            candidates.setdefault(name, set()).add(unit.id)
    full = {u.name: u.id for u in units}
    return {**{n: next(iter(ids)) for n, ids in candidates.items() if len(ids) == 1 and len(n) >= 3}, **full}


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


class Classifier:
    """A lexicon and a directory loaded into their own jieba dictionary (the global one is untouched)."""

    def __init__(self, lexicon: Lexicon | None = None, directory: Directory | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        directory = directory or Directory()
        self.units = {u.id: u for u in directory.units}
        self.unit_names = _aliases(directory.units, self.lexicon.abbreviations)
        self.roots = {u.id for u in directory.units if u.path.count("/") == 2}
        self.people: dict[str, list[PersonEntry]] = {}
        for person in directory.people:
            self.people.setdefault(person.name, []).append(person)
        self.staff = {p.staff_no.upper(): p for p in directory.people if p.staff_no}
        self.windows: dict[str, list[PersonEntry]] = {}
        for person in directory.people:
            if person.window:
                self.windows.setdefault(person.window, []).append(person)
        self._tokenizer, self.common_words = _tokenizer(self.lexicon.words(), [*self.unit_names, *self.people])

    # --- sentiment ---------------------------------------------------------------------------------

    def _clauses(self, text: str) -> list[_Clause]:
        clauses: list[_Clause] = []
        for sentence in SENTENCE.split(text):
            parts = [self._tokenizer.lcut(part, HMM=False) for part in CLAUSE.split(sentence) if part.strip()]
            turn = next((i for i, tokens in enumerate(parts) if self.lexicon.contrasts.intersection(tokens)), None)
            for i, tokens in enumerate(parts):
                weight = 1.0 if turn is None else (self.lexicon.before_contrast if i < turn else
                                                   self.lexicon.after_contrast)
                clauses.append(_Clause([t for t in tokens if t.strip()], weight))
        return clauses

    def _cue(self, token: str, negated: bool) -> tuple[float, float, str]:
        """(praise, complaint, label) of one token, turned around when negated."""
        lex = self.lexicon
        praise, complaint = lex.praise.get(token, 0.0), lex.complaint.get(token, 0.0)
        if not negated:
            return praise, complaint, f"+{token}" if praise >= complaint else f"-{token}"
        effect = lex.negated.get(token)
        if effect is None:
            effect = {"complaint": praise * 0.8} if praise else {"praise": complaint * 0.3}
        return effect.get("praise", 0.0), effect.get("complaint", 0.0), f"¬{token}"

    def _unfold(self, token: str) -> tuple[str, bool]:
        """jieba keeps some negated words whole (不处理, 没回复): the cue inside and whether it is negated."""
        lex = self.lexicon
        if len(token) > 1 and token[0] in "不没未无" and token not in lex.complaint and token not in lex.praise:
            inner = token[1:]
            if inner in lex.negated or inner in lex.praise:
                return inner, True
        return token, False

    def _negatable(self, token: str) -> bool:
        """Strong cues and the words listed under `negated` take a negation; weak cues let it pass."""
        lex = self.lexicon
        return token in lex.negated or max(lex.praise.get(token, 0.0), lex.complaint.get(token, 0.0)) >= 1.0

    def _score(self, clause: _Clause) -> None:
        lex = self.lexicon
        negation, boost = 0, 1.0
        third_party = bool(lex.third_party.intersection(clause.tokens)) and not (
            lex.blame.intersection(clause.tokens) or any(t in self.unit_names or t in self.people
                                                         for t in clause.tokens))
        for raw in clause.tokens:
            token, folded = self._unfold(raw)
            negated = (negation > 0 or folded) and self._negatable(token)
            if token in lex.negations:
                negation = lex.negation_window + 1
            elif token in lex.intensifiers:
                boost *= lex.intensifiers[token]
            elif token in lex.praise or token in lex.complaint or (negated and token in lex.negated):
                praise, complaint, label = self._cue(token, negated)
                if third_party:
                    complaint *= lex.third_party_factor
                clause.praise += praise * boost * clause.weight
                clause.complaint += complaint * boost * clause.weight
                if praise or complaint:
                    clause.cues.append(label)
                    boost = 1.0
                if negated:
                    negation = 0
            clause.neutral += lex.neutral.get(token, 0.0) * clause.weight
            negation = max(negation - 1, 0)

    def classify(self, text: str) -> Result:
        """The label of one text, its scores and cues, and whom it names."""
        clean = normalise(text)
        clauses = self._clauses(clean)
        for clause in clauses:
            self._score(clause)
        praise = round(sum(c.praise for c in clauses), 3)
        complaint = round(sum(c.complaint for c in clauses), 3)
        neutral = round(sum(c.neutral for c in clauses), 3)
        label, confidence = self._decide(praise, complaint, neutral)
        cues = tuple(cue for c in sorted(clauses, key=lambda c: -(c.praise + c.complaint)) for cue in c.cues)
        person, unit, rule = self._attribute(clean, clauses)
        if label == NEUTRAL and (person or unit) and neutral < self.lexicon.named_neutral_limit:
            # nobody rings 12345 to tell a neutral story about an official: without questions or requests,
            # a text that names someone is a complaint (the usual case) — with low confidence
            label, confidence, cues = COMPLAINT, 0.1, (*cues, "named")
        probity = label == COMPLAINT and any(self.lexicon.probity.intersection(c.tokens) for c in clauses)
        return Result(label, confidence, praise, complaint, neutral, cues, probity, person, unit, rule)

    def _decide(self, praise: float, complaint: float, neutral: float) -> tuple[str, float]:
        strongest = max(praise, complaint)
        bar = self.lexicon.threshold + 0.5 * neutral
        if strongest < bar or praise == complaint:
            return NEUTRAL, round(1 - strongest / (bar + strongest), 2)
        label = PRAISE if praise > complaint else COMPLAINT
        return label, round((strongest - min(praise, complaint)) / (praise + complaint + 0.5 * neutral + 1), 2)

    # --- attribution -------------------------------------------------------------------------------

    def _mentioned_units(self, clauses: Sequence[_Clause]) -> list[tuple[int, float]]:
        """Units named, with the sentiment of their clause, in text order (the city itself left out)."""
        found = []
        for clause in clauses:
            for token in clause.tokens:
                unit = self.unit_names.get(token)
                if unit is not None and unit not in self.roots:
                    found.append((unit, clause.praise + clause.complaint))
        return found

    def _inside(self, person: PersonEntry, units: Iterable[int]) -> bool:
        own = self.units.get(person.unit_id)
        return own is not None and any(own.path.startswith(self.units[u].path) for u in units if u in self.units)

    def _by_staff_no(self, text: str) -> PersonEntry | None:
        return next((self.staff[m.upper()] for m in STAFF_NO.findall(text) if m.upper() in self.staff), None)

    def _by_window(self, text: str, units: list[int]) -> PersonEntry | None:
        for number in WINDOW.findall(text):
            candidates = self.windows.get(number, [])
            inside = [p for p in candidates if self._inside(p, units)] if units else candidates
            if len(inside) == 1:
                return inside[0]
        return None

    def _by_name(self, clauses: Sequence[_Clause], units: list[int]) -> PersonEntry | None:
        for clause in clauses:
            for i, token in enumerate(clause.tokens):
                candidates = self.people.get(token)
                if not candidates:
                    continue
                inside = [p for p in candidates if self._inside(p, units)]
                chosen = inside if inside else (candidates if len(candidates) == 1 and not units else [])
                near = set(clause.tokens[max(i - 1, 0): i + 2])
                plain = token not in self.common_words or len(token) > 2
                if len(chosen) == 1 and (plain or inside or self.lexicon.titles.intersection(near)):
                    return chosen[0]
        return None

    def _attribute(self, text: str, clauses: Sequence[_Clause]) -> tuple[int | None, int | None, str]:
        mentioned = self._mentioned_units(clauses)
        units = list(dict.fromkeys(u for u, _s in mentioned))
        for rule, person in (("staff_no", self._by_staff_no(text)), ("window", self._by_window(text, units)),
                             ("name", self._by_name(clauses, units))):
            if person is not None:
                return person.id, person.unit_id, f"{rule}:{person.name}"
        if not mentioned:
            return None, None, ""
        best = max(mentioned, key=lambda m: (m[1] > 0, self.units[m[0]].path.count("/") if m[0] in self.units else 0,
                                              -units.index(m[0])))
        return None, best[0], f"unit:{self.units[best[0]].name if best[0] in self.units else best[0]}"


@cache
def _base_tokenizer() -> Any:
    """jieba's own dictionary, loaded once per process (quietly; from jieba's cache file after the first time)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _tokenizer(words: Iterable[str], names: Iterable[str]) -> tuple[Any, frozenset[str]]:
    """A jieba tokenizer of its own (a copy of the base dictionary) with the words and names added, and the
    names that are also ordinary words of jieba's dictionary (高峰, as in 高峰期: they need a title or a unit)."""
    import jieba

    with _jieba_lock:
        base = _base_tokenizer()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(base.FREQ), base.total, True
        names = list(names)
        common = frozenset(n for n in names if base.FREQ.get(n, 0) >= COMMON_WORD)
        for word in words:
            tokenizer.add_word(word)
        for name in names:
            tokenizer.add_word(name, freq=NAME_WEIGHT)
    return tokenizer, common
