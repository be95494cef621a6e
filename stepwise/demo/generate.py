"""Generate two realistic, entirely synthetic schools: rosters, caregivers and registers.

Pure and deterministic: the same seed and `as_of` give the same output. Nothing here is
real: names are drawn independently from lists, street names are invented, emails are at
example.org / example.com, UK phone numbers come from Ofcom's ranges reserved for drama,
and NZ phone numbers have a local part starting with 0, which no real NZ number has.

Each school's register is drawn for the whole of its school years and then cut at `as_of`,
so a later `as_of` mostly extends an earlier one. How a register is made:

1. Every student gets a profile: an absence rate (most students low, about a fifth
   chronically absent), how much of it is illness, a Monday/Friday habit for some, and a
   trend over the year.
2. Illness comes in episodes of one to ten days, more often in winter; disengaged days
   follow a Markov chain (absence follows absence), shaped by weekday and trend. Both are
   drawn for every student and open day at once.
3. Days become session codes; part-day absences, lates, trips and other off-site activity
   are laid over sessions that are still plain present.
4. Jurisdiction extras: NZ camps, exam leave, alternative education, secondary-tertiary
   days; England work experience, study leave, dual registration, suspensions.
5. Sessions outside a student's enrolment or after `as_of` get no mark.
6. A few students get heavy unjustified absence in the weeks before `as_of`, so that the
   packs' serious thresholds (Kent statutory intervention, penalty notices) are reached.
7. Original marks: many absences were first marked `?` (NZ) or `N` (England); those more
   than a few school days old have been amended to their real reason (the amendments),
   the most recent are still waiting, and a few old ones were never resolved.
"""

import csv
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import numpy as np

from stepwise.rules.calendar import public_holidays
from stepwise.rules.pack import Pack, default_terms, load_pack

from . import names

SESSIONS = ("AM", "PM")

ROSTER_HEADER = (
    "school_id",
    "student_id",
    "given_name",
    "family_name",
    "birth_date",
    "year_level",
    "enrolled_from",
    "enrolled_to",
)
CAREGIVER_HEADER = (
    "school_id",
    "student_id",
    "caregiver_id",
    "given_name",
    "family_name",
    "relationship",
    "lives_with_student",
    "parental_responsibility",
    "email",
    "phone",
    "address",
    "preferred_language",
)
REGISTER_HEADER = ("school_id", "student_id", "date", "session", "code")

Mark = tuple[str, str, str, str, str]


@dataclass
class DemoSchool:
    school_id: str
    name: str
    pack: str  # "nz" or "kent"
    roster: list[dict]
    caregivers: list[dict]
    marks: list[Mark]  # the original marks: (school_id, student_id, date, session, code)
    amendments: list[Mark]  # later corrections of some of those marks, same shape


@dataclass(frozen=True)
class _Spec:
    number: int  # keeps each school's random streams apart
    school_id: str
    name: str
    pack: str
    style: str  # "nz" or "england": which codes and customs apply
    years: tuple[int, ...]  # school years with a register (the pack's year labels)
    levels: tuple[int, ...]  # year levels, youngest first
    cohort: int  # students per year level, before a little noise
    profiles: tuple[tuple[float, float, float], ...]  # (share, lowest, highest absence rate)
    mix: tuple[tuple[names.Group, float], ...]


# Absence-rate profiles. NZ: attendance of 70% or less is "chronic"; the last two rows are
# about a fifth of students. England: 10% or more absence is "persistent".
_NZ_PROFILES = (
    (0.55, 0.015, 0.085),
    (0.16, 0.10, 0.19),
    (0.10, 0.19, 0.27),
    (0.16, 0.33, 0.55),
    (0.03, 0.60, 0.85),
)
_ENGLAND_PROFILES = (
    (0.72, 0.01, 0.06),
    (0.12, 0.06, 0.11),
    (0.13, 0.11, 0.30),
    (0.03, 0.50, 0.80),
)

NZ_SCHOOL = _Spec(
    number=427,
    school_id="NZ-0427",
    name="Kōwhai Bay College",
    pack="nz",
    style="nz",
    years=(2026,),
    levels=(9, 10, 11, 12, 13),
    cohort=240,
    profiles=_NZ_PROFILES,
    mix=names.NZ_MIX,
)
ENGLAND_SCHOOL = _Spec(
    number=1013,
    school_id="ENG-1013",
    name="Oakfield Academy",
    pack="kent",
    style="england",
    years=(2025, 2026),
    levels=(7, 8, 9, 10, 11),
    cohort=180,
    profiles=_ENGLAND_PROFILES,
    mix=names.ENGLAND_MIX,
)

# Illness by month: a winter bump (NZ terms 2-3; England December to February).
_SEASON = {
    "nz": {
        1: 0.7,
        2: 0.7,
        3: 0.8,
        4: 0.9,
        5: 1.2,
        6: 1.7,
        7: 1.9,
        8: 1.6,
        9: 1.1,
        10: 0.8,
        11: 0.7,
        12: 0.6,
    },
    "england": {
        1: 1.5,
        2: 1.3,
        3: 1.1,
        4: 0.9,
        5: 0.8,
        6: 0.7,
        7: 0.7,
        8: 0.7,
        9: 0.8,
        10: 1.0,
        11: 1.2,
        12: 1.5,
    },
}
_EPISODE_DAYS = np.array([1, 2, 3, 4, 5, 7, 10])
_EPISODE_P = np.array([0.42, 0.25, 0.15, 0.08, 0.05, 0.03, 0.02])

# Random streams, one per part, so that changing one part leaves the others alone.
_PARTS = (
    "people",
    "households",
    "illness",
    "disengaged",
    "events",
    "extras",
    "originals",
    "recent",
)


def demo_schools(*, seed: int = 2026, as_of: date) -> list[DemoSchool]:
    """Return the two demo schools (Kōwhai Bay College, NZ; Oakfield Academy, Kent)."""
    return [_school(spec, seed, as_of) for spec in (NZ_SCHOOL, ENGLAND_SCHOOL)]


def write_csv(school: DemoSchool, folder: Path) -> dict[str, Path]:
    """Write the school's roster, caregivers, register and amendments as UTF-8 CSV files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[tuple[str, ...], list]] = {
        "roster": (ROSTER_HEADER, [[r[k] for k in ROSTER_HEADER] for r in school.roster]),
        "caregivers": (
            CAREGIVER_HEADER,
            [[c[k] for k in CAREGIVER_HEADER] for c in school.caregivers],
        ),
        "register": (REGISTER_HEADER, school.marks),
        "amendments": (REGISTER_HEADER, school.amendments),
    }
    paths = {}
    for key, (header, rows) in files.items():
        path = folder / f"{key}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        paths[key] = path
    return paths


# --- The calendar ------------------------------------------------------------------------


@dataclass
class _Calendar:
    dates: list[date]  # the open days of the school years, in order
    iso: list[str]
    days: np.ndarray  # the same as datetime64[D]
    weekday: np.ndarray
    month: np.ndarray
    term: np.ndarray  # index into `terms`
    label: np.ndarray  # the school year each day belongs to
    terms: list  # DefaultTerm, in order

    def __len__(self) -> int:
        return len(self.dates)

    def index(self, day: date, side: Literal["left", "right"] = "left") -> int:
        """Return the number of open days before `day` (with side="right": on or before)."""
        return int(np.searchsorted(self.days, np.datetime64(day, "D"), side=side))


def _calendar(pack: Pack, years: tuple[int, ...]) -> _Calendar:
    terms = [t for y in years for t in default_terms(pack, y)]
    span = range(min(t.start.year for t in terms), max(t.end.year for t in terms) + 1)
    shut = public_holidays(pack.country, pack.subdivision, span)
    for t in terms:
        for first, last, _why in t.closed:
            shut.update(_days(first, last))
    dates, term, label = [], [], []
    for k, t in enumerate(terms):
        for d in _days(t.start, t.end):
            if d.weekday() < 5 and d not in shut:
                dates.append(d)
                term.append(k)
                label.append(t.year)
    return _Calendar(
        dates=dates,
        iso=[d.isoformat() for d in dates],
        days=np.array(dates, dtype="datetime64[D]"),
        weekday=np.array([d.weekday() for d in dates], dtype=np.int8),
        month=np.array([d.month for d in dates], dtype=np.int8),
        term=np.array(term, dtype=np.int16),
        label=np.array(label, dtype=np.int16),
        terms=terms,
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def _weekday_on_or_after(day: date, weekday: int = -1) -> date:
    """Return the first weekday (or the given weekday, 0 = Monday) on or after `day`."""
    while day.weekday() >= 5 or (weekday >= 0 and day.weekday() != weekday):
        day += timedelta(days=1)
    return day


def _year_start(spec: _Spec, cal: _Calendar, label: int) -> date:
    """Return the first day of a school year (approximate for years before the register)."""
    if label in spec.years:
        return cal.dates[int(np.argmax(cal.label == label))]
    if spec.style == "nz":
        return _weekday_on_or_after(date(label, 2, 1))
    return _weekday_on_or_after(date(label, 9, 2))


def _leaving_day(spec: _Spec, label: int) -> date:
    """Return the day the oldest year group leaves at the end of a school year."""
    if spec.style == "nz":
        pack = load_pack(spec.pack)
        return max(t.end for t in default_terms(pack, label))
    # England: the school-leaving date is the last Friday in June.
    day = date(label + 1, 6, 30)
    while day.weekday() != 4:
        day -= timedelta(days=1)
    return day


def _label_on(spec: _Spec, cal: _Calendar, day: date) -> int:
    """Return the school year a day falls in (the latest one started by then)."""
    started = [y for y in spec.years if _year_start(spec, cal, y) <= day]
    return started[-1] if started else spec.years[0]


# --- The school --------------------------------------------------------------------------


def _streams(seed: int, spec: _Spec) -> dict[str, np.random.Generator]:
    return {
        part: np.random.default_rng([seed, spec.number, zlib.crc32(part.encode())])
        for part in _PARTS
    }


def _school(spec: _Spec, seed: int, as_of: date) -> DemoSchool:
    pack = load_pack(spec.pack)
    cal = _calendar(pack, spec.years)
    rng = _streams(seed, spec)
    people = _people(spec, cal, rng["people"])
    roster, caregivers, ids = _families(spec, cal, people, as_of, rng["households"])
    final = _register(spec, pack, cal, people, rng)
    shown = cal.index(as_of, side="right")  # open days on or before as_of
    final[:, shown:] = 0
    _recent_absence(spec, pack, cal, people, final, shown, rng["recent"])
    original, final = _originals(spec, pack, final, shown, rng["originals"])
    names_of = np.array(["", *[c.code for c in pack.codes]], dtype=object)
    return DemoSchool(
        school_id=spec.school_id,
        name=spec.name,
        pack=spec.pack,
        roster=roster,
        caregivers=caregivers,
        marks=_rows(spec.school_id, ids, cal, original, original != 0, names_of),
        amendments=_rows(spec.school_id, ids, cal, final, original != final, names_of),
    )


def _rows(
    school_id: str,
    ids: list[str],
    cal: _Calendar,
    codes: np.ndarray,
    where: np.ndarray,
    names_of: np.ndarray,
) -> list[Mark]:
    """Return the chosen cells as register rows, day by day."""
    day, student, session = np.nonzero(where.transpose(1, 0, 2))
    text = names_of[codes[student, day, session]].tolist()
    return [
        (school_id, ids[i], cal.iso[d], SESSIONS[s], c)
        for d, i, s, c in zip(day.tolist(), student.tolist(), session.tolist(), text, strict=True)
    ]


# --- Students and their enrolment ----------------------------------------------------------


@dataclass
class _People:
    level: np.ndarray  # year level in the last school year (above the top level: has left)
    first: np.ndarray  # first enrolled open day (index into the calendar)
    stop: np.ndarray  # one past the last enrolled open day
    enrolled_from: list[date]
    enrolled_to: list[date | None]
    birth: list[date]
    girl: np.ndarray
    rate: np.ndarray  # the share of days the student tends to miss
    profile: np.ndarray  # index into the school's profiles

    def __len__(self) -> int:
        return len(self.level)

    def enrolled(self, width: int) -> np.ndarray:
        day = np.arange(width)
        return (day >= self.first[:, None]) & (day < self.stop[:, None])

    def level_in(self, spec: _Spec, label: int) -> np.ndarray:
        return self.level - (spec.years[-1] - label)


def _people(spec: _Spec, cal: _Calendar, rng: np.random.Generator) -> _People:
    lo, hi, last = spec.levels[0], spec.levels[-1], spec.years[-1]
    # Cohorts by their year level in the last school year; those above the top level
    # left at the end of an earlier year.
    cohorts = range(lo, hi + len(spec.years))
    sizes = [
        int(spec.cohort * rng.uniform(0.95, 1.05) * (1.06 - 0.03 * (g - lo)))
        if spec.style == "nz"
        else int(spec.cohort * rng.uniform(0.97, 1.03))
        for g in cohorts
    ]
    level = np.repeat(np.array(list(cohorts)), sizes)
    n = len(level)
    enrolled_from = [_year_start(spec, cal, int(last - (g - lo))) for g in level]
    enrolled_to: list[date | None] = [
        _leaving_day(spec, int(last - (g - hi))) if g > hi else None for g in level
    ]

    # Profiles: an absence rate from a mixture.
    shares = np.array([p[0] for p in spec.profiles])
    profile = rng.choice(len(shares), size=n, p=shares / shares.sum())
    lows = np.array([p[1] for p in spec.profiles])[profile]
    highs = np.array([p[2] for p in spec.profiles])[profile]
    rate = rng.uniform(lows, highs)

    # Some join during the year; a few leave, more often those who were rarely there.
    width = len(cal)
    first = np.array([cal.index(d) for d in enrolled_from])
    stop = np.array([width if d is None else cal.index(d, side="right") for d in enrolled_to])
    for i in np.flatnonzero(rng.random(n) < 0.05):
        if stop[i] - first[i] > 30:
            first[i] = rng.integers(first[i] + 5, stop[i] - 10)
            enrolled_from[i] = cal.dates[first[i]]
    leave = rng.random(n) < 0.025 + 0.06 * rate
    for i in np.flatnonzero(leave & (level <= hi)):
        if stop[i] - first[i] > 40:
            stop[i] = rng.integers(first[i] + 20, stop[i] - 5) + 1
            enrolled_to[i] = cal.dates[stop[i] - 1]

    birth = [_birthday(spec, int(g), rng) for g in level]
    return _People(
        level=level,
        first=first,
        stop=stop,
        enrolled_from=enrolled_from,
        enrolled_to=enrolled_to,
        birth=birth,
        girl=rng.random(n) < 0.5,
        rate=rate,
        profile=profile,
    )


def _birthday(spec: _Spec, level: int, rng: np.random.Generator) -> date:
    """Return a birth date that fits a year level in the last school year."""
    # NZ Year 9 in 2026: born about July 2012 to June 2013.
    # England Year 7 in 2026/27: born 1 September 2014 to 31 August 2015.
    first = date(spec.years[-1] - level - 5, 7 if spec.style == "nz" else 9, 1)
    held_back = 365 if rng.random() < 0.02 else 0
    return first - timedelta(days=held_back) + timedelta(days=int(rng.integers(365)))


# --- Names, households and caregivers --------------------------------------------------------


def _families(
    spec: _Spec, cal: _Calendar, people: _People, as_of: date, rng: np.random.Generator
) -> tuple[list[dict], list[dict], list[str]]:
    """Return the roster and caregiver rows (as of `as_of`) and every student's id."""
    n = len(people)
    ids = _student_ids(spec, people, rng)
    household = _households(people, rng)
    groups = [g for g, _ in spec.mix]
    weights = np.array([w for _, w in spec.mix])
    count = int(household.max()) + 1
    group_of = rng.choice(len(groups), size=count, p=weights / weights.sum())
    family_names = [_pick(rng, groups[group_of[h]].surnames) for h in range(count)]
    contacts = _Contacts(spec, rng)
    carers = [
        _carers(spec, groups[group_of[h]], family_names[h], groups, weights, contacts, rng, h)
        for h in range(count)
    ]

    hi = spec.levels[-1]
    roster, caregivers = [], []
    for i in range(n):
        group = groups[group_of[household[i]]]
        given = _pick(rng, group.girls if people.girl[i] else group.boys)
        family = family_names[household[i]]
        if rng.random() < 0.08:  # a half-sibling or a child with a different name
            family = _pick(rng, group.surnames)
        if people.enrolled_from[i] > as_of:
            continue
        left = people.enrolled_to[i]
        if left is not None and left > as_of:
            left = None  # leaving later is not known yet
        on = as_of if left is None else left
        level = people.level[i] - (spec.years[-1] - _label_on(spec, cal, on))
        roster.append(
            {
                "school_id": spec.school_id,
                "student_id": ids[i],
                "given_name": given,
                "family_name": family,
                "birth_date": people.birth[i].isoformat(),
                "year_level": str(int(min(level, hi))),
                "enrolled_from": people.enrolled_from[i].isoformat(),
                "enrolled_to": "" if left is None else left.isoformat(),
            }
        )
        for carer in carers[household[i]]:
            caregivers.append({"school_id": spec.school_id, "student_id": ids[i], **carer})
    roster.sort(key=lambda r: (int(r["year_level"]), r["family_name"], r["given_name"]))
    order = {r["student_id"]: k for k, r in enumerate(roster)}
    caregivers.sort(key=lambda c: order[c["student_id"]])
    return roster, caregivers, ids


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _student_ids(spec: _Spec, people: _People, rng: np.random.Generator) -> list[str]:
    n = len(people)
    if spec.style == "nz":
        # National Student Numbers: nine digits here, starting with 1.
        numbers = rng.choice(10**8, size=n, replace=False)
        return [f"1{x:08d}" for x in numbers.tolist()]
    # Unique Pupil Numbers: check letter, LA number, establishment, year, serial. LA 999
    # does not exist, so these can never be a real pupil's UPN.
    serials: dict[int, list[int]] = {}
    out = []
    for i in range(n):
        year = (people.birth[i].year + 5) % 100  # allocated on starting school
        if year not in serials:
            serials[year] = rng.permutation(1000).tolist()
        digits = f"9991013{year:02d}{serials[year].pop():03d}"
        out.append(_upn_check_letter(digits) + digits)
    return out


def _upn_check_letter(digits: str) -> str:
    """Return the check letter the DfE's UPN scheme puts before the twelve digits."""
    total = sum(int(c) * w for c, w in zip(digits, range(2, 14), strict=True))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23]


def _households(people: _People, rng: np.random.Generator) -> np.ndarray:
    """Return a household number per student: about one in seven has a sibling here."""
    n = len(people)
    home = np.arange(n)
    order = rng.permutation(n)
    k = int(0.075 * n)
    older, younger, third = order[:k], order[k : 2 * k], order[2 * k : 2 * k + k // 8]
    for a, b in zip(older.tolist(), younger.tolist(), strict=True):
        if people.level[a] != people.level[b]:
            home[b] = home[a]
    for a, b, c in zip(older.tolist(), younger.tolist(), third.tolist(), strict=False):
        if home[b] == home[a] and people.level[c] not in (people.level[a], people.level[b]):
            home[c] = home[a]
    _, numbered = np.unique(home, return_inverse=True)
    return numbered


# Household shapes: (weight, [(relationship, lives with the student, parental responsibility)])
_SHAPES = (
    (0.49, (("mother", True, True), ("father", True, True))),
    (0.17, (("mother", True, True), ("father", False, True))),
    (0.10, (("mother", True, True),)),
    (0.04, (("father", True, True), ("mother", False, True))),
    (0.02, (("father", True, True),)),
    (0.07, (("mother", True, True), ("step-father", True, False), ("father", False, True))),
    (0.02, (("father", True, True), ("step-mother", True, False))),
    (0.04, (("grandmother", True, True), ("mother", False, True))),
    (0.01, (("grandmother", True, True), ("grandfather", True, True))),
    (0.015, (("aunt", True, True),)),
    (0.01, (("uncle", True, True), ("aunt", True, True))),
    (0.01, (("guardian", True, True),)),
    (0.015, (("foster carer", True, False), ("mother", False, True))),
)
_FEMALE = {"mother", "step-mother", "grandmother", "aunt"}


class _Contacts:
    """Synthetic emails, phone numbers and addresses, never repeated within a school."""

    def __init__(self, spec: _Spec, rng: np.random.Generator):
        self.spec, self.rng = spec, rng
        self.emails: set[str] = set()
        if spec.style == "nz":
            self.phones = [
                f"{area} 01{x // 10000} {x % 10000:04d}"
                for area, x in zip(
                    rng.choice(["09", "09", "07"], size=6000),
                    rng.choice(100000, size=6000, replace=False),
                    strict=True,
                )
            ]
            self.mobiles: list[str] = []
        else:
            self.mobiles = [f"07700 900{x:03d}" for x in rng.permutation(1000).tolist()]
            self.phones = [
                f"{prefix}{x:03d}"
                for prefix in ("01632 960", "020 7946 0", "0113 496 0", "0117 496 0")
                for x in rng.permutation(1000).tolist()
            ]
            rng.shuffle(self.phones)

    def email(self, given: str, family: str) -> str:
        domain = "example.org" if self.rng.random() < 0.6 else "example.com"
        stem = f"{_ascii(given)}.{_ascii(family)}"
        if self.rng.random() < 0.5:
            stem += str(int(self.rng.integers(1, 99)))
        address = f"{stem}@{domain}"
        while address in self.emails:
            address = f"{stem}{int(self.rng.integers(100, 999))}@{domain}"
        self.emails.add(address)
        return address

    def phone(self) -> str:
        if self.mobiles and self.rng.random() < 0.8:
            return self.mobiles.pop()
        return self.phones.pop()

    def address(self) -> str:
        rng = self.rng
        number = int(rng.integers(1, 240))
        if self.spec.style == "nz":
            street = f"{_pick(rng, names.NZ_STREET_NAMES)} {_pick(rng, names.NZ_STREET_KINDS)}"
            return f"{number} {street}, {_pick(rng, names.NZ_SUBURBS)}"
        street = (
            f"{_pick(rng, names.ENGLAND_STREET_NAMES)} {_pick(rng, names.ENGLAND_STREET_KINDS)}"
        )
        return f"{number} {street}, {_pick(rng, names.ENGLAND_TOWNS)}, Kent"


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _carers(
    spec: _Spec,
    group: names.Group,
    family: str,
    groups: list[names.Group],
    weights: np.ndarray,
    contacts: _Contacts,
    rng: np.random.Generator,
    household: int,
) -> list[dict]:
    """Return one household's caregivers (without the student columns)."""
    shape = _SHAPES[_weighted(rng, [w for w, _ in _SHAPES])][1]
    language = group.languages[_weighted(rng, [w for _, w in group.languages])][0]
    home = contacts.address()
    out = []
    for k, (relationship, resident, responsible) in enumerate(shape):
        own = group
        if relationship in {"step-father", "step-mother", "foster carer"} or rng.random() < 0.05:
            own = groups[_weighted(rng, weights.tolist())]
        female = relationship in _FEMALE or (
            relationship in {"guardian", "foster carer"} and rng.random() < 0.7
        )
        given = _pick(rng, own.women if female else own.men)
        surname = family
        keeps_name = relationship in {"father", "uncle", "grandfather"} or (
            relationship in {"mother", "grandmother"} and rng.random() < 0.75
        )
        if not keeps_name or own is not group:
            surname = _pick(rng, own.surnames)
        has_email = rng.random() < (0.88 if resident else 0.6)
        out.append(
            {
                "caregiver_id": f"{spec.school_id}-C{household:05d}{k + 1}",
                "given_name": given,
                "family_name": surname,
                "relationship": relationship,
                "lives_with_student": "yes" if resident else "no",
                "parental_responsibility": "yes" if responsible else "no",
                "email": contacts.email(given, surname) if has_email else "",
                "phone": contacts.phone() if rng.random() < 0.97 else "",
                "address": home if resident else contacts.address(),
                "preferred_language": language if resident or rng.random() < 0.5 else "en",
            }
        )
    return out


def _weighted(rng: np.random.Generator, weights: list[float]) -> int:
    """Return an index drawn in proportion to the weights (cheaper than rng.choice)."""
    target, total = rng.random() * sum(weights), 0.0
    for k, w in enumerate(weights):
        total += w
        if target < total:
            return k
    return len(weights) - 1


# --- The register ----------------------------------------------------------------------------


def _register(
    spec: _Spec, pack: Pack, cal: _Calendar, people: _People, rng: dict[str, np.random.Generator]
) -> np.ndarray:
    """Return every student's final codes, shape (students, days, 2), 0 for no mark."""
    n, width = len(people), len(cal)
    code = pack.code_index
    nz = spec.style == "nz"
    rate = people.rate

    # 1. Illness episodes, more in winter, never running over a term break.
    # Illness is most of a good attender's absence, a smaller part of a chronic absentee's.
    ill_share = np.clip(0.78 - rate, 0.22, 0.7) if nz else np.clip(0.85 - rate, 0.35, 0.75)
    mean_len = float((_EPISODE_DAYS * _EPISODE_P).sum())
    season = np.array([_SEASON[spec.style][m] for m in cal.month.tolist()])
    season /= season.mean()
    r = rng["illness"]
    start = r.random((n, width)) < (rate * ill_share / mean_len)[:, None] * season[None, :]
    length = _EPISODE_DAYS[r.choice(len(_EPISODE_DAYS), size=(n, width), p=_EPISODE_P)]
    ill = np.zeros((n, width), dtype=bool)
    for k in range(int(_EPISODE_DAYS.max())):
        same_term = cal.term[k:] == cal.term[: width - k]
        ill[:, k:] |= start[:, : width - k] & (length[:, : width - k] > k) & same_term

    # 2. Disengaged days: a Markov chain around each student's rate, weekday and trend.
    r = rng["disengaged"]
    away = np.clip(rate * (1 - ill_share), 0, 0.9)
    monfri = (rate >= 0.08) & (r.random(n) < 0.3)
    week = np.where(
        monfri[:, None],
        np.array([1.9, 0.6, 0.5, 0.6, 1.9]) / 1.1,
        np.array([1.1, 0.95, 0.9, 0.95, 1.1]),
    )
    x = np.linspace(-1, 1, width)
    slope = np.clip(r.normal(0, 0.35, n), -0.8, 0.8)
    trend = np.clip(1 + slope[:, None] * x[None, :], 0.15, 2.0)
    pi = np.clip(away[:, None] * trend * week[:, cal.weekday], 0, 0.92)
    stay = np.where(monfri, 0.15, np.where(rate >= 0.3, 0.62, 0.35))
    stay = np.maximum(stay, np.minimum(0.95, away * 1.4))
    disengaged = _markov(r, pi, stay)

    # 3. Whole days become codes.
    r = rng["events"]
    present_am, present_pm = (code["P"], code["P"]) if nz else (code["/"], code["\\"])
    marks = np.empty((n, width, 2), dtype=np.uint8)
    marks[..., 0], marks[..., 1] = present_am, present_pm
    u = r.random((n, width))
    if nz:
        # Disengaged days: some families explain (E, or illness accepted as M); most not.
        explained = r.beta(2, 5, n)[:, None]
        sick_note = r.beta(1.5, 8, n)[:, None]
        away_code = np.where(
            u < sick_note, code["M"], np.where(u < sick_note + explained, code["E"], code["T"])
        )
        ill_code = code["M"]
    else:
        authorised = r.beta(3, 4, n)[:, None]
        away_code = np.where(u < authorised, code["I"], code["O"])
        ill_code = code["I"]
    marks[disengaged] = away_code[disengaged][:, None]
    marks[ill] = ill_code
    day_off = ill | disengaged
    _blocks(spec, cal, people, marks, day_off, code, r)

    # 4. Part days, on days still present.
    plain = ~day_off
    u = r.random((n, width, 5))
    left_at_lunch = plain & (u[..., 0] < 0.25 * away[:, None] + 0.002)
    came_late = plain & ~left_at_lunch & (u[..., 1] < 0.004 + 0.03 * rate[:, None])
    appointment = plain & (u[..., 2] < 0.007)
    sent_home = plain & (u[..., 3] < 0.003)
    if nz:
        marks[left_at_lunch, 1] = np.where(u[left_at_lunch, 4] < 0.7, code["T"], code["E"])
        marks[came_late, 0] = np.where(u[came_late, 4] < 0.5, code["M"], code["E"])
        marks[appointment, np.int8(u[appointment, 4] < 0.5)] = code["D"]
        marks[sent_home, 1] = code["M"]
    else:
        marks[left_at_lunch, 1] = code["O"]
        marks[came_late, 0] = code["U"]
        marks[appointment, np.int8(u[appointment, 4] < 0.5)] = code["M"]
        marks[sent_home, 1] = code["I"]

    # 5. Lates and small present codes on sessions still plain present.
    late_rate = np.clip(r.gamma(1.5, 0.015, n) + 0.06 * rate, 0, 0.3)
    am_plain = marks[..., 0] == present_am
    late = am_plain & (r.random((n, width)) < late_rate[:, None])
    marks[late, 0] = code["L"]
    u = r.random((n, width, 2))
    is_plain = (marks == present_am) | (marks == present_pm)
    if nz:
        marks[is_plain & (u < 0.002)] = code["S"]
        marks[is_plain & (u > 0.998)] = code["I"]
    else:
        sporty = r.random(n) < 0.12
        fixture = sporty[:, None] & (r.random((n, width)) < 0.04) & is_plain[..., 1]
        marks[fixture, 1] = code["P"]
    _trips(spec, cal, people, marks, present_am, present_pm, code, r)

    # 6. Jurisdiction extras, then enrolment.
    if nz:
        _nz_extras(spec, cal, people, marks, code, rng["extras"])
    else:
        _england_extras(spec, cal, people, marks, code, rng["extras"])
    marks[~people.enrolled(width)] = 0
    return marks


def _markov(rng: np.random.Generator, pi: np.ndarray, stay: np.ndarray) -> np.ndarray:
    """Return absent days: absent after an absent day with `stay`, else so the mean is `pi`."""
    n, width = pi.shape
    u = rng.random((n, width))
    out = np.zeros((n, width), dtype=bool)
    go = np.clip(pi * (1 - stay[:, None]) / np.maximum(1 - pi, 1e-6), 0, 1)
    prev = u[:, 0] < pi[:, 0]
    out[:, 0] = prev
    for d in range(1, width):
        prev = u[:, d] < np.where(prev, stay, go[:, d])
        out[:, d] = prev
    return out


def _blocks(
    spec: _Spec,
    cal: _Calendar,
    people: _People,
    marks: np.ndarray,
    day_off: np.ndarray,
    code: dict[str, int],
    rng: np.random.Generator,
) -> None:
    """Add holidays in term time, bereavements and (England) suspensions."""
    nz = spec.style == "nz"
    n = len(day_off)
    for label in spec.years:
        in_year = np.flatnonzero(cal.label == label)
        terms = sorted(set(cal.term[in_year].tolist()))
        # A family holiday in term time, next to a term break.
        for i in np.flatnonzero(rng.random(n) < 0.05 + 0.12 * people.rate).tolist():
            days = np.flatnonzero(cal.term == terms[int(rng.integers(len(terms)))])
            length = int(rng.integers(3, 9))
            first = days[0] if rng.random() < 0.4 else days[-1] - length + 1
            span = slice(max(first, days[0]), first + length)
            marks[i, span] = code["G"]
            day_off[i, span] = True
        # A bereavement (NZ: tangihanga; England: leave in exceptional circumstances).
        for i in np.flatnonzero(rng.random(n) < 0.03).tolist():
            first = int(rng.choice(in_year))
            span = slice(first, min(first + int(rng.integers(1, 4)), in_year[-1] + 1))
            marks[i, span] = code["J"] if nz else code["C"]
            day_off[i, span] = True
        if nz:
            continue
        # Suspensions, the first days of which have no alternative provision.
        for i in np.flatnonzero(rng.random(n) < 0.01 + 0.08 * people.rate).tolist():
            first = int(rng.choice(in_year))
            span = slice(first, min(first + int(rng.integers(1, 4)), in_year[-1] + 1))
            marks[i, span] = code["E"]
            day_off[i, span] = True


def _trips(
    spec: _Spec,
    cal: _Calendar,
    people: _People,
    marks: np.ndarray,
    present_am: int,
    present_pm: int,
    code: dict[str, int],
    rng: np.random.Generator,
) -> None:
    """Add school trips and camps: part of a year group off-site for a day or a few."""
    nz = spec.style == "nz"
    # New Zealand's off-site code (F) was retired in 2025: a trip there is a present mark.
    trip = code["P"] if nz else code["V"]
    for label in spec.years:
        in_year = np.flatnonzero(cal.label == label)
        level = people.level_in(spec, label)
        events = []
        for _ in range(12):
            first = int(rng.choice(in_year[5:-5]))
            length = 1 if rng.random() < 0.75 else int(rng.integers(2, 4))
            events.append((first, length, int(rng.choice(spec.levels)), rng.uniform(0.15, 0.6)))
        # NZ: the Year 9 camp in term 1; England: the Year 7 residential in the summer term.
        camp_term = cal.term[in_year[0]] if nz else cal.term[in_year[-1]]
        camp_days = np.flatnonzero(cal.term == camp_term)
        events.append((int(camp_days[len(camp_days) // 3]), 3, spec.levels[0], 0.85))
        for first, length, on_level, share in events:
            who = (level == on_level) & (rng.random(len(level)) < share)
            days = slice(first, min(first + length, in_year[-1] + 1))
            block = marks[who, days]
            block[(block == present_am) | (block == present_pm) | (block == code["L"])] = trip
            marks[who, days] = block


def _nz_extras(
    spec: _Spec,
    cal: _Calendar,
    people: _People,
    marks: np.ndarray,
    code: dict[str, int],
    rng: np.random.Generator,
) -> None:
    n, width = marks.shape[:2]
    label = spec.years[-1]
    level = people.level_in(spec, label)
    present = (marks == code["P"]) | (marks == code["L"])
    # Secondary-tertiary programme (trades academy) one day a week for some seniors.
    tertiary = (level >= 12) & (rng.random(n) < 0.06)
    wednesdays = (cal.weekday == 2) & (np.arange(width) >= 10)
    cells = tertiary[:, None, None] & wednesdays[None, :, None] & present
    marks[cells] = code["A"]  # Z until 2025
    # Exam leave for seniors from the start of the external exams in November.
    exams = cal.index(_weekday_on_or_after(date(label, 11, 6), 0))
    marks[level >= 11, exams:] = code["X"]
    # Alternative education for a few disengaged juniors.
    juniors = np.flatnonzero((level <= 10) & (people.rate > 0.35))
    for i in rng.choice(juniors, size=min(3, len(juniors)), replace=False).tolist():
        first = int(rng.integers(15, width // 2))
        block = marks[i, first:]
        block[(block == code["P"]) | (block == code["L"])] = code["A"]
        block[(block == code["T"]) & (rng.random(block.shape) < 0.5)] = code["A"]
    # Health camp for one student; a couple overseas with the family for a few weeks.
    others = rng.permutation(n)
    first = int(rng.integers(20, width - 20))
    marks[others[0], first : first + 10] = code["A"]  # a health school: H until 2025
    for i in others[1:3].tolist():
        first = int(rng.integers(10, width - 20))
        marks[i, first : first + int(rng.integers(8, 16))] = code["O"]


def _england_extras(
    spec: _Spec,
    cal: _Calendar,
    people: _People,
    marks: np.ndarray,
    code: dict[str, int],
    rng: np.random.Generator,
) -> None:
    n, width = marks.shape[:2]
    present = (marks == code["/"]) | (marks == code["\\"]) | (marks == code["L"])
    for label in spec.years:
        in_year = np.flatnonzero(cal.label == label)
        level = people.level_in(spec, label)
        summer = np.flatnonzero(cal.term == cal.term[in_year[-1]])
        # Year 10 work experience: a week near the end of the summer term.
        week = summer[-20:-15]
        who = (level == 10) & (rng.random(n) < 0.9)
        cells = who[:, None, None] & np.isin(np.arange(width), week)[None, :, None] & present
        marks[cells] = code["W"]
        # Year 11 study leave during the exams, up to the school-leaving date.
        leaving = cal.index(_leaving_day(spec, label), side="right")
        day = np.arange(width)
        exams = (day >= leaving - 30) & (day < leaving)
        cells = (
            (level == 11)[:, None, None]
            & exams[None, :, None]
            & present
            & (rng.random((n, width, 2)) < 0.3)
        )
        marks[cells] = code["S"]
        # A college course on Friday afternoons for some Year 10 and 11 pupils.
        college = (level >= 10) & (level <= 11) & (rng.random(n) < 0.03)
        fridays = (cal.weekday == 4) & (cal.label == label)
        cells = college[:, None] & fridays[None, :] & present[..., 1]
        marks[..., 1][cells] = code["B"]
    # Arrangements that run from some day in the first year to the end, for pupils on roll
    # for the whole time.
    throughout = np.flatnonzero((people.first == 0) & (people.stop == width))
    chosen = rng.choice(throughout, size=5, replace=False).tolist()
    first_year = int(np.sum(cal.label == spec.years[0]))
    # Dual registration: two pupils spend Tuesdays and Thursdays at another school.
    for i in chosen[:2]:
        first = int(rng.integers(20, first_year - 20))
        days = np.flatnonzero(np.isin(cal.weekday, (1, 3)) & (np.arange(width) >= first))
        marks[i, days] = code["D"]
    # Local-authority provision on Wednesdays for two pupils.
    for i in chosen[2:4]:
        first = int(rng.integers(20, first_year - 20))
        marks[i, np.flatnonzero((cal.weekday == 2) & (np.arange(width) >= first))] = code["K"]
    # A part-time timetable for six weeks: afternoons off, authorised.
    first = int(rng.integers(20, first_year - 40))
    marks[chosen[4], first : first + 30, 1] = code["C2"]


# --- As of a day ---------------------------------------------------------------------------


def _recent_absence(
    spec: _Spec,
    pack: Pack,
    cal: _Calendar,
    people: _People,
    marks: np.ndarray,
    shown: int,
    rng: np.random.Generator,
) -> None:
    """Give a few students heavy unjustified absence in the weeks up to as_of."""
    if shown < 5:
        return
    code = pack.code_index
    nz = spec.style == "nz"
    span = min(shown, 45)
    level = people.level_in(spec, int(cal.label[shown - 1]))
    there = (people.first <= shown - span) & (people.stop >= shown)
    if nz:
        there &= level <= 10  # seniors may be on exam leave
    else:
        there &= ~np.any(marks[:, shown - span : shown] == code["D"], axis=(1, 2))
    candidates = np.flatnonzero(there)
    if len(candidates) == 0:
        return
    chosen = rng.choice(candidates, size=min(len(candidates), 5 if nz else 8), replace=False)
    for i in chosen.tolist():
        if nz:
            # Stopped coming altogether: a long run of unexplained half-days.
            first = shown - int(rng.integers(min(span, 22), span + 1))
            marks[i, first:shown] = code["T"]
        else:
            first = shown - int(rng.integers(min(span, 25), span + 1))
            pi = np.full((1, shown - first), 0.6)
            away = _markov(rng, pi, np.array([0.7]))[0]
            days = np.arange(first, shown)[away]
            marks[i, days] = np.where(rng.random((len(days), 1)) < 0.85, code["O"], code["G"])
            marks[i, shown - 1] = code["O"]  # still ongoing


def _originals(
    spec: _Spec, pack: Pack, final: np.ndarray, shown: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return the marks as first entered and the register after the amendments made by as_of.

    Many absences were first entered as "reason not yet known"; a school resolves most
    within a few school days. Some marks were corrected after a late explanation.
    """
    code = pack.code_index
    nz = spec.style == "nz"
    # (final code, entered first as this code, share of the final code's sessions)
    if nz:
        first_entries = (
            ("T", "?", 0.85),
            ("E", "?", 0.6),
            ("M", "?", 0.22),
            ("J", "?", 0.3),
            ("G", "?", 0.15),
            ("M", "T", 0.03),
            ("J", "E", 0.05),
        )
    else:
        first_entries = (
            ("O", "N", 0.8),
            ("I", "N", 0.3),
            ("M", "N", 0.1),
            ("G", "N", 0.1),
            ("C", "N", 0.2),
            ("I", "O", 0.02),
            ("G", "O", 0.05),
        )
    original = final.copy()
    u = rng.random(final.shape)
    floor: dict[str, float] = {}
    for final_code, entered, share in first_entries:
        low = floor.get(final_code, 0.0)
        cells = (final == code[final_code]) & (u >= low) & (u < low + share)
        original[cells] = code[entered]
        floor[final_code] = low + share
    # Amended yet? A school day old: rarely; a week old: nearly always; some never.
    age = np.maximum(shown - 1 - np.arange(final.shape[1]), 0)
    settled = np.minimum(0.12 + 0.13 * age, 0.985 if nz else 0.995)
    done = rng.random(final.shape) < settled[None, :, None]
    pending = (original != final) & ~done
    return original, np.where(pending, original, final)
