"""Register files are read the same whichever way they are split: plain, quoted, CRLF, odd."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepwise.register.csvfile import (
    ImportRejected,
    Problems,
    _columns_row_by_row,
    open_reader,
    read_columns,
)
from stepwise.register.importers.register import HEADER, import_register
from stepwise.register.models import RegisterTerm
from stepwise.schools.models import Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.services import terms_evaluate
from tests.conftest import REGISTER_HEADER, TODAY, csv_bytes

ROWS = [
    "NZ-1,100000001,2026-10-12,AM,P",
    "NZ-1,100000001,2026-10-12,PM,M",
    "NZ-1,100000002,2026-10-12,AM,?",
]


def stored() -> dict[str, bytes]:
    rows = RegisterTerm.objects.select_related("student")
    return {r.student.national_id: bytes(r.marks) for r in rows}


def quoted(row: str) -> str:
    return ",".join(f'"{field}"' for field in row.split(","))


def as_rows(data: bytes) -> list[tuple[int, list[str]]]:
    columns = read_columns(data, header=HEADER, problems=Problems("x.csv"))
    return [
        (int(line), [columns[h].values[columns[h].index[i]] for h in HEADER])
        for i, line in enumerate(columns.lines)
    ]


# Each case: a name, and the same three rows written another way.
SPELLINGS = [
    ("quoted", csv_bytes(REGISTER_HEADER, *map(quoted, ROWS))),
    ("windows line ends", csv_bytes(REGISTER_HEADER, *ROWS).replace(b"\n", b"\r\n")),
    ("no final line end", csv_bytes(REGISTER_HEADER, *ROWS).rstrip(b"\n")),
    ("blank lines", csv_bytes(REGISTER_HEADER, ROWS[0], "", ROWS[1], " , ", ROWS[2])),
    ("byte order mark", b"\xef\xbb\xbf" + csv_bytes(REGISTER_HEADER, *ROWS)),
]


@pytest.mark.parametrize(("name", "data"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_a_file_stores_the_same_marks_however_it_is_written(nz_roster, name, data):
    import_register(csv_bytes(REGISTER_HEADER, *ROWS), file_name="plain.csv")
    plain = stored()
    RegisterTerm.objects.all().delete()
    result = import_register(data, file_name="other.csv")
    assert result.rows == 3
    assert stored() == plain


def test_quoted_and_plain_files_are_split_alike():
    plain = csv_bytes(REGISTER_HEADER, *ROWS, "NZ-1,1,2")
    assert as_rows(csv_bytes(REGISTER_HEADER, *map(quoted, ROWS), "NZ-1,1,2")) == as_rows(plain)
    assert [line for line, _ in as_rows(plain)] == [2, 3, 4]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            csv_bytes(REGISTER_HEADER, quoted(ROWS[0]), '"NZ-1","100000001","2026-10-12"'),
            "line 3: expected 5 fields, found 3",
        ),
        (
            csv_bytes(REGISTER_HEADER, ROWS[0], f"NZ-1,{'9' * 80},2026-10-12,AM,P"),
            f"line 3, column student_id: '{'9' * 80}' is not on NZ-1's roster",
        ),
    ],
    ids=["quoted file with a short row", "a field too long to split column-wise"],
)
def test_problems_name_the_line_whichever_way_the_file_is_read(nz_roster, data, message):
    with pytest.raises(ImportRejected) as rejected:
        import_register(data, file_name="bad.csv")
    assert message in rejected.value.summary()
    assert not RegisterTerm.objects.exists()


def test_a_row_wrong_in_one_column_is_reported_for_that_column_only(nz_roster):
    data = csv_bytes(REGISTER_HEADER, ROWS[0], "NZ-1,100000001,2026-10-13,XM,P")
    with pytest.raises(ImportRejected) as rejected:
        import_register(data, file_name="bad.csv")
    assert [str(p) for p in rejected.value.problems] == [
        "line 3, column session: 'XM' must be AM or PM"
    ]


def test_a_later_file_adds_a_student_to_a_term_that_has_rows(nz_roster):
    import_register(csv_bytes(REGISTER_HEADER, ROWS[0]), file_name="one.csv")
    before = stored()["100000001"]
    result = import_register(csv_bytes(REGISTER_HEADER, *ROWS), file_name="all.csv")
    assert result.detail == {"new marks": 2, "amended marks": 0}
    assert stored()["100000001"] != before
    assert set(stored()) == {"100000001", "100000002"}
    (rows,) = result.registers.values()
    ids = dict(RegisterTerm.objects.values_list("student_id", "id"))
    assert [ids[s] for s in rows.students.tolist()] == rows.ids.tolist()


def test_evaluating_from_the_imported_rows_matches_reading_them_back(nz_roster):
    days = ["2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16"]
    rows = [f"NZ-1,100000001,{d},{s},T" for d in days for s in ("AM", "PM")]
    result = import_register(csv_bytes(REGISTER_HEADER, *rows, ROWS[2]), file_name="week.csv")
    terms = list(Term.objects.filter(pk__in={t for _, t in result.affected}))
    handed = terms_evaluate(terms=terms, as_of=TODAY, registers=result.registers)
    events = list(ThresholdEvent.objects.values_list("student_id", "threshold", "reached_on"))
    ThresholdEvent.objects.all().delete()
    read_back = terms_evaluate(terms=terms, as_of=TODAY)
    assert handed == read_back and handed.created > 0
    assert sorted(ThresholdEvent.objects.values_list("student_id", "threshold", "reached_on")) == (
        sorted(events)
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=",\n\r aé1-", max_size=60))
def test_the_column_wise_split_agrees_with_the_csv_module(body):
    data = (REGISTER_HEADER + "\n" + body).encode()
    fast, slow = Problems("x.csv"), Problems("x.csv")
    columns = read_columns(data, header=HEADER, problems=fast)
    by_rows = _columns_row_by_row(open_reader(data, header=HEADER, problems=slow), HEADER, slow)
    assert columns.lines.tolist() == by_rows.lines.tolist()
    for name in HEADER:
        assert [columns[name].values[i] for i in columns[name].index] == [
            by_rows[name].values[i] for i in by_rows[name].index
        ]
    assert fast.items == slow.items
