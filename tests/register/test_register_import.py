"""Register imports: all or nothing, idempotent, amendments logged, bad input named."""

import pytest

from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.register import import_register
from stepwise.register.models import Amendment, ImportRun, RegisterTerm
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.services import school_evaluate
from tests.conftest import REGISTER_HEADER, TODAY, csv_bytes

GOOD = csv_bytes(
    REGISTER_HEADER,
    "NZ-1,100000001,2026-10-12,AM,P",
    "NZ-1,100000001,2026-10-12,PM,M",
    "NZ-1,100000002,2026-10-12,AM,?",
)


def marks_of(national_id: str) -> bytes:
    return bytes(RegisterTerm.objects.get(student__national_id=national_id).marks)


def test_it_stores_one_byte_per_session(nz_roster):
    result = import_register(GOOD, file_name="day.csv")
    assert result.changed == 3
    blob = marks_of("100000001")
    pack = nz_roster.rules
    assert len(blob) == 2 * 50  # Term 4 2026 has 50 weekdays
    assert blob[:2] == bytes([pack.code_index["P"], pack.code_index["M"]])
    assert set(blob[2:]) == {0}


def test_importing_the_same_file_twice_changes_nothing(nz_roster):
    import_register(GOOD, file_name="day.csv")
    before = marks_of("100000001")
    again = import_register(GOOD, file_name="day.csv")
    assert again.changed == 0
    assert again.run.outcome == ImportRun.Outcome.UNCHANGED
    assert marks_of("100000001") == before
    assert Amendment.objects.count() == 0


def test_a_later_file_amends_a_mark_and_keeps_the_old_code(nz_roster):
    import_register(GOOD, file_name="day.csv")
    result = import_register(
        csv_bytes(REGISTER_HEADER, "NZ-1,100000002,2026-10-12,AM,M"), file_name="fix.csv"
    )
    assert result.detail == {"new marks": 0, "amended marks": 1}
    amendment = Amendment.objects.get()
    assert (amendment.old_code, amendment.new_code, amendment.slot) == ("?", "M", 0)
    assert amendment.import_run == result.run
    assert marks_of("100000002")[0] == nz_roster.rules.code_index["M"]


def test_every_import_is_recorded_with_its_hash(nz_roster):
    result = import_register(GOOD, file_name="day.csv")
    run = ImportRun.objects.get(pk=result.run.pk)
    assert run.kind == "register" and run.rows == 3 and run.outcome == "imported"
    assert len(run.sha256) == 64


# Each case: what is wrong, the file's data rows, and words the message must contain.
BAD_FILES = [
    ("unknown code", ["NZ-1,100000001,2026-10-12,AM,W"], "line 3, column code: 'W' is not a code"),
    (
        "unknown student",
        ["NZ-1,999999999,2026-10-12,AM,P"],
        "line 3, column student_id: '999999999'",
    ),
    (
        "unknown school",
        ["XX-9,100000001,2026-10-12,AM,P"],
        "line 3, column school_id: unknown school",
    ),
    ("outside every term", ["NZ-1,100000001,2026-10-05,AM,P"], "2026-10-05 is not in any term"),
    ("closure day", ["NZ-1,100000001,2026-10-26,AM,P"], "2026-10-26 is a closure day"),
    ("weekend", ["NZ-1,100000001,2026-10-17,AM,P"], "2026-10-17 is a Saturday"),
    ("bad session", ["NZ-1,100000001,2026-10-12,XM,P"], "column session: 'XM' must be AM or PM"),
    ("malformed date", ["NZ-1,100000001,12/10/2026,AM,P"], "'12/10/2026' is not a date"),
    (
        "not yet enrolled",
        ["NZ-1,100000003,2026-10-12,AM,P"],
        "was not enrolled at NZ-1 on 2026-10-12",
    ),
    (
        "future date",
        ["NZ-1,100000001,2099-10-12,AM,P"],
        "line 3, column date: 2099-10-12 is in the future",
    ),
    ("wrong field count", ["NZ-1,100000001,2026-10-12,AM"], "line 3: expected 5 fields, found 4"),
    (
        "same mark twice with different codes",
        ["NZ-1,100000001,2026-10-12,AM,P", "NZ-1,100000001,2026-10-12,AM,T"],
        "line 4, column code: this session is marked T here but P on line 3",
    ),
]


@pytest.mark.parametrize(("what", "rows", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_rejected_whole_with_a_message_naming_the_row(nz_roster, what, rows, message):
    data = csv_bytes(REGISTER_HEADER, "NZ-1,100000002,2026-10-13,AM,P", *rows)
    with pytest.raises(ImportRejected) as rejected:
        import_register(data, file_name="bad.csv")
    assert message in rejected.value.summary()
    assert "bad.csv" in rejected.value.summary()
    assert not RegisterTerm.objects.exists()  # the good first row was not written either
    assert ImportRun.objects.get(kind="register").outcome == ImportRun.Outcome.REJECTED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"school_id,student,date,session,code\nNZ-1,1,2026-10-12,AM,P\n", "the header must be"),
        (REGISTER_HEADER.encode() + b"\nNZ-1,100000001,2026-10-12,AM,\xe9\n", "not UTF-8"),
    ],
    ids=["empty", "wrong header", "not utf-8"],
)
def test_a_file_that_is_not_a_register_is_rejected(nz_roster, data, message):
    with pytest.raises(ImportRejected) as rejected:
        import_register(data, file_name="odd.csv")
    assert message in rejected.value.summary()
    assert not RegisterTerm.objects.exists()


def test_an_amendment_that_uncrosses_a_threshold_withdraws_its_event(nz_roster):
    # Five school days absent (10 half-days) from 12 October reach the 5-day threshold.
    days = ["2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16"]
    rows = [f"NZ-1,100000001,{d},{s},T" for d in days for s in ("AM", "PM")]
    import_register(csv_bytes(REGISTER_HEADER, *rows), file_name="week.csv")
    school_evaluate(school=nz_roster, as_of=TODAY)
    event = ThresholdEvent.objects.get(threshold="amp5")
    assert str(event.reached_on) == "2026-10-16"

    school_evaluate(school=nz_roster, as_of=TODAY)
    assert ThresholdEvent.objects.count() == 1  # re-evaluating never duplicates

    import_register(
        csv_bytes(REGISTER_HEADER, "NZ-1,100000001,2026-10-16,PM,P"), file_name="fix.csv"
    )
    school_evaluate(school=nz_roster, as_of=TODAY)
    event.refresh_from_db()
    assert event.status == ThresholdEvent.Status.WITHDRAWN
    assert event.withdrawn_at is not None
