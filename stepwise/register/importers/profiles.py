"""Import profiles: read a student management system's own register export as it comes.

A profile says how one system's export is shaped: its encoding and delimiter, how it
writes dates, what its columns are called, whether it has a row per session, per day
(AM and PM columns) or per period, and what its own codes mean. The file is translated
into Stepwise's register CSV (school_id, student_id, date, session, code) and imported
by the same importer, so its checks, its all-or-nothing rule and the standings that
follow are those of a Stepwise CSV file; a problem is named at the line and column of
the file the school sent. The built-in profiles (BUILT_IN) say what public material
confirmed of their shape and what was inferred.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from stepwise.register.csvfile import ImportRejected, Problem, Problems
from stepwise.register.importers.register import HEADER
from stepwise.register.models import ImportCodeMapping
from stepwise.schools.models import School

SESSION, DAY, PERIOD = "session", "day", "period"
# The columns each layout needs, besides the optional school_id.
FIELDS = {
    SESSION: ("student_id", "date", "session", "code"),
    DAY: ("student_id", "date", "am", "pm"),
    PERIOD: ("student_id", "date", "period", "code"),
}
DELIMITERS = (",", ";", "\t", "|")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK = "cp1252"  # Windows-1252: what a spreadsheet on Windows saves as "CSV"
MAP_COMMAND = "stepwise import-profile --school {school} --profile {profile} {code}=<code>"


def normal(text: str) -> str:
    """Return a header or label as compared: lower case, words of letters and digits."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    layout: str  # SESSION, DAY or PERIOD
    columns: dict[str, tuple[str, ...]]  # field -> the names its column goes by
    date_formats: tuple[str, ...]  # strptime formats, tried in turn
    sessions: dict[str, str] = field(default_factory=dict)  # the file's words -> AM or PM
    periods: dict[str, str] = field(default_factory=dict)  # period -> AM or PM, in order
    codes: dict[str, str] = field(default_factory=dict)  # the system's codes -> pack codes
    encoding: str = "auto"  # or a Python codec name
    delimiter: str = "auto"
    confirmed: str = ""  # what of this shape public material confirms, and where
    inferred: str = ""  # what was inferred, to check against a real export

    def column_names(self, name: str) -> set[str]:
        return {normal(n) for n in self.columns.get(name, ())}


@dataclass
class Translated:
    """A file translated to Stepwise's register CSV, and where each row came from."""

    data: bytes
    lines: list[int]  # per generated row, its line in the sent file
    columns: dict[str, str]  # Stepwise column -> the sent file's header for it

    def rejected(self, e: ImportRejected, file_name: str) -> ImportRejected:
        """Return the importer's refusal named at the sent file's lines and columns."""

        def line(n: int) -> int:
            return self.lines[n - 2] if 2 <= n < len(self.lines) + 2 else n

        problems = [
            Problem(
                line(p.line),
                self.columns.get(p.column, p.column),
                re.sub(r"on line (\d+)", lambda m: f"on line {line(int(m[1]))}", p.message),
            )
            for p in e.problems
        ]
        return ImportRejected(file_name, problems)


def decode(data: bytes, encoding: str, file_name: str) -> str:
    """Return the file's text: by its byte-order mark, else `encoding` (auto: UTF-16 if it
    looks like it, else UTF-8, else Windows-1252)."""
    problem = None
    for bom, name in BOMS:
        if data.startswith(bom):
            encoding = name
            break
    else:
        if encoding == "auto":
            if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0]:
                encoding = "utf-16-le"
            else:
                try:
                    return _checked(data.decode("utf-8"), file_name)
                except UnicodeDecodeError:
                    encoding = FALLBACK
    try:
        return _checked(data.decode(encoding), file_name)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problem = Problem(line, "", f"the file is not {encoding} text (byte 0x{data[e.start]:02x})")
    except LookupError:
        problem = Problem(0, "", f"{encoding!r} is not an encoding Stepwise knows")
    raise ImportRejected(file_name, [problem])


def _checked(text: str, file_name: str) -> str:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportRejected(
            file_name, [Problem(line, "", "the file holds a NUL byte; is it really CSV?")]
        )
    if not text.strip():
        raise ImportRejected(file_name, [Problem(0, "", "the file is empty")])
    return text


def _delimiter(profile: Profile, header: str) -> str:
    if profile.delimiter != "auto":
        return profile.delimiter
    return max(DELIMITERS, key=header.count)


def _day(text: str, profile: Profile) -> date | None:
    for fmt in profile.date_formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass
class _Row:
    line: int
    school: str
    student: str
    day: str
    session: str
    code: str


def translate(
    data: bytes,
    *,
    profile: Profile,
    file_name: str,
    school: School | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
) -> Translated:
    """Translate a file shaped as `profile` says into Stepwise's register CSV.

    `school` is the school of a file without a school column; `mappings` each school's
    own code mappings for this profile, by school id (read from the database if None).
    Raises ImportRejected naming every line and column at fault.
    """
    problems = Problems(file_name)
    text = decode(data, profile.encoding, file_name)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(profile, first))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as e:
        raise ImportRejected(
            file_name, [Problem(1, "", f"this is not readable CSV ({e})")]
        ) from None
    found = {normal(h): i for i, h in reversed(list(enumerate(header)))}
    where: dict[str, int] = {}
    for name in ("school_id", *FIELDS[profile.layout]):
        at = next((found[n] for n in profile.column_names(name) if n in found), None)
        if at is not None:
            where[name] = at
        elif name != "school_id":
            names = " or ".join(repr(n) for n in profile.columns[name])
            problems.add(
                1, "", f"no column for {name}: the {profile.name} profile reads it from {names}"
            )
    if "school_id" not in where and school is None:
        problems.add(1, "", "the file has no school column: say which school it is for (--school)")
    problems.raise_if_any()
    named = {name: header[i] for name, i in where.items()}
    schools = {school.code: school} if school is not None else {}
    if "school_id" in where:  # a file of several schools: any the installation holds
        schools.update({s.code: s for s in School.objects.all()})
    if mappings is None:
        mappings = _mappings(schools, profile)
    rows = _rows(reader, header, where, school, profile, schools, mappings, named, problems)
    problems.raise_if_any()
    if profile.layout == PERIOD:
        rows = _by_session(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([r.school, r.student, r.day, r.session, r.code] for r in rows)
    columns = {
        "school_id": named.get("school_id", "school_id"),
        "student_id": named["student_id"],
        "date": named["date"],
        "session": named.get("session") or named.get("period") or "AM/PM",
        "code": named.get("code") or f"{named.get('am')}/{named.get('pm')}",
    }
    return Translated(out.getvalue().encode(), [r.line for r in rows], columns)


def _mappings(schools: dict[str, School], profile: Profile) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {code: {} for code in schools}
    rows = ImportCodeMapping.objects.filter(
        school__in=schools.values(), profile=profile.key
    ).values_list("school__code", "local_code", "code")
    for school_code, local, code in rows:
        found[school_code][local] = code
    return found


def code_for(raw: str, school: School, profile: Profile, mapping: dict[str, str]) -> str | None:
    """Return the pack code a file's code means: the school's mapping, the profile's, or
    the pack's own code; None if none of them knows it."""
    if raw in mapping:
        return mapping[raw]
    if raw in profile.codes:
        return profile.codes[raw]
    return raw if raw in school.rules.code_index else None


def _rows(reader, header, where, school, profile, schools, mappings, named, problems):
    sessions = {normal(k): v for k, v in profile.sessions.items()}
    sessions.update({"am": "AM", "pm": "PM"})
    periods = {normal(k): v for k, v in profile.periods.items()}
    rows: list[_Row] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                problems.add(line, "", f"expected {len(header)} fields, found {len(fields)}")
                continue
            value = {name: fields[i].strip() for name, i in where.items()}
            code_school = schools.get(value["school_id"]) if "school_id" in where else school
            if code_school is None:
                problems.add(line, named["school_id"], f"unknown school {value['school_id']!r}")
                continue
            day = _day(value["date"], profile)
            if day is None:
                formats = " or ".join(_shown(f) for f in profile.date_formats)
                problems.add(line, named["date"], f"{value['date']!r} is not a date ({formats})")
                continue
            marks: list[tuple[str, str]]
            if profile.layout == SESSION:
                session = sessions.get(normal(value["session"]))
                marks = [(session or "", value["code"])]
                if session is None:
                    problems.add(
                        line, named["session"], f"{value['session']!r} is not a session (AM or PM)"
                    )
                    continue
            elif profile.layout == DAY:
                marks = [("AM", value["am"]), ("PM", value["pm"])]
            else:
                session = periods.get(normal(value["period"]))
                marks = [(session or "", value["code"])]
                if session is None:
                    known = ", ".join(profile.periods)
                    problems.add(
                        line,
                        named["period"],
                        f"{value['period']!r} is not a period the profile places in a session "
                        f"({known})",
                    )
                    continue
            for session, raw in marks:
                if not raw:
                    continue  # no mark yet for this session
                code = code_for(raw, code_school, profile, mappings.get(code_school.code, {}))
                if code is None:
                    column = named.get("code") or named[session.lower()]
                    problems.add(
                        line,
                        column,
                        f"{raw!r} is not a code of the {code_school.rules.name} rule pack, and "
                        f"{code_school.code} has not mapped it: map it with `"
                        + MAP_COMMAND.format(school=code_school.code, profile=profile.key, code=raw)
                        + "`",
                    )
                    continue
                rows.append(
                    _Row(
                        line, code_school.code, value["student_id"], day.isoformat(), session, code
                    )
                )
    except csv.Error as e:
        problems.add(reader.line_num, "", f"this is not readable CSV ({e})")
    return rows


def _shown(fmt: str) -> str:
    return fmt.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY").replace("%y", "YY")


def most_common_first(codes: list[str]) -> str:
    """Return the code most of `codes` carry; of codes as common, the one found first."""
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    best = max(counts.values())
    return next(c for c in codes if counts[c] == best)


def _by_session(rows: list[_Row]) -> list[_Row]:
    """Give each session the code most of its periods carry (the earliest, on a tie).

    Rows come in file order; a session's row keeps the line of its first period with
    the chosen code, so a problem with it names a line the school can find.
    """
    groups: dict[tuple[str, str, str, str], list[_Row]] = {}
    for r in rows:
        groups.setdefault((r.school, r.student, r.day, r.session), []).append(r)
    chosen = []
    for periods in groups.values():
        code = most_common_first([r.code for r in periods])
        chosen.append(next(r for r in periods if r.code == code))
    return chosen
