"""Golden tests of the referral checklists: a case built to meet every item is ready;
taking away what meets one item makes exactly that item missing, with its reason.

Pure: the checklist is evaluated from plain Facts, as the case page does.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from stepwise.rules import readiness
from stepwise.rules.ladder import Recipient, Sent
from stepwise.rules.pack import load_pack

TODAY = date(2026, 11, 23)
ANA = Recipient("1", "Ana Tui")
REX = Recipient("2", "Rex Tui")


def _days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def _said(answer: str) -> readiness.Attested:
    return readiness.Attested(answer, "Tipene Rāwiri", _days_ago(3), "Spoke on the phone.")


def nz_full() -> readiness.Facts:
    return readiness.Facts(
        case_reason="chronic_absence",
        today=TODAY,
        recipients=(ANA, REX),
        sent=tuple(
            Sent(step, _days_ago(40 - 20 * i), p.key)
            for i, step in enumerate((1, 3))
            for p in (ANA, REX)
        ),
        contacts=(
            readiness.Contact(_days_ago(50), "phone", "no_answer", ""),
            readiness.Contact(_days_ago(35), "home_visit", "refused", "offered"),
            readiness.Contact(_days_ago(10), "text", "message_left", ""),
            readiness.Contact(_days_ago(2), "phone", "refused", "declined"),
        ),
        attested={"crm_spoken": _said("spoken"), "school_told": _said("told")},
    )


def kent_full() -> readiness.Facts:
    return readiness.Facts(
        case_reason="chronic_absence",
        today=TODAY,
        recipients=(ANA, REX),
        sent=tuple(
            Sent(step, _days_ago(100 - 20 * step), p.key)
            for step in (1, 2, 3, 4)
            for p in (ANA, REX)
        ),
        recent_within_days=180,
        contacts=(
            readiness.Contact(_days_ago(90), "phone", "no_answer", ""),
            readiness.Contact(_days_ago(70), "home_visit", "not_found", ""),
            readiness.Contact(_days_ago(60), "meeting", "no_answer", ""),
            readiness.Contact(_days_ago(50), "meeting", "engaged", "offered"),
            readiness.Contact(_days_ago(30), "email", "refused", "declined", noted=True),
        ),
        thresholds={"statutory_intervention": readiness.Threshold(_days_ago(60), True)},
        this_year=(date(2026, 9, 2), TODAY),
        last_year=(date(2025, 9, 3), date(2026, 7, 22)),
        certificates=(
            readiness.Certificate(date(2026, 9, 2), TODAY, TODAY, 0, False),
            readiness.Certificate(date(2025, 9, 3), date(2026, 7, 22), TODAY, 0, False),
        ),
        attested={
            key: _said(answer)
            for key, answer in (
                ("ebsa", "not_given"),
                ("part_time_timetable", "none"),
                ("early_help", "requested"),
                ("medical_investigated", "none_raised"),
                ("dsl_consulted", "consulted"),
                ("link_officer", "advised"),
                ("formal_meeting", "held"),
                ("letter_concern_follow_up", "not_needed"),
                ("household", "none"),
            )
        },
    )


def _without_letter(step: int):
    return lambda f: replace(f, sent=tuple(s for s in f.sent if s.step != step))


def _without_kind(kind: str):
    return lambda f: replace(f, contacts=tuple(c for c in f.contacts if c.kind != kind))


def _without_said(key: str):
    return lambda f: replace(f, attested={k: v for k, v in f.attested.items() if k != key})


def _without_certificate(first: date):
    return lambda f: replace(f, certificates=tuple(c for c in f.certificates if c.first != first))


# (pack, item, how its support is taken away, the state it falls to, words of its reason)
GOLDEN = [
    ("nz", "letter_3", _without_letter(3), "missing", "Letter 3 has not been sent to Ana Tui"),
    (
        "nz",
        "attempts",
        lambda f: replace(f, contacts=f.contacts[-1:]),
        "missing",
        "1 attempt to engage recorded; at least 3",
    ),
    ("nz", "crm_spoken", _without_said("crm_spoken"), "missing", "Nobody has recorded this yet"),
    ("nz", "school_told", _without_said("school_told"), "missing", "Nobody has recorded this yet"),
    ("nz", "up_to_date", lambda f: replace(f, overdue_tasks=2), "missing", "2 tasks overdue"),
    (
        "kent",
        "unauthorised_sessions",
        lambda f: replace(f, thresholds={}),
        "missing",
        "does not reach this yet",
    ),
    (
        "kent",
        "certificate_this_year",
        _without_certificate(date(2026, 9, 2)),
        "missing",
        "No certificate covers 2 September 2026",
    ),
    (
        "kent",
        "certificate_last_year",
        _without_certificate(date(2025, 9, 3)),
        "missing",
        "No certificate covers 3 September 2025",
    ),
    (
        "kent",
        "letter_concern",
        _without_letter(1),
        "missing",
        "Letter 1 has not been sent to Rex Tui",
    ),
    ("kent", "letter_medical", _without_letter(2), "missing", "Letter 2 has not been sent"),
    ("kent", "letter_meeting", _without_letter(3), "missing", "Letter 3 has not been sent"),
    ("kent", "letter_referral", _without_letter(4), "missing", "Letter 4 has not been sent"),
    ("kent", "phone_attempts", _without_kind("phone"), "missing", "Nothing of this kind"),
    ("kent", "home_visits", _without_kind("home_visit"), "missing", "Nothing of this kind"),
    # A meeting that did not take place (nobody came) does not count as one offered and held.
    (
        "kent",
        "meetings_offered",
        lambda f: replace(f, contacts=tuple(replace(c, outcome="no_answer") for c in f.contacts)),
        "missing",
        "2 entries in the log, but none took place",
    ),
    (
        "kent",
        "support_recorded",
        lambda f: replace(f, contacts=tuple(replace(c, support="") for c in f.contacts)),
        "missing",
        "No support offered",
    ),
    (
        "kent",
        "support_declined_reasons",
        lambda f: replace(f, contacts=tuple(replace(c, noted=False) for c in f.contacts)),
        "missing",
        "No reason is recorded for the support declined on 24 October 2026",
    ),
    (
        "kent",
        "formal_meeting",
        _without_said("formal_meeting"),
        "missing",
        "Nobody has recorded this yet",
    ),
    (
        "kent",
        "letter_concern_follow_up",
        _without_said("letter_concern_follow_up"),
        "missing",
        "Letter 1 went to Ana Tui once, on 4 September 2026: no follow-up",
    ),
    ("kent", "household", _without_said("household"), "missing", "Nobody has recorded"),
    (
        "kent",
        "parents_details",
        lambda f: replace(f, missing_details=("Rex Tui",)),
        "missing",
        "No address or phone for Rex Tui",
    ),
    ("kent", "ebsa", _without_said("ebsa"), "missing", "Nobody has recorded this yet"),
    (
        "kent",
        "part_time_timetable",
        _without_said("part_time_timetable"),
        "missing",
        "Nobody has recorded",
    ),
    ("kent", "early_help", _without_said("early_help"), "missing", "Nobody has recorded"),
    (
        "kent",
        "medical_investigated",
        _without_said("medical_investigated"),
        "missing",
        "Nobody has recorded",
    ),
    ("kent", "dsl_consulted", _without_said("dsl_consulted"), "missing", "Nobody has recorded"),
    (
        "kent",
        "family_practitioner",
        lambda f: replace(f, agencies=("children",)),
        "warning",
        "may not be appropriate",
    ),
    ("kent", "link_officer", _without_said("link_officer"), "missing", "Nobody has recorded"),
]
FULL = {"nz": nz_full, "kent": kent_full}


def _states(pack: str, facts: readiness.Facts) -> dict[str, readiness.Result]:
    found = readiness.checklist(load_pack(pack))
    assert found is not None
    return {r.item.key: r for r in readiness.evaluate(found.items, facts)}


@pytest.mark.parametrize("pack", ["nz", "kent"])
def test_a_case_that_meets_every_item_is_ready(pack):
    results = _states(pack, FULL[pack]())
    assert {k: r.state for k, r in results.items() if r.state != "met"} == {}
    assert readiness.ready(list(results.values()))


@pytest.mark.parametrize("pack", ["nz", "kent"])
def test_every_item_of_every_checklist_has_a_golden_case(pack):
    found = readiness.checklist(load_pack(pack))
    assert found is not None
    assert {i.key for i in found.items} == {item for p, item, *_ in GOLDEN if p == pack}


@pytest.mark.parametrize(("pack", "item", "take_away", "state", "reason"), GOLDEN)
def test_taking_one_item_away_makes_exactly_that_item_fall(pack, item, take_away, state, reason):
    before = _states(pack, FULL[pack]())
    after = _states(pack, take_away(FULL[pack]()))
    changed = {k for k in before if before[k].state != after[k].state}
    assert changed == {item}
    assert after[item].state == state
    assert reason in after[item].reason
    assert readiness.ready(list(after.values())) is (state == "warning")


def test_the_checklist_applies_only_to_the_case_reasons_it_names():
    # New Zealand tells the school of the intention to refer only for chronic absence.
    results = _states("nz", replace(nz_full(), case_reason="not_enrolled"))
    assert "school_told" not in results
    assert readiness.ready(list(results.values()))


@pytest.mark.parametrize(
    ("item", "answer"),
    [
        ("part_time_timetable", "current"),
        ("medical_investigated", "open"),
        ("link_officer", "not_yet"),
    ],
)
def test_an_answer_that_rules_a_referral_out_is_a_stop(item, answer):
    facts = kent_full()
    facts = replace(facts, attested={**facts.attested, item: _said(answer)})
    results = _states("kent", facts)
    assert results[item].state == "stop"
    assert not readiness.ready(list(results.values()))


def test_a_follow_up_to_the_letter_of_concern_on_record_needs_no_answer():
    facts = _without_said("letter_concern_follow_up")(kent_full())
    again = tuple(Sent(1, _days_ago(65), p.key) for p in (ANA, REX))
    results = _states("kent", replace(facts, sent=facts.sent + again))
    assert results["letter_concern_follow_up"].state == "met"
    assert results["letter_concern_follow_up"].reason == "Sent to Ana Tui, Rex Tui."


def test_a_formal_meeting_without_a_senior_chair_minutes_or_the_kpas_officer_is_missing():
    facts = kent_full()
    facts = replace(facts, attested={**facts.attested, "formal_meeting": _said("incomplete")})
    results = _states("kent", facts)
    assert results["formal_meeting"].state == "missing"
    assert not readiness.ready(list(results.values()))


def test_support_never_declined_or_withdrawn_needs_no_reasons():
    facts = kent_full()
    contacts = tuple(replace(c, support="accepted" if c.support else "") for c in facts.contacts)
    results = _states("kent", replace(facts, contacts=contacts))
    assert results["support_declined_reasons"].state == "met"
    assert results["support_declined_reasons"].reason == "No support was declined or withdrawn."


def test_a_certificate_with_n_codes_is_a_stop_until_they_are_resolved():
    facts = kent_full()
    first = replace(facts.certificates[0], unresolved=3)
    results = _states("kent", replace(facts, certificates=(first, facts.certificates[1])))
    assert results["certificate_this_year"].state == "stop"
    assert "3 N codes" in results["certificate_this_year"].reason


def test_a_register_changed_after_its_certificate_needs_a_new_one():
    facts = kent_full()
    first = replace(facts.certificates[0], changed_since_issue=True)
    results = _states("kent", replace(facts, certificates=(first, facts.certificates[1])))
    assert results["certificate_this_year"].state == "missing"
    assert "issue it again" in results["certificate_this_year"].reason


def test_a_certificate_of_this_year_may_be_two_weeks_old_but_no_older():
    facts = kent_full()
    for age, state in ((14, "met"), (15, "missing")):
        printed = replace(facts.certificates[0], last=TODAY - timedelta(days=age))
        found = replace(facts, certificates=(printed, facts.certificates[1]))
        assert _states("kent", found)["certificate_this_year"].state == state, age


def test_a_kent_letter_must_be_recent():
    facts = replace(kent_full(), today=TODAY + timedelta(days=200))
    results = _states("kent", facts)
    assert results["letter_concern"].state == "missing"
    assert "must be recent" in results["letter_concern"].reason


def test_a_parent_who_cannot_be_contacted_needs_no_letter_but_a_reason():
    facts = replace(kent_full(), sent=tuple(s for s in kent_full().sent if s.to != REX.key))
    assert _states("kent", facts)["letter_concern"].state == "missing"
    excused = replace(
        facts, cannot_contact={REX.key: "No address: enquiries with the school failed."}
    )
    result = _states("kent", excused)["letter_concern"]
    assert result.state == "met"
    assert "Rex Tui cannot be contacted" in result.reason


def test_a_medical_evidence_letter_that_is_not_relevant_is_met_by_saying_why():
    facts = _without_letter(2)(kent_full())
    facts = replace(facts, attested={**facts.attested, "letter_medical": _said("not_relevant")})
    result = _states("kent", facts)["letter_medical"]
    assert result.state == "met"
    assert "Not relevant" in result.reason


def test_a_pack_without_a_checklist_has_none():
    assert readiness.checklist(load_pack("england")) is None
