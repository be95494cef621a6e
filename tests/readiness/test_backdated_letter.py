"""A letter dated in the past: the page and the send judge it by the ladder on that date.

Aroha's case (tests/readiness) had letter 1 thirty days ago and a call ten days after
it: letter 3 may go today. Dated twenty-five days ago it came five days after letter 1,
before any attempt to engage since: the ladder refuses it on that date, says why, and
asks for a reason to send it anyway.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stepwise.letters.models import Letter
from stepwise.letters.render import long_date
from tests.conftest import confirmed_device
from tests.referrals.test_browser import sign_in

from .conftest import ago, attempt, send

URL_KEY = "chronic_absence_3"


def form(day, **extra) -> dict[str, str]:
    return {
        "action": "preview",
        "days_missed": "29",
        "days_possible": "29",
        "sent_on": day.isoformat(),
        "method": "post",
        "reason": "no answer to three calls",
        **extra,
    }


def test_a_backdated_letter_shows_and_asks_for_what_the_ladder_says_on_its_date(
    login, case, caseworker, sender
):
    send(case, caseworker, 1, 30)
    attempt(case, caseworker, 20)
    client = login(caseworker)
    url = reverse("letter_issue", args=[case.pk, URL_KEY])
    today = client.get(url).content.decode()
    assert "This letter may be sent now." in today
    assert 'name="override_reason"' not in today

    # The preview at the chosen date says what the ladder says then, with the field to override.
    page = client.post(url, form(ago(25))).content.decode()
    assert "This letter should not be sent on " in page
    assert "leave at least 14 days between letters" in page
    assert "No attempt to engage has been recorded since letter 1" in page
    assert 'name="override_reason"' in page

    # Sent without a reason: refused on the override field, naming why.
    refused = client.post(url, form(ago(25), action="send"))
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="id_override_reason-error"' in html
    assert "The ladder refuses this letter on " in html
    assert not Letter.objects.filter(step=3).exists()

    sent = client.post(
        url, form(ago(25), action="send", override_reason="Posted late, dated as written")
    )
    assert sent.status_code == 302
    letters = Letter.objects.filter(step=3)
    assert letters.count() == 2
    assert "leave at least 14 days between letters" in letters[0].refused_because


def test_a_letter_the_ladder_allows_on_its_date_goes_without_an_override(
    login, case, caseworker, sender
):
    send(case, caseworker, 1, 30)
    attempt(case, caseworker, 20)
    client = login(caseworker)
    url = reverse("letter_issue", args=[case.pk, URL_KEY])
    sent = client.post(url, form(ago(10), action="send"))
    assert sent.status_code == 302
    assert Letter.objects.filter(step=3, sent_on=ago(10)).count() == 2


@pytest.mark.browser
def test_the_caseworker_sees_why_a_backdated_letter_is_refused_and_sends_it_with_a_reason(
    transactional_db, live_server, page, case, caseworker, sender
):
    send(case, caseworker, 1, 30)
    attempt(case, caseworker, 20)
    sign_in(page, "caseworker", confirmed_device(caseworker))
    page.goto(reverse("letter_issue", args=[case.pk, URL_KEY]))
    expect(page.locator("#verdict")).to_have_text("This letter may be sent now.")

    page.get_by_label("Date on the letter").fill(ago(25).isoformat())
    page.get_by_label("Post").check()
    page.get_by_label("Why are you sending this letter?").fill("no answer to three calls")
    page.get_by_role("button", name="Update the preview").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text(f"This letter should not be sent on {long_date(ago(25))}")
    expect(verdict).to_contain_text("leave at least 14 days between letters")

    page.get_by_role("button", name="Send letter 3").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(f"The ladder refuses this letter on {long_date(ago(25))}")
    expect(summary).to_contain_text("No attempt to engage has been recorded since letter 1")
    override = page.get_by_label(
        f"This letter is refused on {long_date(ago(25))}. To send it anyway, say why"
    )
    override.fill("Posted late: dated as written on the day")
    page.get_by_role("button", name="Send letter 3").click()
    expect(page.get_by_text("Letter 3 sent to Hine Ngata, Rawiri Ngata.")).to_be_visible()
    assert Letter.objects.filter(step=3, sent_on=ago(25)).count() == 2
