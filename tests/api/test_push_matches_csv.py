"""A day of the demo school's marks pushed through the API gives the same standings as its CSV.

Kōwhai Bay College (the NZ demo school, ~1,200 students) is loaded with its roster and
Term 4's marks before the last day, through the CSV importers. Then its last day is
imported twice, each time rolled back after: once as a CSV file, once pushed through the
API in batches. The standings, threshold events and register rows must be the same.
"""

import csv
import io
from datetime import date

from django.db import transaction

from stepwise.api.services import token_create
from stepwise.demo.generate import demo_schools
from stepwise.intake.services import register_take
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import HEADER, import_register
from stepwise.register.importers.roster import import_roster
from stepwise.register.models import RegisterTerm
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import term_register
from stepwise.standings.services import school_evaluate
from stepwise.standings.table import flat_standing

from .conftest import Api

AS_OF = date(2026, 11, 20)  # a Friday in Term 4 2026: the day pushed
TERM_START = "2026-10-12"
BATCH = 1000


def as_csv(rows, header) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(r.values() if isinstance(r, dict) else r for r in rows)
    return out.getvalue().encode()


def outcome(school, term) -> tuple:
    register = term_register(school, term, as_of=AS_OF)
    standings = sorted(
        (flat_standing(school.rules, row) for row in register.rows()), key=lambda r: r["student_id"]
    )
    events = sorted(
        ThresholdEvent.objects.filter(term=term).values_list(
            "student__national_id", "threshold", "reached_on", "status"
        )
    )
    rows = sorted(RegisterTerm.objects.filter(term=term).values_list("student_id", "marks"))
    return standings, events, [(s, bytes(m)) for s, m in rows]


def test_a_day_pushed_through_the_api_gives_the_same_standings_as_its_csv(db, client):
    demo = next(d for d in demo_schools(seed=2026, as_of=AS_OF) if d.pack == "nz")
    school = school_setup(code=demo.school_id, name=demo.name, pack="nz", today=AS_OF)
    import_roster(as_csv(demo.roster, demo.roster[0].keys()), file_name="roster.csv")
    day = AS_OF.isoformat()
    # Marks are (school_id, student_id, date, session, code); the term's, up to the day.
    term_marks = [m for m in demo.marks if TERM_START <= str(m[2]) <= day]
    before = [m for m in term_marks if str(m[2]) < day]
    last_day = [m for m in term_marks if str(m[2]) == day]
    assert len(last_day) > 2000, "the demo school should have a full day of marks"
    import_register(as_csv(before, HEADER), file_name="before.csv")
    school_evaluate(school=school, as_of=AS_OF)
    term = school.terms.get(year=2026, number=4)
    _, secret = token_create(organisation=school.organisation, name="SMS", created_by=None)
    api = Api(client, secret)

    with transaction.atomic():
        register_take(as_csv(last_day, HEADER), file_name="day.csv")
        by_csv = outcome(school, term)
        transaction.set_rollback(True)

    with transaction.atomic():
        rows = [
            {"student_id": str(m[1]), "date": str(m[2]), "session": str(m[3]), "code": str(m[4])}
            for m in last_day
        ]
        for start in range(0, len(rows), BATCH):
            response = api.post(
                f"/api/v1/schools/{school.code}/marks",
                {"rows": rows[start : start + BATCH]},
                **{"Idempotency-Key": f"{day}-{start}"},
            )
            assert response.status_code == 200, response.content
        by_api = outcome(school, term)
        transaction.set_rollback(True)

    assert by_api[0] == by_csv[0], "the standings differ"
    assert by_api[1] == by_csv[1], "the threshold events differ"
    assert by_api[2] == by_csv[2], "the stored register differs"
    assert len(by_csv[0]) > 1000 and any(e[2] == AS_OF for e in by_csv[1])
