"""A case's chronology: the referral, the log, thresholds and the register, in date order."""

from datetime import timedelta

from django.urls import reverse

from stepwise.audit.models import AuditEvent
from stepwise.cases.chronology import chronology
from stepwise.cases.services import log_entry_record
from stepwise.standings.services import school_evaluate

from .conftest import TODAY, at


def test_the_chronology_interleaves_every_record_in_date_order(case, caseworker, school):
    school_evaluate(school=school, as_of=TODAY)
    log_entry_record(
        case=case,
        by=caseworker,
        kind="phone",
        outcome="no_answer",
        happened_at=at(TODAY - timedelta(days=2)),
        now=at(TODAY, 18),
    )
    wrong = log_entry_record(
        case=case,
        by=caseworker,
        kind="home_visit",
        outcome="not_found",
        happened_at=at(TODAY - timedelta(days=1)),
        now=at(TODAY, 18),
    )
    log_entry_record(
        case=case,
        by=caseworker,
        kind="home_visit",
        outcome="refused",
        happened_at=wrong.happened_at,
        corrects=wrong,
        notes="Wrong outcome.",
        now=at(TODAY, 18),
    )
    items = chronology(case, TODAY)
    assert [i.at for i in items] == sorted(i.at for i in items)
    titles = [i.title for i in items]
    # Aroha reached 5, 10 and 15 days of absence in Term 4, before the referral.
    reached = [t for t in titles if t.startswith("Reached:")]
    assert len(reached) == 3
    assert any(
        t.startswith("Register, Term 4 2026: 29 days absent, 0.0% attendance") for t in titles
    )
    assert any(t.startswith("Referred by Kōwhai College") for t in titles)
    assert titles.index(reached[0]) < titles.index("Phone call: no answer")
    superseded = [i for i in items if i.superseded]
    assert [i.title for i in superseded] == ["Home visit: not found"]
    assert "Home visit: refused to engage (correction)" in titles


def test_the_chronology_page_is_audited(login, caseworker, case):
    page = login(caseworker).get(reverse("case_chronology", args=[case.pk])).content.decode()
    assert "Chronology: Aroha Ngata" in page and "Referred by Kōwhai College" in page
    assert AuditEvent.objects.filter(detail__endswith="chronology", user=caseworker).exists()


def test_the_chronology_names_each_register_figure_for_what_it_counts(case, school):
    # Aroha's codes run M, M, M, T, T: 18 days of M (justified) and 11 of T (unjustified).
    # New Zealand's justified total also holds codes counted as present (D, I): its name
    # says so, so nobody reads it as absence alone.
    school_evaluate(school=school, as_of=TODAY)
    (register,) = [i for i in chronology(case, TODAY) if i.source == "register"]
    assert register.detail == (
        "Kōwhai College; Unjustified absence: 22 half-days; "
        "Justified, absent or counted as present: 36 half-days (so far)"
    )
