"""A long engagement log is shown a page at a time, newest first, and nothing is lost."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stepwise.cases.models import LogEntry
from stepwise.cases.selectors import (
    LOG_PER_PAGE,
    case_signal,
    corrected_entries,
    effective_log,
    recent_signal,
    signal_and_corrected,
)
from stepwise.cases.services import Upload, log_entry_record

from .conftest import TODAY, at


def entries_on(client, case, page: int) -> list[int]:
    html = client.get(reverse("case", args=[case.pk]), {"page": page}).content.decode()
    return [int(pk) for pk in re.findall(r'id="entry-(\d+)"', html)]


def years_of_calls(case, caseworker, n: int) -> list[LogEntry]:
    """Record a phone call a day for n days before TODAY, the oldest first."""
    return LogEntry.objects.bulk_create(
        [
            LogEntry(
                case=case,
                kind="phone",
                outcome="no_answer",
                notes=f"Call {d}",
                happened_at=at(TODAY - timedelta(days=d)),
                recorded_at=at(TODAY - timedelta(days=d), 11),
                recorded_by=caseworker,
            )
            for d in range(n, 0, -1)
        ]
    )


def test_a_long_log_shows_every_entry_across_its_pages_newest_first(login, caseworker, case):
    years_of_calls(case, caseworker, 2 * LOG_PER_PAGE + 10)
    client = login(caseworker)
    pages = [entries_on(client, case, n) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [LOG_PER_PAGE, LOG_PER_PAGE, 11]
    newest_first = list(case.log.order_by("-happened_at", "-pk").values_list("pk", flat=True))
    assert pages[0] + pages[1] + pages[2] == newest_first
    first = client.get(reverse("case", args=[case.pk])).content.decode()
    assert f"entries 1 to {LOG_PER_PAGE} of {2 * LOG_PER_PAGE + 11}" in first
    assert 'aria-label="Pages of the engagement log"' in first


def test_a_correction_links_to_the_page_of_the_entry_it_corrects(login, caseworker, case):
    calls = years_of_calls(case, caseworker, LOG_PER_PAGE + 10)
    wrong = calls[0]  # the oldest call, on page 2
    correction = log_entry_record(
        case=case,
        by=caseworker,
        kind="phone",
        outcome="engaged",
        happened_at=at(TODAY, 8),
        corrects=wrong,
        notes="She did answer.",
        now=at(TODAY, 18),
    )
    client = login(caseworker)
    first = client.get(reverse("case", args=[case.pk])).content.decode()
    assert f'id="entry-{correction.pk}"' in first
    assert f'href="?page=2#entry-{wrong.pk}"' in first
    second = client.get(reverse("case", args=[case.pk]), {"page": 2}).content.decode()
    assert f'sw-log__entry sw-log__entry--superseded" id="entry-{wrong.pk}"' in second


# (days ago of each unsuccessful call, days ago of the correction's call or None):
# the signal from the window alone is the signal from the whole log.
LOGS = [
    ([1, 2, 3], None),
    ([1, 2, 3], 1),
    ([1, 2, 40, 41, 42], None),
    ([26, 27, 28, 29], None),
    ([], None),
]


@pytest.mark.parametrize(("calls", "corrected"), LOGS)
def test_the_signal_read_from_recent_entries_is_the_whole_logs(caseworker, case, calls, corrected):
    entries = {
        d: log_entry_record(
            case=case,
            by=caseworker,
            kind="phone",
            outcome="no_answer",
            happened_at=at(TODAY - timedelta(days=d)),
            now=at(TODAY, 18),
        )
        for d in calls
    }
    if corrected is not None:
        log_entry_record(
            case=case,
            by=caseworker,
            kind="phone",
            outcome="engaged",
            happened_at=entries[corrected].happened_at,
            corrects=entries[corrected],
            notes="They answered.",
            now=at(TODAY, 18),
        )
    whole = case_signal(case, effective_log(case), TODAY)
    assert recent_signal(case, corrected_entries(case), TODAY) == whole
    assert signal_and_corrected(case, TODAY) == (whole, corrected_entries(case))


def test_a_new_entry_shows_at_once_though_the_log_page_is_cached(login, caseworker, case):
    client = login(caseworker)
    url = reverse("case", args=[case.pk])
    assert "Rang the school" not in client.get(url).content.decode()
    log_entry_record(
        case=case,
        by=caseworker,
        kind="phone",
        outcome="engaged",
        notes="Rang the school.",
        happened_at=timezone.now(),
    )
    assert "Rang the school" in client.get(url).content.decode()


def test_the_case_page_reads_as_much_for_a_full_page_of_the_log_as_for_one_entry(
    login, caseworker, case, django_assert_num_queries
):
    # Each entry with a person and an attachment: none of them costs a read of its own.
    # The rendered log is forgotten before each count, so both render it. The calls are
    # answered: unanswered ones would show the not-engaging banner on the second page
    # only, with its own reads of the letters for the next step.
    child = case.people.get(role="child")
    client = login(caseworker)
    url = reverse("case", args=[case.pk])

    def record(n: int) -> None:
        for i in range(n):
            log_entry_record(
                case=case,
                by=caseworker,
                kind="phone",
                outcome="engaged",
                people=[child],
                uploads=[Upload(f"note-{i}.txt", "text/plain", b"rang")],
                happened_at=at(TODAY, 12),  # after the referral's entries: page 1 is these
            )

    record(1)
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    reads = len(one.captured_queries)  # before the next request clears Django's query log
    record(LOG_PER_PAGE)
    cache.clear()
    with django_assert_num_queries(reads):
        page = client.get(url).content.decode()
    assert page.count(">note-") == LOG_PER_PAGE
