"""A transferred case's history: who wrote it at the previous provider, and its letters.

A letter row that names its step on the ladder (in `kind`) and the caregiver it went
to (`given_name`, `family_name`: a person row of the same case) counts on the ladder,
so the service's next letter follows on from the previous provider's.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stepwise.cases.models import Case, LogEntry
from stepwise.cases.transfers import import_transfers
from stepwise.letters.cases.selectors import case_ladder
from tests.conftest import confirmed_device
from tests.front.conftest import TODAY
from tests.referrals.test_browser import sign_in

from .test_transfers import HEAD, row

CASE = [
    row(record="case", case_ref="PP-1", reason="not_enrolled", status="active",
        opened_on="2026-06-01", notes="Moved into the area."),
    row(record="person", case_ref="PP-1", role="child", given_name="Mere",
        family_name="Tautahi", birth_date="2013-05-14"),
    row(record="person", case_ref="PP-1", role="caregiver", given_name="Hine",
        family_name="Tautahi", relationship="Mother", lives_with_student="yes",
        parental_responsibility="yes", address="12 Rimu Street, Town"),
    row(record="note", case_ref="PP-1", happened_on="2026-07-01", kind="home_visit",
        outcome="refused", notes="Declined to discuss enrolment.", recorded_by="J. Smith"),
    row(record="letter", case_ref="PP-1", happened_on="2026-07-20", kind="1",
        given_name="Hine", family_name="Tautahi", recorded_by="J. Smith",
        notes="Letter 1 (non-enrolment) to Hine Tautahi"),
    row(record="note", case_ref="PP-1", happened_on="2026-08-10", kind="phone",
        outcome="no_answer", notes="Rang; no answer.", recorded_by="A. Brown"),
]  # fmt: skip


def imported(service, manager, lines: list[str]) -> Case:
    import_transfers(
        ("\n".join([HEAD, *lines]) + "\n").encode(), file_name="t.csv", service=service,
        by=manager,
    )  # fmt: skip
    return Case.objects.get(transfer_source="PP-1")


def test_the_previous_providers_letter_counts_on_the_ladder(service, manager):
    case = imported(service, manager, CASE)
    letter = case.log.get(kind=LogEntry.Kind.LETTER)
    assert letter.letter_step == 1
    assert [p.full_name for p in letter.people.all()] == ["Hine Tautahi"]
    verdicts = {v.letter.step: v for v in case_ladder(case, TODAY).verdicts}
    # Letter 1 went, then an attempt to engage: letter 3 follows on (letter 2 is optional).
    assert verdicts[3].allowed, verdicts[3].reasons
    assert verdicts[1].again


def test_a_letter_row_without_its_step_is_only_a_warning(service, manager):
    lines = [*CASE[:4], row(record="letter", case_ref="PP-1", happened_on="2026-07-20",
                            notes="Letter 1 (non-enrolment) to the mother")]  # fmt: skip
    case = imported(service, manager, lines)
    verdicts = {v.letter.step: v for v in case_ladder(case, TODAY).verdicts}
    assert not verdicts[3].allowed
    assert any("1 earlier letter on record" in w for w in verdicts[1].warnings)


def test_a_letter_to_someone_not_on_the_case_is_refused_by_line_and_column(login, service, manager):
    from .test_transfers import upload

    lines = [*CASE[:4], row(record="letter", case_ref="PP-1", happened_on="2026-07-20",
                            kind="1", given_name="Rawiri", family_name="Tautahi",
                            notes="Letter 1 to Rawiri")]  # fmt: skip
    lines.append(row(record="letter", case_ref="PP-1", happened_on="2026-07-21", kind="first",
                     notes="Letter 1 again"))  # fmt: skip
    page = upload(login(manager), service, lines).content.decode()
    assert "line 6, column given_name: no person row of case PP-1 is named Rawiri Tautahi" in page
    assert "line 7, column kind: a letter&#x27;s step on the ladder is a number" in page
    assert not Case.objects.exists()


def test_the_log_names_who_wrote_each_entry_at_the_previous_provider(login, service, manager):
    case = imported(service, manager, CASE)
    page = login(manager).get(reverse("case", args=[case.pk])).content.decode()
    assert "by J. Smith at the previous provider (PP-1)" in page
    assert "by A. Brown at the previous provider (PP-1)" in page
    assert "imported " in page and "by Manager Person" in page
    chronology = login(manager).get(reverse("case_chronology", args=[case.pk])).content.decode()
    assert "Recorded by J. Smith at the previous provider (PP-1)" in chronology


@pytest.mark.browser
def test_the_manager_reads_who_wrote_the_history_and_sends_the_next_letter_in_turn(
    transactional_db, live_server, page, service, manager
):
    case = imported(service, manager, CASE)
    sign_in(page, "manager", confirmed_device(manager))
    page.goto(reverse("transferred_cases", args=[service.pk]))
    page.get_by_role("link", name="Mere Tautahi").click()
    letter = page.locator(f"#entry-{case.log.get(kind='letter').pk}")
    expect(letter).to_contain_text("by J. Smith at the previous provider (PP-1)")
    expect(letter).to_contain_text("by Manager Person")
    page.get_by_role("link", name="Send a letter").click()
    ladder = page.locator("#ladder")
    expect(ladder.get_by_role("row", name=re.compile("^Letter 3"))).to_contain_text("May be sent")
