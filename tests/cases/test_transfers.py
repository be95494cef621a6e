"""Cases transferred with their history: imported whole or not at all, once."""

from django.urls import reverse

from stepwise.cases.models import Case, LogEntry
from stepwise.cases.transfers import HEADER

HEAD = ",".join(HEADER)
BLANK = [""] * len(HEADER)


def row(**values: str) -> str:
    fields = dict(zip(HEADER, BLANK, strict=True)) | values
    return ",".join(f'"{v}"' if "," in v else v for v in fields.values())


GOOD = [
    row(
        record="case",
        case_ref="PP-1",
        reason="not_enrolled",
        status="active",
        opened_on="2026-06-01",
        school="Tōtara School",
        notes="Moved into the area.",
    ),
    row(
        record="person",
        case_ref="PP-1",
        role="child",
        given_name="Mere",
        family_name="Tautahi",
        birth_date="2013-05-14",
    ),
    row(
        record="person",
        case_ref="PP-1",
        role="caregiver",
        given_name="Hine",
        family_name="Tautahi",
        relationship="Mother",
        lives_with_student="yes",
        parental_responsibility="yes",
        address="12 Rimu Street, Town",
    ),
    row(
        record="note",
        case_ref="PP-1",
        happened_on="2026-07-01",
        kind="home_visit",
        outcome="refused",
        notes="Declined to discuss enrolment.",
        recorded_by="J. Smith",
    ),
    row(
        record="letter",
        case_ref="PP-1",
        happened_on="2026-07-20",
        notes="Letter 1 (non-enrolment) to Hine Tautahi",
    ),
    row(
        record="case",
        case_ref="PP-2",
        reason="chronic_absence",
        status="on_hold",
        opened_on="2026-08-01",
    ),
    row(record="person", case_ref="PP-2", role="child", given_name="Tom", family_name="Walker"),
    row(record="note", case_ref="PP-2", happened_on="2026-08-02", kind="phone", outcome="engaged"),
]


def upload(client, service, lines: list[str], name="transfer.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = ("\n".join([HEAD, *lines]) + "\n").encode()
    return client.post(
        reverse("transfer_import", args=[service.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_a_manager_imports_transferred_cases_and_reviews_them(login, service, manager):
    client = login(manager)
    response = upload(client, service, GOOD)
    assert response.status_code == 302
    assert Case.objects.filter(origin="transferred").count() == 2
    mere = Case.objects.get(transfer_source="PP-1")
    assert [p.full_name for p in mere.people.all()] == ["Hine Tautahi", "Mere Tautahi"]
    kinds = list(mere.log.order_by("happened_at").values_list("kind", "outcome", "transferred"))
    assert kinds == [("home_visit", "refused", True), ("letter", "", True)]
    review = client.get(reverse("transferred_cases", args=[service.pk])).content.decode()
    # Mere's history holds a refusal and a letter; Tom's neither, so only Mere is listed.
    assert "Mere Tautahi" in review and "Tom Walker" not in review
    assert "Refusal to engage" in review and "Letters sent" in review


def test_importing_the_same_file_again_changes_nothing(login, service, manager):
    client = login(manager)
    upload(client, service, GOOD)
    entries = LogEntry.objects.count()
    response = upload(client, service, GOOD)
    assert response.status_code == 302
    assert Case.objects.count() == 2 and LogEntry.objects.count() == entries


def test_a_file_with_bad_rows_is_rejected_whole_with_row_level_messages(login, service, manager):
    bad = [
        *GOOD,
        row(
            record="case", case_ref="PP-3", reason="truancy", status="open", opened_on="01/02/2026"
        ),
        row(record="person", case_ref="PP-3", role="child", given_name="", family_name="X"),
        row(record="note", case_ref="PP-9", happened_on="2026-07-01", kind="phone"),
        row(
            record="note",
            case_ref="PP-1",
            happened_on="2026-07-01",
            kind="carrier_pigeon",
            outcome="maybe",
        ),
        row(record="memo", case_ref="PP-1"),
        row(
            record="person",
            case_ref="PP-1",
            role="caregiver",
            given_name="A",
            family_name="B",
            lives_with_student="sometimes",
        ),
    ]
    response = upload(login(manager), service, bad)
    assert response.status_code == 200
    page = response.content.decode()
    expected = [
        "The file was not imported; nothing was changed",
        "line 10, column reason: must be one of chronic_absence, not_enrolled",
        "line 10, column opened_on: &#x27;01/02/2026&#x27; is not a date as YYYY-MM-DD",
        "line 11, column given_name: enter the person&#x27;s given name",
        "line 12, column case_ref: no case row for PP-9 in this file",
        "line 13, column kind: must be one of",
        "line 13, column outcome: must be blank or one of",
        "line 14, column record: must be one of case, person, note, letter",
        "line 15, column lives_with_student: must be yes or no",
        "line 10, column case_ref: case PP-3 needs exactly one person row with role child, has 0",
    ]
    for message in expected:
        assert message in page, message
    assert not Case.objects.exists() and not LogEntry.objects.exists()


def test_a_case_imported_before_is_not_imported_twice_from_another_file(login, service, manager):
    client = login(manager)
    upload(client, service, GOOD)
    response = upload(
        client,
        service,
        [
            *GOOD,
            row(
                record="case",
                case_ref="PP-7",
                reason="not_enrolled",
                status="open",
                opened_on="2026-01-01",
            ),
        ],
    )
    page = response.content.decode()
    assert "line 2, column case_ref: case PP-1 was imported from an earlier file" in page
    assert Case.objects.count() == 2


def test_a_caseworker_may_not_import(login, service, caseworker):
    assert upload(login(caseworker), service, GOOD).status_code == 403
    assert not Case.objects.exists()


def test_a_name_too_long_to_keep_is_refused_naming_the_row(login, service, manager):
    lines = [*GOOD[:2], row(record="person", case_ref="PP-1", role="caregiver",
                            given_name="A" * 5000, family_name="Tautahi")]  # fmt: skip
    response = upload(login(manager), service, lines)
    assert response.status_code == 200
    assert (
        "transfer.csv, line 4, column given_name: must be 100 characters or fewer (it is 5,000)"
        in response.content.decode()
    )
    assert not Case.objects.exists()


def many_cases(n: int) -> list[str]:
    """Return the rows of n transferred cases, each with its child and one earlier contact."""
    return [
        line
        for i in range(n)
        for line in (
            row(record="case", case_ref=f"PP-{i}", reason="not_enrolled", status="active",
                opened_on="2026-06-01", school="Tōtara School"),
            row(record="person", case_ref=f"PP-{i}", role="child", given_name="Mere",
                family_name=f"Tautahi {i}"),
            row(record="note", case_ref=f"PP-{i}", happened_on="2026-07-01", kind="phone",
                outcome="refused"),
        )
    ]  # fmt: skip


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(login, service, manager, settings):
    settings.UPLOAD_TRANSFERS_MAX_BYTES = 20_000
    response = upload(login(manager), service, many_cases(200), name="everything.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert "everything.csv is 36 KB: a transferred-cases file may be at most 20 KB" in page
    assert "Split it into smaller files" in page
    assert not Case.objects.exists()


def test_a_big_file_is_written_in_batches_of_bounded_queries(login, service, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = upload(login(manager), service, many_cases(1500))
    assert response.status_code == 302
    assert Case.objects.filter(service=service).count() == 1500
    assert LogEntry.objects.filter(case__service=service, transferred=True).count() == 1500
    # Not a query or three per case (minutes for a big file), nor one with a parameter per
    # case (PostgreSQL takes at most 65,535): a few per batch of cases.
    assert len(queries) < 100, len(queries)
    references = sorted(Case.objects.values_list("reference", flat=True))
    assert references[0] == "C2026-00001" and references[-1] == "C2026-01500"
    mere = Case.objects.get(transfer_source="PP-7")
    assert mere.people.get().family_name == "Tautahi 7" and mere.last_contact_at is not None
