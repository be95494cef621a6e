"""Hypothesis feeds the parsers arbitrary bytes: each refuses what it cannot read, never crashes.

The CSV importers (register, roster, caregivers), the OneRoster reader and the Ed-Fi
reader may answer only with their own refusal (ImportRejected, FormatRejected) or a
result; any other exception is a bug. Inputs are raw bytes, and files that start with
the right header and go on with arbitrary fields, so the row checks are reached too.
"""

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stepwise.api.formats import FormatRejected, parse_edfi_events, parse_oneroster
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.caregivers import HEADER as CAREGIVER_HEADER
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.register import HEADER as REGISTER_HEADER
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import HEADER as ROSTER_HEADER
from stepwise.register.importers.roster import import_roster
from tests.conftest import FUZZ_PROPERTIES

FUZZ_PROPERTY = "parser_fuzz_inputs"
assert FUZZ_PROPERTY in FUZZ_PROPERTIES
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)

# A field: anything, or something near what the importers expect.
FIELD = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["NZ-1", "100000001", "2026-10-12", "2026-10-17", "AM", "PM", "P", "T",
                     "9", "yes", "", " ", '"', "\x00", "２０２６-10-12", "²"]),
)  # fmt: skip


def csv_with_header(header: tuple[str, ...]):
    """Files with the right header, then rows of arbitrary fields (any number of them)."""
    row = st.lists(FIELD, min_size=0, max_size=len(header) + 1)
    return st.lists(row, max_size=6).map(
        lambda rows: (
            ",".join(header) + "\n" + "\n".join(",".join(fields) for fields in rows)
        ).encode("utf-8", "surrogatepass")
    )


def any_bytes_or(header: tuple[str, ...]):
    return st.one_of(st.binary(max_size=300), csv_with_header(header))


def importer_survives(importer, data: bytes) -> None:
    try:
        importer(data, file_name="fuzz.csv")
    except ImportRejected as e:
        assert e.problems, "a refusal must say what is wrong"
        assert all(isinstance(p.message, str) and p.message for p in e.problems)


def test_the_register_importer_refuses_or_reads_any_bytes(nz_roster, record_property):
    @FAST
    @given(any_bytes_or(REGISTER_HEADER))
    # A NUL byte quoted in the refusal crashed PostgreSQL's insert of the rejected run.
    @example(b"\x00\n")
    def run(data: bytes) -> None:
        record_property(FUZZ_PROPERTY, 1)
        importer_survives(import_register, data)

    run()


def test_the_roster_importer_refuses_or_reads_any_bytes(nz_roster, record_property):
    @FAST
    @given(any_bytes_or(ROSTER_HEADER))
    # A year level of "²" passed str.isdigit() and then crashed int().
    @example((",".join(ROSTER_HEADER) + "\nNZ-1,1,A,B,2012-01-01,²,2026-01-28,\n").encode())
    def run(data: bytes) -> None:
        record_property(FUZZ_PROPERTY, 1)
        importer_survives(import_roster, data)

    run()


def test_the_caregiver_importer_refuses_or_reads_any_bytes(nz_roster, record_property):
    @FAST
    @given(any_bytes_or(CAREGIVER_HEADER))
    def run(data: bytes) -> None:
        record_property(FUZZ_PROPERTY, 1)
        importer_survives(import_caregivers, data)

    run()


EDFI_KEYS = st.sampled_from(
    ["schoolReference", "studentReference", "schoolId", "studentUniqueId", "eventDate",
     "attendanceEventCategoryDescriptor", "_ext", "stepwise", "session"]
)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | FIELD,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | EDFI_KEYS, inner, max_size=5)
    ),
    max_leaves=20,
)


def test_the_ed_fi_reader_refuses_or_reads_any_bytes(record_property):
    @FAST
    @given(st.one_of(st.binary(max_size=300), JSON.map(lambda v: json.dumps(v).encode())))
    @example(b"[" * 100_000)  # deeper than Python's recursion limit
    @example(b'[{"_ext": {"stepwise": {"session": ["AM"]}}}]')
    def run(data: bytes) -> None:
        record_property(FUZZ_PROPERTY, 1)
        try:
            events = parse_edfi_events(data)
        except FormatRejected as e:
            assert e.errors and all(err.message for err in e.errors)
        else:
            assert all(e.sessions and e.student_id and e.descriptor for e in events)

    run()


ONEROSTER_FILE = st.one_of(
    st.binary(max_size=200),
    st.lists(st.lists(FIELD, max_size=8), max_size=5).map(
        lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8", "surrogatepass")
    ),
    st.sampled_from([b"sourcedId,name,type,identifier\no1,K,school,NZ-1\n"]),
)


FILE_NAMES = st.sampled_from(["orgs.csv", "users.csv", "enrollments.csv", "demographics.csv"])


def test_the_oneroster_reader_refuses_or_reads_any_files(record_property):
    @FAST
    @given(st.dictionaries(FILE_NAMES, ONEROSTER_FILE))
    def run(files: dict[str, bytes]) -> None:
        record_property(FUZZ_PROPERTY, 1)
        try:
            parse_oneroster(files, school_ids={"NZ-1"})
        except FormatRejected as e:
            assert e.errors and all(err.message for err in e.errors)

    run()
