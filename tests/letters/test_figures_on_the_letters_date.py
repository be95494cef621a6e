"""Every figure in a letter is as at the letter's date, from the school calendar.

Aroha Ngata is absent every school day of Term 4 2026 (from 12 October): as at
19 October she had missed 6 of 6 school days; as at 20 November, 29 of 29.
"""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from stepwise.cases.models import Case, Person
from stepwise.cases.services import log_entry_record, referral_accept
from stepwise.letters.cases.services import letter_issue
from stepwise.letters.models import Letter
from stepwise.letters.sending import About, Figures, Recipient, values_for
from stepwise.referrals.models import Referral
from stepwise.rules.pack import load_pack
from stepwise.schools.models import Enrolment
from tests.front.conftest import TODAY

from .conftest import RAWIRI_ADDRESS, at
from .demo import SENDER

OPENED = date(2026, 10, 14)
BACKDATED = date(2026, 10, 19)


def opened_on(referral, manager, caseworker, day: date) -> Case:
    case = referral_accept(referral=referral, by=manager, assign_to=caseworker, now=at(day, 9))
    Person.objects.filter(case=case, given_name="Rawiri").update(address=RAWIRI_ADDRESS)
    return case


def letter_form(sent_on: date, action: str, **extra) -> dict[str, str]:
    return {
        "action": action,
        "days_missed": "29",  # as the page prefilled them when it opened today
        "days_possible": "29",
        "figures_on": timezone.localdate().isoformat(),
        "sent_on": sent_on.isoformat(),
        "method": "post",
        "reason": "no answer to three calls",
        **extra,
    }


def test_a_backdated_letter_prints_the_figures_as_at_its_date(
    referral, manager, caseworker, login, sender
):
    case = opened_on(referral, manager, caseworker, OPENED)
    client = login(caseworker)
    url = reverse("letter_issue", args=[case.pk, "chronic_absence_1"])
    preview = client.post(url, letter_form(BACKDATED, "preview")).content.decode()
    assert "Aroha has missed 6 of 6 school days this term" in preview
    assert "29 of 29" not in preview
    # Sending with the figures of another day is refused: the sender sees the new ones first.
    stale = client.post(url, letter_form(BACKDATED, "send"))
    assert stale.status_code == 400
    assert (
        "The date on the letter changed: these are the figures as at 19 October 2026. "
        "Check them, then send" in stale.content.decode()
    )
    assert not Letter.objects.exists()
    fresh = letter_form(BACKDATED, "send", days_missed="6", days_possible="6")
    sent = client.post(url, {**fresh, "figures_on": BACKDATED.isoformat()})
    assert sent.status_code == 302
    assert set(Letter.objects.values_list("sent_on", flat=True)) == {BACKDATED}


def test_the_letter_page_opens_with_todays_figures(case, caseworker, login, sender):
    page = login(caseworker).get(reverse("letter_issue", args=[case.pk, "chronic_absence_1"]))
    assert "Aroha has missed 29 of 29 school days this term" in page.content.decode()


def nz_values(since: date, sent_on: date) -> dict[str, str]:
    return values_for(
        about=About("Aroha", "Aroha Ngata", "", "C2026-00001"),
        pack=load_pack("nz"),
        recipient=Recipient("1", "Hine Ngata", "", "", "", True, None),
        sender=SENDER,
        contact_name="Sam Walker",
        figures=Figures(not_enrolled_since=since),
        inputs={},
        sent_on=sent_on,
    )


def test_a_non_enrolment_letter_counts_school_days_not_holidays():
    # 3 August to 20 November 2026: 80 weekdays, of which the school holidays (28 September
    # to 9 October) and Labour Day are no school days: Term 3 gives 40, Term 4 29.
    values = nz_values(date(2026, 8, 3), date(2026, 11, 20))
    assert values["days_missed"] == "69"
    assert values["not_enrolled_since"] == "3 August 2026"


def test_a_non_enrolment_letter_during_the_holidays_counts_the_school_days_before_them():
    assert nz_values(date(2026, 9, 21), date(2026, 10, 5))["days_missed"] == "5"


@pytest.fixture
def not_enrolled(referral, manager, caseworker, students) -> Case:
    """Aroha's case as a child not enrolled anywhere: her enrolment ended on 2 August 2026."""
    Referral.objects.filter(pk=referral.pk).update(reason=Referral.Reason.NOT_ENROLLED)
    referral.refresh_from_db()
    Enrolment.objects.filter(student=students["Aroha"]).update(enrolled_to=date(2026, 8, 2))
    return opened_on(referral, manager, caseworker, OPENED)


def issue_non_enrolment(case, by, key, since: date) -> list[Letter]:
    return letter_issue(
        case=case,
        letter_key=key,
        by=by,
        sent_on=TODAY,
        method="post",
        reason="no answer at the door",
        figures=Figures(not_enrolled_since=since),
        override_reason="The family moved; the letter goes now.",
        now=at(TODAY, 14),
    )


def test_the_not_enrolled_since_date_stays_fixed_between_letters_of_a_case(
    not_enrolled, caseworker, students, login, sender
):
    issue_non_enrolment(not_enrolled, caseworker, "non_enrolment_1", date(2026, 8, 3))
    not_enrolled.refresh_from_db()
    assert not_enrolled.not_enrolled_since == date(2026, 8, 3)
    # The school's record of her enrolment changes later: the case's date does not.
    Enrolment.objects.filter(student=students["Aroha"]).update(enrolled_to=date(2026, 9, 10))
    page = login(caseworker).get(reverse("letter_issue", args=[not_enrolled.pk, "non_enrolment_2"]))
    text = page.content.decode()
    assert "has not been enrolled at a school since 3 August 2026" in text
    assert "11 September 2026" not in text
    with pytest.raises(ValidationError, match="not enrolled at a school since 3 August 2026"):
        issue_non_enrolment(not_enrolled, caseworker, "non_enrolment_2", date(2026, 9, 11))


def test_a_letter_dated_before_the_case_was_opened_is_refused(
    referral, manager, caseworker, sender
):
    case = opened_on(referral, manager, caseworker, OPENED)
    with pytest.raises(ValidationError, match="The case was opened on 14 October 2026"):
        letter_issue(
            case=case,
            letter_key="chronic_absence_1",
            by=caseworker,
            sent_on=date(2026, 10, 13),
            method="post",
            reason="no answer",
            figures=Figures(),
            now=at(TODAY, 14),
        )
    assert not Letter.objects.exists()


def test_a_log_entry_dated_before_the_case_was_opened_is_refused(referral, manager, caseworker):
    case = opened_on(referral, manager, caseworker, OPENED)
    day_before = timezone.make_aware(datetime.combine(date(2026, 10, 13), time(15)))
    with pytest.raises(ValidationError, match="The case was opened on 14 October 2026"):
        log_entry_record(case=case, by=caseworker, kind="phone", outcome="no_answer",
                         happened_at=day_before)  # fmt: skip
    assert not case.log.filter(kind="phone").exists()
    on_the_day = timezone.make_aware(datetime.combine(OPENED, time(8)))
    log_entry_record(case=case, by=caseworker, kind="phone", outcome="no_answer",
                     happened_at=on_the_day)  # fmt: skip
    assert case.log.filter(kind="phone").count() == 1
