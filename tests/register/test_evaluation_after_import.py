"""The evaluation after an import starts from what the import read, and sees what a reader sees."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stepwise.intake.services import register_take
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import Term
from stepwise.standings.selectors import evaluate_terms
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, TODAY, csv_bytes


def standings(groups) -> list[tuple]:
    """Return each evaluated row's term, student, enrolment and standing, in order."""
    return [
        (group.terms[group.term_of_row[i]].pk, pk, group.enrolment[i], group.standings.row(i))
        for group in groups
        for i, pk in enumerate(group.student_pk.tolist())
    ]


def marks(school: str, national_ids: list[str], days: list[str], code: str) -> list[str]:
    return [
        f"{school},{n},{d},{s},{code}" for n in national_ids for d in days for s in ("AM", "PM")
    ]


def test_the_import_hands_the_evaluation_what_a_read_of_the_database_finds(nz_roster):
    # One student left before Term 4 and one leaves during it: neither may be lost or added.
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "NZ-1,100000004,Mere,Kingi,2011-01-04,10,2026-01-28,2026-07-03",
            "NZ-1,100000005,Tama,Rua,2011-02-04,10,2026-01-28,2026-11-13",
        ),
        file_name="more.csv",
    )
    term3 = ["2026-09-14", "2026-09-15", "2026-09-16"]
    import_register(
        csv_bytes(REGISTER_HEADER, *marks("NZ-1", ["100000001", "100000005"], term3, "M")),
        file_name="term3.csv",
    )
    absent = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09"]
    rows = marks("NZ-1", ["100000001", "100000003"], absent, "M")
    rows += marks("NZ-1", ["100000002", "100000005"], absent[:3], "P")
    result = import_register(csv_bytes(REGISTER_HEADER, *rows), file_name="term4.csv")

    terms = list(Term.objects.filter(pk__in={t for _, t in result.affected}))
    handed = evaluate_terms(
        terms,
        as_of=TODAY,
        registers=result.registers,
        enrolments=result.enrolments,
        term_only=True,
    )
    read = evaluate_terms(terms, as_of=TODAY)
    assert standings(handed) == standings(read)
    assert [row[1:3] for row in standings(read)] == [
        (pk, enrolment) for pk, enrolment in sorted(_enrolled_in_term_4().items())
    ]
    # The New Zealand pack counts within the term: Term 3's marks are not even held.
    assert handed[0].marks.shape[1] == 2 * 50


def _enrolled_in_term_4() -> dict[int, tuple[int, str, str | None]]:
    from stepwise.schools.models import Enrolment

    return {
        e.student_id: (
            e.year_level,
            e.enrolled_from.isoformat(),
            e.enrolled_to and str(e.enrolled_to),
        )
        for e in Enrolment.objects.exclude(enrolled_to__lt=date(2026, 10, 12))
    }


def test_a_pack_with_rolling_windows_is_evaluated_over_the_whole_calendar(db):
    school_setup(code="KT-2", name="Hazel Primary", pack="kent", today=date(2026, 11, 20))
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "KT-2,A123456789013,Ava,Smith,2016-05-06,5,2025-09-01,",
            "KT-2,A123456789014,Noah,Brown,2016-06-07,5,2025-09-01,",
        ),
        file_name="roster.csv",
    )
    summer = ["2026-07-13", "2026-07-14", "2026-07-15", "2026-07-16", "2026-07-17"]
    import_register(
        csv_bytes(REGISTER_HEADER, *marks("KT-2", ["A123456789013"], summer, "O")),
        file_name="summer.csv",
    )
    autumn = ["2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10", "2026-09-11"]
    rows = marks("KT-2", ["A123456789013", "A123456789014"], autumn, "O")
    result = import_register(csv_bytes(REGISTER_HEADER, *rows), file_name="autumn.csv")

    terms = list(Term.objects.filter(pk__in={t for _, t in result.affected}))
    handed = evaluate_terms(
        terms,
        as_of=date(2026, 11, 20),
        registers=result.registers,
        enrolments=result.enrolments,
        term_only=True,
    )
    read = evaluate_terms(terms, as_of=date(2026, 11, 20))
    assert standings(handed) == standings(read)
    assert handed[0].marks.shape == read[0].marks.shape


def test_without_certificates_an_import_asks_after_them_once_at_most(nz_roster):
    rows = marks("NZ-1", ["100000001", "100000002"], ["2026-11-02", "2026-11-03"], "M")
    for expected in (1, 0):  # the second import changes nothing, so asks nothing
        with CaptureQueriesContext(connection) as queries:
            register_take(csv_bytes(REGISTER_HEADER, *rows), file_name="day.csv")
        asked = [q for q in queries if "certificates_" in q["sql"]]
        assert len(asked) == expected
