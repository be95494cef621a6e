"""Term dates from the jurisdictions' published calendars.

Kent County Council's 2025/26 and 2026/27 dates (autumn from 1 September, October half term
20-24 October 2025); New Zealand's Term 1 start and Term 4 end ranges, and Easter Tuesday.
"""

from datetime import date

from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.register.models import RegisterTerm
from stepwise.rules.pack import default_terms, load_pack
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, TODAY, csv_bytes


def kent_school(db):
    school = school_setup(code="KENT-T", name="Kent Test Primary", pack="kent", today=TODAY)
    import_roster(
        csv_bytes(ROSTER_HEADER, "KENT-T,K80000000001,Amelia,Test,2015-03-04,6,2025-09-01,"),
        file_name="roster.csv",
    )
    return school


def test_a_kent_register_for_the_week_after_the_october_2025_half_term_imports(db):
    kent_school(db)
    result = import_register(
        csv_bytes(
            REGISTER_HEADER,
            "KENT-T,K80000000001,2025-10-27,AM,/",
            "KENT-T,K80000000001,2025-10-31,PM,\\",
        ),
        file_name="autumn.csv",
    )
    assert result.changed == 2


def test_a_kent_register_for_1_september_2026_imports(db):
    kent_school(db)
    import_register(
        csv_bytes(REGISTER_HEADER, "KENT-T,K80000000001,2026-09-01,AM,/"), file_name="sep.csv"
    )
    assert RegisterTerm.objects.filter(term__start=date(2026, 9, 1)).count() == 1


def test_kent_spring_2026_ends_on_2_april_and_summer_starts_on_20_april():
    spring, summer = default_terms(load_pack("kent"), 2025)[1:]
    assert spring.end == date(2026, 4, 2)
    assert summer.start == date(2026, 4, 20)


def test_new_zealand_term_1_starts_within_a_range_and_term_4_ends_by_20_december():
    terms = default_terms(load_pack("nz"), 2026)
    assert terms[0].start_range == (date(2026, 1, 26), date(2026, 2, 7))
    assert terms[3].end_range is not None and terms[3].end_range[1] == date(2026, 12, 20)


def test_easter_tuesday_2027_is_a_new_zealand_closure():
    term_1 = default_terms(load_pack("nz"), 2027)[0]
    closed = {first for first, _last, _why in term_1.closed}
    assert date(2027, 3, 30) in closed
