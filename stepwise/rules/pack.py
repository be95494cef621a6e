"""Load a jurisdiction's rule pack: a TOML file a policy officer can read.

A pack lists the attendance codes (append-only: a code's position is the byte
stored in the register, so it must never change), what each counts as, the
thresholds and tiers, and the sources it relies on. An overlay pack (Kent)
names the pack it extends and may append codes and add or replace rules.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema

if TYPE_CHECKING:
    from .readiness import Checklist

from .deadline import SKIPS

PACK_DIR = Path(__file__).parent / "packs"

HALF_DAY_VALUES = ("present", "absent", "not_counted")
CATEGORIES = ("present", "justified", "unjustified", "not_counted")
MEASURES = ("absent", "unjustified", "justified")
WINDOWS = ("term", "year", "rolling")
TIER_MEASURES = ("days_absent", "absence_percent")
# The fixed keys of what a case records (the cases app's choices); a pack names them in its
# own words and says which its people use (`[cases]`).
CASE_REASONS = ("chronic_absence", "not_enrolled")
LOG_KINDS = (
    "phone", "text", "email", "home_visit", "meeting", "whanau_hui", "via_school",
    "trusted_person", "agency", "forum", "msd", "letter", "note",
)  # fmt: skip
AGENCY_KINDS = ("health", "children", "police", "msd", "community", "other")
# What a letter may be required to carry (the "key information" of NZ's escalating letters).
LETTER_CONTENT = ("legal_obligation", "support_offered", "consequences", "what_happens_next")


class PackError(ValueError):
    """A rule pack file is malformed."""


class CodeRefused(KeyError):
    """A code that may not be recorded on a day: unknown, retired, or not yet in use."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Code:
    """One meaning of a code, for the days it may be recorded.

    A code whose meaning changed on a date has one entry per meaning, each with its
    own register byte, so a mark keeps the meaning its code had on the mark's day.
    """

    index: int  # the byte stored in the register; 0 means "no mark"
    code: str
    meaning: str
    half_day: str  # present | absent | not_counted: for attendance rates
    category: str  # present | justified | unjustified | not_counted: the truancy class
    in_class: bool  # False for codes that count as present away from class (e.g. off-site)
    confirmed: bool  # False where the sources could not confirm the classification
    note: str = ""
    valid_from: date | None = None  # the first day it may be recorded (None: always could)
    valid_until: date | None = None  # the last day it may be recorded (None: still current)
    replaced_by: str = ""  # the code or codes that took its place when it was retired
    # A code that means "no reason yet": a certificate relied on in court must show none.
    unresolved: bool = False
    source: str = ""  # the document, section and address its meaning and dates come from

    @property
    def current(self) -> bool:
        return self.valid_until is None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def refusal(self, day: date) -> str:
        """Return why the code may not be recorded on `day` (which it is not valid on)."""
        if self.valid_until is not None and day > self.valid_until:
            retired = self.valid_until + timedelta(days=1)
            instead = (
                f"it was replaced by {self.replaced_by}"
                if self.replaced_by
                else "no single code replaced it: record the code that fits"
            )
            return f"{self.code!r} was retired on {_long(retired)}; {instead}"
        assert self.valid_from is not None
        return f"{self.code!r} was not in use before {_long(self.valid_from)}"


@dataclass(frozen=True)
class CountThreshold:
    key: str
    label: str
    measure: str  # which sessions count: absent | unjustified | justified
    window: str  # term | rolling
    sessions: int  # reached when the count is at least this many sessions
    weeks: int = 0  # rolling window length in school weeks
    ongoing_days: int = 0  # "ongoing": a counted session within this many school days
    forecast: bool = False  # include in the early-warning forecast
    note: str = ""


@dataclass(frozen=True)
class RateFlag:
    key: str
    label: str
    measure: str
    at_least: float  # fraction of possible sessions, 0..1
    window: str  # term | year
    note: str = ""


@dataclass(frozen=True)
class Level:
    key: str
    name: str
    colour: str
    upper: float | None  # upper bound; None for the last level
    inclusive: bool  # True when a value equal to `upper` still falls in this level

    def holds(self, value: float) -> bool:
        if self.upper is None:
            return True
        return value <= self.upper if self.inclusive else value < self.upper


@dataclass(frozen=True)
class ResponseType:
    key: str  # fixed: records and exports refer to it
    label: str
    descriptions: tuple[str, ...]  # the default Descriptions a school starts with


@dataclass(frozen=True)
class EngagementRule:
    """When a case's recent contact attempts amount to a refusal to engage."""

    attempts: int  # unsuccessful or refused contacts within the window
    refusals: int  # or this many outright refusals
    within_days: int
    next_step: str
    pathway_warning: str  # shown while another education pathway or exemption is explored
    no_contact_days: int  # caseload filter: no contact for this long


@dataclass(frozen=True)
class CaseWords:
    """A case's choices in the jurisdiction's words: (key, label) pairs, in the order offered.

    Only the keys listed are offered on its forms; a record made with another key (an
    imported history) still shows, in the cases app's own words.
    """

    reasons: tuple[tuple[str, str], ...] = ()
    log_kinds: tuple[tuple[str, str], ...] = ()
    agency_kinds: tuple[tuple[str, str], ...] = ()
    others_involved_hint: str = ""  # who else may take part in a contact, as examples


DEFAULT_ENGAGEMENT = EngagementRule(
    attempts=3,
    refusals=2,
    within_days=28,
    next_step="",
    pathway_warning="Formal letters are not appropriate while another pathway is explored.",
    no_contact_days=14,
)


@dataclass(frozen=True)
class Precondition:
    """A fact the sender confirms before a letter goes (e.g. the case has been referred)."""

    key: str
    text: str


@dataclass(frozen=True)
class LetterInput:
    """A value the sender types into a letter, e.g. when and where a meeting is."""

    key: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class LetterSpec:
    """One rung of a letter ladder, as the rule pack describes it."""

    key: str  # fixed: stored letters and wording files refer to it
    set_key: str
    step: int
    title: str
    purpose: str
    content: tuple[str, ...]  # of LETTER_CONTENT: what the letter must carry
    optional: bool  # may be skipped on the way up (NZ letter 2)
    preconditions: tuple[Precondition, ...]
    inputs: tuple[LetterInput, ...]
    before_referral: bool  # must have gone to every caregiver before a referral
    on_referral: bool  # sent when the case is referred
    min_days_between: int  # since the last letter to the same person
    attempt_since_last: bool  # an attempt to engage recorded since the last letter
    # The school's Description a school letter is recorded under, if any.
    response_description: str = ""


# The key of the letter set a school sends from a student's page.
SCHOOL_SET = "school"


@dataclass(frozen=True)
class LetterSet:
    key: str
    label: str
    case_reasons: tuple[str, ...]  # the case reasons this set is for
    referral_label: str  # "a referral to the Ministry Prosecutions team"
    letters: tuple[LetterSpec, ...]  # by step

    def letter(self, key: str) -> LetterSpec:
        for letter in self.letters:
            if letter.key == key:
                return letter
        raise KeyError(key)


@dataclass(frozen=True)
class LetterRules:
    """A pack's letter ladders and the rules between their steps."""

    sets: tuple[LetterSet, ...]
    min_days_between: int
    attempt_since_last: bool
    follow_up_days: int
    school_days_per_year: int
    earlier_letters_warning: str
    source: str
    recent_within_days: int = 0  # letters a referral relies on must be this recent (0: any)
    # The threshold whose students a school's batch sends its first letter to.
    batch_threshold: str = ""

    def set_for(self, case_reason: str) -> LetterSet | None:
        return next((s for s in self.sets if case_reason in s.case_reasons), None)

    def letter(self, key: str) -> LetterSpec:
        for letter_set in self.sets:
            for letter in letter_set.letters:
                if letter.key == key:
                    return letter
        raise KeyError(key)

    @property
    def all_letters(self) -> tuple[LetterSpec, ...]:
        return tuple(letter for s in self.sets for letter in s.letters)

    @property
    def school_set(self) -> LetterSet | None:
        """Return the letters a school sends from a student's page (the set keyed "school")."""
        return next((s for s in self.sets if s.key == SCHOOL_SET), None)


NO_LETTERS = LetterRules(
    sets=(),
    min_days_between=0,
    attempt_since_last=False,
    follow_up_days=7,
    school_days_per_year=190,
    earlier_letters_warning="",
    source="",
)


@dataclass(frozen=True)
class DefaultTerm:
    year: int
    number: int
    name: str
    start: Any  # datetime.date (TOML dates load as date)
    end: Any
    closed: tuple[tuple[Any, Any, str], ...]  # (first day, last day, reason)
    confirmed: bool
    # The days a school may choose from, where the jurisdiction gives a range.
    start_range: tuple[date, date] | None = None
    end_range: tuple[date, date] | None = None

    @property
    def key(self) -> str:
        return f"{self.year}T{self.number}"


@dataclass(frozen=True)
class CalendarRules:
    """A jurisdiction's school year: its terms' names and usual dates, and who sets them."""

    term_names: tuple[str, ...] = ()
    year_starts_month: int = 1  # a school year runs from this month (England: 8)
    # True where each school sets its own term dates (England's academies); False where
    # the jurisdiction fixes them, except for the ranges its terms give.
    schools_set_dates: bool = False
    time_zone: str = "UTC"  # the IANA zone a school's day, deadlines and printed dates are in
    terms: tuple[DefaultTerm, ...] = ()


@dataclass(frozen=True)
class RegularRules:
    """Regular attendance: the line a student must be above, and a school's default target."""

    above_percent: float = 90.0  # attendance % strictly above which a student attends regularly
    target_percent: float = 80.0  # share of students attending regularly a school aims for
    target_note: str = ""
    national_goal: bool = False  # the target is a government's goal, shown beside a school's


@dataclass(frozen=True)
class Pack:
    key: str
    name: str
    country: str
    subdivision: str | None
    sources: tuple[str, ...]
    codes: tuple[Code, ...]
    thresholds: tuple[CountThreshold, ...]
    rates: tuple[RateFlag, ...]
    tier_measure: str
    tiers: tuple[Level, ...]
    bands: tuple[Level, ...]  # attendance-rate bands, by attendance %
    regular_above: float  # attendance % strictly above which a student attends regularly
    forecast_days: int
    words: dict[str, str]
    notes: dict[str, str]
    response_types: tuple[ResponseType, ...] = ()
    response_due_hours: int = 48
    response_due_skips: tuple[str, ...] = ()  # of deadline.SKIPS: days the clock does not run
    response_critical_days: int = 5
    engagement: EngagementRule = DEFAULT_ENGAGEMENT
    letters: LetterRules = NO_LETTERS
    cases: CaseWords = CaseWords()
    calendar: CalendarRules = CalendarRules()
    regular: RegularRules = RegularRules()
    extends: str | None = None  # the pack this one overlays (Kent: England)
    # The built-in register import profiles (schools' systems) this jurisdiction's schools use.
    import_profiles: tuple[str, ...] = ()
    # The referral checklist (rules/readiness.py), parsed once with the pack.
    checklist: "Checklist | None" = field(default=None, repr=False, compare=False)

    def code(self, code: str) -> Code:
        """Return the code's latest meaning (the current one, if it is still in use)."""
        entries = self.meanings(code)
        if not entries:
            raise KeyError(code)
        return max(entries, key=lambda c: (c.valid_until is None, c.valid_until or date.min))

    def meanings(self, code: str) -> tuple[Code, ...]:
        """Return every meaning the code has had, in the order they were added."""
        return tuple(c for c in self.codes if c.code == code)

    def code_on(self, code: str, day: date) -> Code:
        """Return the code's meaning on `day`, or raise CodeRefused saying why there is none."""
        entries = self.meanings(code)
        for c in entries:
            if c.valid_on(day):
                return c
        if not entries:
            raise CodeRefused(f"{code!r} is not a code of the {self.name} rule pack")
        # The meaning nearest the day explains best: retired before it, or not yet in use.
        before = [c for c in entries if c.valid_until is not None and c.valid_until < day]
        if before:
            raise CodeRefused(max(before, key=lambda c: c.valid_until or date.min).refusal(day))
        raise CodeRefused(min(entries, key=lambda c: c.valid_from or date.min).refusal(day))

    @property
    def code_index(self) -> dict[str, int]:
        """Return each code's register byte in its latest meaning."""
        return {c: self.code(c).index for c in dict.fromkeys(c.code for c in self.codes)}

    def codes_in_use(self, first: date, last: date) -> tuple[Code, ...]:
        """Return the meanings that could be recorded on some day from `first` to `last`."""
        return tuple(
            c
            for c in self.codes
            if (c.valid_from or date.min) <= last and first <= (c.valid_until or date.max)
        )

    @property
    def code_periods(self) -> dict[str, tuple[Code, ...]]:
        """Return each code's meanings: one open-ended entry for a code that never changed."""
        return {c: self.meanings(c) for c in dict.fromkeys(c.code for c in self.codes)}

    def threshold(self, key: str) -> CountThreshold:
        for t in self.thresholds:
            if t.key == key:
                return t
        raise KeyError(key)

    def response_type(self, key: str) -> ResponseType:
        for t in self.response_types:
            if t.key == key:
                return t
        raise KeyError(key)

    def word(self, key: str) -> str:
        return self.words.get(key, key)


def available_packs() -> list[str]:
    return sorted(p.stem for p in PACK_DIR.glob("*.toml"))


@cache
def load_pack(key: str) -> Pack:
    """Return the pack named `key`, with any overlay applied."""
    return _build(_merged(key, seen=()))


def _read(key: str) -> dict[str, Any]:
    path = PACK_DIR / f"{key}.toml"
    if not path.exists():
        raise PackError(f"no rule pack called {key!r} (have: {', '.join(available_packs())})")
    with path.open("rb") as f:
        try:
            data = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise PackError(f"{path.name}: {e}") from None
    try:
        schema.check(data, path)
    except ValueError as e:
        raise PackError(str(e)) from None
    return data


def _merged(key: str, seen: tuple[str, ...]) -> dict[str, Any]:
    if key in seen:
        raise PackError(f"rule pack {key!r} extends itself")
    data = _read(key)
    base_key = data.get("pack", {}).get("extends")
    if not base_key:
        return data
    base = _merged(base_key, (*seen, key))
    merged = dict(base)
    merged["pack"] = {**base["pack"], **data["pack"]}
    if data.get("codes"):
        # A code's byte is its position in the list: an overlay's own codes would
        # shift whenever its base appends one, so codes live in the base pack only.
        raise PackError(f"overlay pack {key!r} may not add codes; add them to {base_key!r}")
    merged["codes"] = base.get("codes", [])
    for section in ("thresholds", "rates"):
        keep = {r["key"]: r for r in base.get(section, [])}
        keep.update({r["key"]: r for r in data.get(section, [])})
        merged[section] = list(keep.values())
    for name, value in data.items():
        if name not in {"pack", "codes", "thresholds", "rates"}:
            merged[name] = {**base.get(name, {}), **value} if isinstance(value, dict) else value
    return merged


def _need(row: dict[str, Any], name: str, where: str) -> Any:
    if name not in row:
        raise PackError(f"{where}: missing {name!r}")
    return row[name]


def _choice(row: dict[str, Any], name: str, allowed: tuple[str, ...], where: str) -> str:
    value = _need(row, name, where)
    if value not in allowed:
        raise PackError(f"{where}: {name} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def _maybe_date(row: dict[str, Any], name: str, where: str) -> date | None:
    value = row.get(name)
    if value is None:
        return None
    if not isinstance(value, date):
        raise PackError(f"{where}: {name} must be a date (YYYY-MM-DD, unquoted), not {value!r}")
    return value


def _periods_apart(pack: str, codes: list[Code]) -> None:
    """Refuse a code whose meanings overlap in time: a mark's day must settle its meaning."""
    for c in codes:
        if c.valid_from and c.valid_until and c.valid_until < c.valid_from:
            raise PackError(f"pack {pack}: code {c.code} (#{c.index}) ends before it starts")
        for other in codes:
            if other.index <= c.index or other.code != c.code:
                continue
            if (other.valid_from or date.min) <= (c.valid_until or date.max) and (
                c.valid_from or date.min
            ) <= (other.valid_until or date.max):
                raise PackError(
                    f"pack {pack}: code {c.code} has meanings #{c.index} and #{other.index} "
                    "on the same days"
                )


def _levels(rows: list[dict[str, Any]], where: str) -> tuple[Level, ...]:
    # Each level but the last gives `below` (exclusive) or `at_most` (inclusive).
    levels = tuple(
        Level(
            key=_need(r, "key", where),
            name=_need(r, "name", where),
            colour=r.get("colour", "grey"),
            upper=r.get("below", r.get("at_most")),
            inclusive="at_most" in r,
        )
        for r in rows
    )
    bounds = [lv.upper for lv in levels[:-1] if lv.upper is not None]
    if not levels or levels[-1].upper is not None or len(bounds) != len(levels) - 1:
        raise PackError(f"{where}: every level but the last needs a bound; the last has none")
    if bounds != sorted(bounds):
        raise PackError(f"{where}: levels need rising bounds and an open last level")
    return levels


def _build(data: dict[str, Any]) -> Pack:
    # Imported here: the checklist's module reads the Pack class this one defines.
    from .readiness import parse_checklist

    head = data["pack"]
    regular = data.get("regular", {})
    codes = []
    for i, row in enumerate(data.get("codes", []), start=1):
        where = f"code #{i}"
        codes.append(
            Code(
                index=i,
                code=_need(row, "code", where),
                meaning=_need(row, "meaning", where),
                half_day=_choice(row, "half_day", HALF_DAY_VALUES, where),
                category=_choice(row, "category", CATEGORIES, where),
                in_class=bool(row.get("in_class", row["half_day"] == "present")),
                confirmed=bool(row.get("confirmed", True)),
                note=row.get("note", ""),
                valid_from=_maybe_date(row, "valid_from", where),
                valid_until=_maybe_date(row, "valid_until", where),
                replaced_by=str(row.get("replaced_by", "")),
                unresolved=bool(row.get("unresolved", False)),
                source=str(row.get("source", "")),
            )
        )
    _periods_apart(head["key"], codes)
    if len(codes) > 255:
        raise PackError(f"pack {head['key']}: at most 255 codes fit in a register byte")
    thresholds = []
    for row in data.get("thresholds", []):
        where = f"threshold {row.get('key')}"
        window = _choice(row, "window", ("term", "rolling"), where)
        thresholds.append(
            CountThreshold(
                key=_need(row, "key", where),
                label=_need(row, "label", where),
                measure=_choice(row, "measure", MEASURES, where),
                window=window,
                sessions=int(_need(row, "sessions", where)),
                weeks=int(row["weeks"]) if window == "rolling" else 0,
                ongoing_days=int(row.get("ongoing_days", 0)),
                forecast=bool(row.get("forecast", False)),
                note=row.get("note", ""),
            )
        )
    rates = [
        RateFlag(
            key=_need(r, "key", "rate"),
            label=_need(r, "label", "rate"),
            measure=_choice(r, "measure", MEASURES, f"rate {r.get('key')}"),
            at_least=float(_need(r, "at_least", "rate")),
            window=_choice(r, "window", ("term", "year"), f"rate {r.get('key')}"),
            note=r.get("note", ""),
        )
        for r in data.get("rates", [])
    ]
    tiers = data.get("tiers", {})
    responses = data.get("responses", {})
    response_types = tuple(
        ResponseType(
            key=_need(r, "key", "response type"),
            label=_need(r, "label", "response type"),
            descriptions=tuple(r.get("descriptions", ())),
        )
        for r in responses.get("types", [])
    )
    engaging = data.get("engagement", {})
    engagement = EngagementRule(
        attempts=int(engaging.get("attempts", DEFAULT_ENGAGEMENT.attempts)),
        refusals=int(engaging.get("refusals", DEFAULT_ENGAGEMENT.refusals)),
        within_days=int(engaging.get("within_days", DEFAULT_ENGAGEMENT.within_days)),
        next_step=str(engaging.get("next_step", "")),
        pathway_warning=str(engaging.get("pathway_warning", DEFAULT_ENGAGEMENT.pathway_warning)),
        no_contact_days=int(engaging.get("no_contact_days", DEFAULT_ENGAGEMENT.no_contact_days)),
    )
    return Pack(
        key=head["key"],
        name=head["name"],
        country=head["country"],
        subdivision=head.get("subdivision"),
        sources=tuple(head.get("sources", ())),
        codes=tuple(codes),
        thresholds=tuple(thresholds),
        rates=tuple(rates),
        tier_measure=_choice(tiers, "measure", TIER_MEASURES, "tiers"),
        tiers=_levels(tiers.get("levels", []), "tiers"),
        bands=_levels(data.get("bands", {}).get("levels", []), "bands"),
        regular_above=float(regular.get("above_percent", 90.0)),
        forecast_days=int(data.get("forecast", {}).get("within_school_days", 10)),
        words=dict(data.get("words", {})),
        notes=dict(data.get("notes", {})),
        response_types=response_types,
        response_due_hours=int(responses.get("due_hours", 48)),
        response_due_skips=_skips(responses.get("due_skips", [])),
        response_critical_days=int(responses.get("critical_school_days", 5)),
        engagement=engagement,
        letters=_batch_threshold_known(_letters(data.get("letters", {})), thresholds),
        cases=_case_words(data.get("cases", {})),
        calendar=_calendar(data.get("calendar", {}), data.get("terms", [])),
        regular=RegularRules(
            above_percent=float(regular.get("above_percent", 90.0)),
            target_percent=float(regular.get("target_percent", 80.0)),
            target_note=str(regular.get("target_note", "")),
            national_goal=bool(regular.get("national_goal", False)),
        ),
        extends=head.get("extends"),
        import_profiles=tuple(data.get("imports", {}).get("profiles", ())),
        checklist=parse_checklist(data.get("readiness")),
    )


def _skips(found: list[str]) -> tuple[str, ...]:
    unknown = set(found) - set(SKIPS)
    if unknown:
        raise PackError(
            f"responses.due_skips: {', '.join(sorted(unknown))} is not one of {', '.join(SKIPS)}"
        )
    return tuple(found)


def _case_words(data: dict[str, Any]) -> CaseWords:
    def pairs(name: str, keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        found = data.get(name, {})
        unknown = set(found) - set(keys)
        if unknown:
            raise PackError(f"cases.{name}: unknown keys {', '.join(sorted(unknown))}")
        return tuple((key, str(label)) for key, label in found.items())

    return CaseWords(
        reasons=pairs("reasons", CASE_REASONS),
        log_kinds=pairs("log_kinds", LOG_KINDS),
        agency_kinds=pairs("agency_kinds", AGENCY_KINDS),
        others_involved_hint=str(data.get("others_involved_hint", "")),
    )


def _batch_threshold_known(letters: LetterRules, thresholds: list[CountThreshold]) -> LetterRules:
    known = {t.key for t in thresholds}
    if letters.batch_threshold and letters.batch_threshold not in known:
        raise PackError(f"letters: batch_threshold {letters.batch_threshold!r} is no threshold")
    return letters


def _letters(data: dict[str, Any]) -> LetterRules:
    if not data.get("sets"):
        return NO_LETTERS
    gap = int(data.get("min_days_between", 0))
    attempt = bool(data.get("attempt_since_last", False))
    sets = []
    keys: set[str] = set()
    for row in data["sets"]:
        set_key = _need(row, "key", "letter set")
        letters = []
        for item in row.get("letters", []):
            where = f"letter {item.get('key')} of set {set_key}"
            content = tuple(item.get("content", ()))
            unknown = set(content) - set(LETTER_CONTENT)
            if unknown:
                raise PackError(f"{where}: unknown content {', '.join(sorted(unknown))}")
            letters.append(
                LetterSpec(
                    key=_need(item, "key", where),
                    set_key=set_key,
                    step=int(_need(item, "step", where)),
                    title=_need(item, "title", where),
                    purpose=_need(item, "purpose", where),
                    content=content,
                    optional=bool(item.get("optional", False)),
                    preconditions=tuple(
                        Precondition(_need(p, "key", where), _need(p, "text", where))
                        for p in item.get("preconditions", [])
                    ),
                    inputs=tuple(
                        LetterInput(
                            _need(i, "key", where), _need(i, "label", where), i.get("hint", "")
                        )
                        for i in item.get("inputs", [])
                    ),
                    before_referral=bool(item.get("before_referral", False)),
                    on_referral=bool(item.get("on_referral", False)),
                    min_days_between=int(item.get("min_days_between", gap)),
                    attempt_since_last=bool(item.get("attempt_since_last", attempt)),
                    response_description=str(item.get("response_description", "")),
                )
            )
        letters.sort(key=lambda letter: letter.step)
        steps = [letter.step for letter in letters]
        if not letters or steps != list(range(1, len(letters) + 1)):
            raise PackError(f"letter set {set_key}: steps must run 1, 2, 3 … with none missing")
        if letters[0].optional:
            raise PackError(f"letter set {set_key}: letter 1 always comes first")
        for letter in letters:
            if letter.key in keys:
                raise PackError(f"letter {letter.key} appears twice")
            keys.add(letter.key)
        sets.append(
            LetterSet(
                key=set_key,
                label=_need(row, "label", f"letter set {set_key}"),
                case_reasons=tuple(row.get("case_reasons", ())),
                referral_label=row.get("referral_label", "a referral"),
                letters=tuple(letters),
            )
        )
    return LetterRules(
        sets=tuple(sets),
        min_days_between=gap,
        attempt_since_last=attempt,
        follow_up_days=int(data.get("follow_up_days", 7)),
        school_days_per_year=int(data.get("school_days_per_year", 190)),
        earlier_letters_warning=str(data.get("earlier_letters_warning", "")),
        source=str(data.get("source", "")),
        recent_within_days=int(data.get("recent_within_days", 0)),
        batch_threshold=str(data.get("batch_threshold", "")),
    )


def default_terms(pack: Pack, year: int) -> list[DefaultTerm]:
    """Return the pack's usual term dates for a school year (empty if it has none)."""
    return [t for t in pack.calendar.terms if t.year == year]


def _calendar(data: dict[str, Any], rows: list[dict[str, Any]]) -> CalendarRules:
    names = tuple(data.get("term_names", ()))
    terms = []
    for row in rows:
        year = int(row["year"])
        number = int(row["number"])
        label = names[number - 1] if number <= len(names) else f"Term {number}"
        terms.append(
            DefaultTerm(
                year=year,
                number=number,
                # Named by the calendar year it falls in: England's 2025/26 spring term is
                # "Spring 2026", though its school year is 2025.
                name=f"{label} {row['start'].year}",
                start=row["start"],
                end=row["end"],
                closed=tuple(
                    (date.fromisoformat(a), date.fromisoformat(b), why)
                    for a, b, why in row.get("closed", [])
                ),
                confirmed=bool(row.get("confirmed", True)),
                start_range=_range(row, "start"),
                end_range=_range(row, "end"),
            )
        )
    return CalendarRules(
        term_names=names,
        year_starts_month=int(data.get("year_starts_month", 1)),
        schools_set_dates=bool(data.get("schools_set_dates", False)),
        time_zone=str(data.get("time_zone", "UTC")),
        terms=tuple(terms),
    )


def _range(row: dict[str, Any], name: str) -> tuple[date, date] | None:
    earliest, latest = row.get(f"{name}_earliest"), row.get(f"{name}_latest")
    if earliest is None and latest is None:
        return None
    return (earliest or row[name], latest or row[name])


def school_year_of(pack: Pack, day: Any) -> int:
    """Return the label of the school year `day` falls in (England: the year it starts)."""
    starts = pack.calendar.year_starts_month
    return day.year if day.month >= starts else day.year - 1
