"""The synthetic demo schools: deterministic, plausible, and true to their rule packs."""

import csv
from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
import pytest

from stepwise.demo.generate import DemoSchool, demo_schools, write_csv
from stepwise.rules.calendar import Calendar, TermDates, public_holidays
from stepwise.rules.engine import count_sessions, evaluate
from stepwise.rules.pack import default_terms, load_pack

AS_OF = date(2026, 11, 20)
YEARS = {"nz": (2026,), "kent": (2025, 2026)}


@pytest.fixture(scope="module")
def schools() -> dict[str, DemoSchool]:
    return {s.pack: s for s in demo_schools(seed=2026, as_of=AS_OF)}


def _calendar(pack_key: str) -> Calendar:
    pack = load_pack(pack_key)
    terms = [t for y in YEARS[pack_key] for t in default_terms(pack, y)]
    span = range(min(t.start.year for t in terms), max(t.end.year for t in terms) + 1)
    closed = set(public_holidays(pack.country, pack.subdivision, span))
    for t in terms:
        for first, last, _why in t.closed:
            closed.update(first + timedelta(days=k) for k in range((last - first).days + 1))
    return Calendar([TermDates(t.key, t.name, t.year, t.start, t.end) for t in terms], closed)


def _register(school: DemoSchool, cal: Calendar) -> tuple[list[str], np.ndarray]:
    """Return the roster's student ids and the register after the amendments."""
    pack = load_pack(school.pack)
    ids = [r["student_id"] for r in school.roster]
    row = {sid: i for i, sid in enumerate(ids)}
    marks = np.zeros((len(ids), cal.width), dtype=np.uint8)
    for rows in (school.marks, school.amendments):
        for _school, sid, day, session, code in rows:
            slot = 2 * cal.day_index(date.fromisoformat(day)) + (session == "PM")
            marks[row[sid], slot] = pack.code_index[code]
    return ids, marks


def test_the_same_seed_gives_the_same_schools(schools):
    again = {s.pack: s for s in demo_schools(seed=2026, as_of=AS_OF)}
    assert again == schools


def test_another_seed_gives_other_schools(schools):
    other = {s.pack: s for s in demo_schools(seed=7, as_of=AS_OF)}
    assert other["nz"].roster != schools["nz"].roster
    assert other["kent"].marks != schools["kent"].marks


def test_the_schools_are_the_promised_ones(schools):
    assert (schools["nz"].school_id, schools["nz"].name) == ("NZ-0427", "Kōwhai Bay College")
    assert (schools["kent"].school_id, schools["kent"].name) == ("ENG-1013", "Oakfield Academy")


def test_the_schools_are_about_the_right_size(schools):
    on_roll = {k: [r for r in s.roster if not r["enrolled_to"]] for k, s in schools.items()}
    assert 1100 <= len(on_roll["nz"]) <= 1300
    assert 820 <= len(on_roll["kent"]) <= 980
    assert {r["year_level"] for r in on_roll["nz"]} == {"9", "10", "11", "12", "13"}
    assert {r["year_level"] for r in on_roll["kent"]} == {"7", "8", "9", "10", "11"}
    for school in schools.values():
        assert len(school.marks) > 300_000
        assert 0 < len(school.amendments) < len(school.marks) / 5


def test_student_ids_have_the_national_shape(schools):
    for row in schools["nz"].roster:
        assert len(row["student_id"]) == 9 and row["student_id"].startswith("1")
        assert row["student_id"].isdigit()
    for row in schools["kent"].roster:
        upn = row["student_id"]
        assert len(upn) == 13 and upn[0].isalpha() and upn[1:].isdigit()
    for school in schools.values():
        ids = [r["student_id"] for r in school.roster]
        assert len(set(ids)) == len(ids)


def test_some_students_joined_during_the_year_and_a_few_left(schools):
    nz = schools["nz"].roster
    assert sum(r["enrolled_from"] > "2026-02-02" for r in nz) >= 20
    assert 5 <= sum(bool(r["enrolled_to"]) for r in nz) <= 80


@pytest.mark.parametrize("pack_key", ["nz", "kent"])
def test_every_mark_is_on_an_open_day_within_enrolment_and_not_after_as_of(schools, pack_key):
    school = schools[pack_key]
    cal = _calendar(pack_key)
    open_days = {d.isoformat() for d, ok in zip(cal.dates, cal.open, strict=True) if ok}
    enrolment = {
        r["student_id"]: (r["enrolled_from"], r["enrolled_to"] or "9999-12-31")
        for r in school.roster
    }
    seen = set()
    for school_id, sid, day, session, _code in school.marks:
        assert school_id == school.school_id
        assert day in open_days and day <= AS_OF.isoformat()
        assert enrolment[sid][0] <= day <= enrolment[sid][1]
        assert session in ("AM", "PM")
        assert (sid, day, session) not in seen
        seen.add((sid, day, session))
    for _school_id, sid, day, session, _code in school.amendments:
        assert (sid, day, session) in seen


@pytest.mark.parametrize("pack_key", ["nz", "kent"])
def test_every_code_is_a_current_code_of_the_schools_pack(schools, pack_key):
    current = {c.code for c in load_pack(pack_key).codes if c.current}
    school = schools[pack_key]
    assert {m[4] for m in school.marks} <= current
    assert {m[4] for m in school.amendments} <= current


def test_amendments_change_the_code(schools):
    for school in schools.values():
        original = {(m[1], m[2], m[3]): m[4] for m in school.marks}
        for _school_id, sid, day, session, code in school.amendments:
            assert original[(sid, day, session)] != code


def test_about_a_fifth_of_nz_students_attend_seventy_percent_or_less_over_the_year(schools):
    cal = _calendar("nz")
    _, marks = _register(schools["nz"], cal)
    counts = count_sessions(marks, load_pack("nz"))
    counted = counts["possible"] >= 20
    attendance = counts["present"][counted] / counts["possible"][counted]
    assert 0.15 <= np.mean(attendance <= 0.70) <= 0.25
    assert np.mean(attendance > 0.90) >= 0.4  # most students are rarely absent


def test_nz_illness_peaks_in_winter(schools):
    by_term: Counter[str] = Counter()
    sessions: Counter[str] = Counter()
    for m in schools["nz"].marks:
        term = "winter" if "2026-06-01" <= m[2] <= "2026-08-31" else "other"
        sessions[term] += 1
        by_term[term] += m[4] == "M"
    assert by_term["winter"] / sessions["winter"] > 1.3 * by_term["other"] / sessions["other"]


def test_some_absences_are_still_awaiting_a_reason_in_the_last_two_weeks(schools):
    for school, unknown in ((schools["nz"], "?"), (schools["kent"], "N")):
        final = {(m[1], m[2], m[3]): m[4] for m in school.marks}
        final.update({(m[1], m[2], m[3]): m[4] for m in school.amendments})
        recent = (AS_OF - timedelta(days=14)).isoformat()
        waiting = [k for k, code in final.items() if code == unknown and k[1] > recent]
        assert len(waiting) >= 20
        resolved = [m for m in school.amendments if final[(m[1], m[2], m[3])] != unknown]
        assert resolved


def test_some_kent_pupils_reach_the_penalty_notice_threshold_this_term(schools):
    pack = load_pack("kent")
    cal = _calendar("kent")
    _, marks = _register(schools["kent"], cal)
    standing = evaluate(pack, cal, marks, term="2026T1", as_of=AS_OF)
    assert 1 <= np.sum(standing.reached["penalty_notice"] >= 0) <= 0.2 * len(standing)
    assert np.sum(standing.current["statutory_intervention"]) >= 1


def test_a_pupil_or_two_is_dual_registered(schools):
    pupils = {m[1] for m in schools["kent"].marks if m[4] == "D"}
    assert 1 <= len(pupils) <= 2


def test_caregivers_include_absent_parents_shared_carers_and_missing_emails(schools):
    for school in schools.values():
        rows = school.caregivers
        per_student = Counter(c["student_id"] for c in rows)
        assert set(per_student) == {r["student_id"] for r in school.roster}
        assert set(per_student.values()) <= {1, 2, 3}
        assert any(
            c["lives_with_student"] == "no" and c["parental_responsibility"] == "yes" for c in rows
        )
        children = defaultdict(set)
        for c in rows:
            children[c["caregiver_id"]].add(c["student_id"])
        assert any(len(v) > 1 for v in children.values())
        assert any(not c["email"] for c in rows)
        for c in rows:
            assert c["email"] == "" or c["email"].endswith(("@example.org", "@example.com"))
    assert {"mi", "sm", "to", "zh"} <= {c["preferred_language"] for c in schools["nz"].caregivers}


def test_an_earlier_day_gives_a_shorter_register():
    as_of = date(2026, 3, 11)
    nz, kent = demo_schools(seed=2026, as_of=as_of)
    for school in (nz, kent):
        assert max(m[2] for m in school.marks) <= as_of.isoformat()
    assert {r["year_level"] for r in kent.roster} == {"7", "8", "9", "10", "11"}
    assert not any(r["enrolled_to"] for r in kent.roster if r["year_level"] == "11")


def test_the_csv_files_have_the_exact_headers(schools, tmp_path):
    paths = write_csv(schools["kent"], tmp_path)
    expected = {
        "roster": "school_id,student_id,given_name,family_name,birth_date,year_level,"
        "enrolled_from,enrolled_to",
        "caregivers": "school_id,student_id,caregiver_id,given_name,family_name,relationship,"
        "lives_with_student,parental_responsibility,email,phone,address,preferred_language",
        "register": "school_id,student_id,date,session,code",
        "amendments": "school_id,student_id,date,session,code",
    }
    assert set(paths) == set(expected)
    for key, header in expected.items():
        with paths[key].open(encoding="utf-8", newline="") as f:
            assert f.readline().rstrip("\n") == header
    with paths["register"].open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert [tuple(r) for r in rows] == schools["kent"].marks


def test_the_demo_is_loaded_up_to_a_day_every_demo_school_has_reached():
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from stepwise.demo.load import demo_today

    auckland = timezone.localdate(timezone=ZoneInfo("Pacific/Auckland"))
    london = timezone.localdate(timezone=ZoneInfo("Europe/London"))
    # On an Auckland morning it is still yesterday in Kent: the demo stops at Kent's today.
    assert demo_today() == min(auckland, london)
