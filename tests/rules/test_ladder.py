"""The letter ladder: which letter may go now, and why not (pure, no Django)."""

from datetime import date, timedelta

import pytest

from stepwise.rules.ladder import History, Recipient, Sent, ladder, referral_gaps, verdict
from stepwise.rules.pack import load_pack

TODAY = date(2026, 11, 20)
NZ = load_pack("nz").letters
CHRONIC = NZ.set_for("chronic_absence")
ENGLAND = load_pack("england").letters.set_for("chronic_absence")
MUM = Recipient("1", "Mere Ngata")
DAD = Recipient("2", "Tom Ngata")
BOTH = (MUM, DAD)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def history(sent=(), attempts=(), recipients=BOTH, **extra) -> History:
    return History(
        sent=tuple(Sent(step, ago(days), to) for step, days, to in sent),
        attempts=tuple(ago(d) for d in attempts),
        recipients=recipients,
        today=TODAY,
        **extra,
    )


def to_both(step: int, days: int) -> list[tuple[int, int, str]]:
    return [(step, days, "1"), (step, days, "2")]


# Each case: (NZ chronic-absence letter step, letters sent as (step, days ago, to whom),
# attempts to engage as days ago, preconditions confirmed, may it go?, words in a reason).
CASES = [
    # Letter 1 comes first.
    (1, [], [], (), True, ""),
    (3, [], [], (), False, "Letter 1 has not been sent to Mere Ngata"),
    (2, [], [], (), False, "Letter 1 has not been sent to Tom Ngata"),
    # Letter 2 may be skipped: letter 3 needs only letter 1, a gap and an attempt since.
    (3, to_both(1, 30), [10], (), True, ""),
    # ... but letter 1 to one parent only is not enough.
    (3, [(1, 30, "1")], [10], (), False, "Letter 1 has not been sent to Tom Ngata"),
    # A minimum gap since the last letter to each person.
    (3, to_both(1, 5), [2], (), False, "leave at least 14 days between letters"),
    (3, [*to_both(1, 40), (2, 3, "2")], [1], (), False, "Letter 2 went to Tom Ngata"),
    # An attempt to engage recorded after the last letter.
    (3, to_both(1, 30), [], (), False, "No attempt to engage has been recorded since letter 1"),
    (3, to_both(1, 30), [30, 31], (), False, "No attempt to engage"),
    (2, to_both(1, 30), [29], (), True, ""),
    # Any letter may be sent again, under the same rules between letters.
    (1, to_both(1, 30), [10], (), True, ""),
    (1, to_both(1, 3), [1], (), False, "leave at least 14 days"),
    # Letter 4 goes when the case is referred: at once, but only after letter 3.
    (4, [*to_both(1, 60), *to_both(3, 1)], [], ("referred",), True, ""),
    (4, [*to_both(1, 60), *to_both(3, 1)], [], (), False, "Not confirmed: The case has been"),
    (4, to_both(1, 60), [5], ("referred",), False, "Letter 3 has not been sent to Mere"),
]


@pytest.mark.parametrize(("step", "sent", "attempts", "confirmed", "allowed", "why"), CASES)
def test_the_ladder_says_which_letter_may_go_and_why_not(
    step, sent, attempts, confirmed, allowed, why
):
    letter = CHRONIC.letters[step - 1]
    found = verdict(CHRONIC, letter, history(sent, attempts, confirmed=frozenset(confirmed)))
    assert found.allowed is allowed, found.reasons
    if why:
        assert any(why in reason for reason in found.reasons), found.reasons
    else:
        assert found.reasons == ()


def test_the_gap_is_said_in_days():
    found = verdict(CHRONIC, CHRONIC.letters[1], history([(1, 0, "1"), (1, 5, "2")], [1]))
    assert found.reasons[:2] == (
        "Letter 1 went to Mere Ngata on 20 November 2026, today: leave at least 14 days "
        "between letters.",
        "No attempt to engage has been recorded since letter 1 went to Mere Ngata on "
        "20 November 2026.",
    )
    assert found.reasons[2].startswith("Letter 1 went to Tom Ngata on 15 November 2026, 5 days ago")


def test_a_letter_sent_again_says_so():
    found = verdict(CHRONIC, CHRONIC.letters[0], history(to_both(1, 30), [10]))
    assert found.allowed and found.again
    assert "Letter 1 already went to Mere Ngata on 21 October 2026" in found.warnings[0]


def test_no_caregiver_means_no_letter():
    found = verdict(CHRONIC, CHRONIC.letters[0], history(recipients=()))
    assert not found.allowed
    assert found.reasons == ("No caregiver with parental responsibility is recorded.",)


def test_exploring_another_pathway_warns_but_does_not_refuse():
    warning = load_pack("nz").engagement.pathway_warning
    found = verdict(CHRONIC, CHRONIC.letters[0], history(exploring_pathway=warning))
    assert found.allowed
    assert found.warnings == (warning,)


def test_letters_from_the_school_or_a_previous_provider_warn():
    found = verdict(
        CHRONIC,
        CHRONIC.letters[0],
        history(earlier_elsewhere=2, earlier_warning=NZ.earlier_letters_warning),
    )
    assert found.allowed
    assert found.warnings[0].startswith("2 earlier letters on record. The school or a previous")


def test_the_whole_ladder_is_judged_step_by_step():
    found = ladder(CHRONIC, history(to_both(1, 30), [10]))
    assert [(v.letter.step, v.allowed) for v in found] == [
        (1, True),
        (2, True),
        (3, True),
        (4, False),
    ]


# Each case: (letters sent as (step, days ago, to whom), who still lacks letter 3).
REFERRAL_CASES = [
    ([], ["Mere Ngata", "Tom Ngata"]),
    ([(3, 5, "1")], ["Tom Ngata"]),
    ([(3, 5, "1"), (3, 90, "2")], []),
    ([(1, 5, "1"), (2, 5, "2")], ["Mere Ngata", "Tom Ngata"]),
]


@pytest.mark.parametrize(("sent", "missing"), REFERRAL_CASES)
def test_letter_three_is_required_to_every_caregiver_before_a_referral(sent, missing):
    gaps = referral_gaps(CHRONIC, sent=history(sent).sent, recipients=BOTH)
    assert len(gaps) == len(missing)
    for gap, name in zip(gaps, missing, strict=True):
        assert gap.startswith(f"Letter 3 has not been sent to {name}")
        assert "before a referral to the Ministry Prosecutions team" in gap


# Each case: (England letter key, letters sent, attempts, confirmed, may it go?).
ENGLAND_CASES = [
    ("concern", [], [], (), True),
    # Medical evidence only where the school doubts the illness.
    ("medical_evidence", to_both(1, 30), [10], (), False),
    ("medical_evidence", to_both(1, 30), [10], ("illness_doubted",), True),
    # The medical-evidence letter is optional: the meeting invitation needs only letter 1.
    ("formal_meeting", to_both(1, 30), [10], (), True),
    ("statutory_referral", to_both(1, 30), [10], ("referred",), False),
    ("statutory_referral", [*to_both(1, 60), *to_both(3, 2)], [], ("referred",), True),
]


@pytest.mark.parametrize(("key", "sent", "attempts", "confirmed", "allowed"), ENGLAND_CASES)
def test_englands_school_letters_follow_the_same_ladder(key, sent, attempts, confirmed, allowed):
    found = verdict(
        ENGLAND, ENGLAND.letter(key), history(sent, attempts, confirmed=frozenset(confirmed))
    )
    assert found.allowed is allowed, found.reasons


# Each case: (days since the meeting invitation went to each parent, who is flagged).
KENT_RECENT = [
    ((10, 10), []),
    ((179, 30), []),
    ((181, 30), ["Mere Ngata"]),
    ((400, 200), ["Mere Ngata", "Tom Ngata"]),
]


@pytest.mark.parametrize(("days", "flagged"), KENT_RECENT)
def test_kent_needs_recent_letters_before_a_referral(days, flagged):
    kent = load_pack("kent").letters
    sent = history([(3, days[0], "1"), (3, days[1], "2")]).sent
    gaps = referral_gaps(
        kent.set_for("chronic_absence"),
        sent=sent,
        recipients=BOTH,
        today=TODAY,
        recent_within_days=kent.recent_within_days,
    )
    assert [g.split(" on ")[0].removeprefix("Letter 3 went to ") for g in gaps] == flagged
    for gap in gaps:
        assert "more than 180 days ago: send it again" in gap
        assert "a request for statutory attendance intervention needs recent letters" in gap


def test_only_kent_asks_for_recent_letters():
    assert load_pack("kent").letters.recent_within_days == 180
    assert load_pack("england").letters.recent_within_days == 0
    assert load_pack("nz").letters.recent_within_days == 0
