"""The refusal-to-engage signal read from a case's recent contact attempts."""

from datetime import date, timedelta

import pytest

from stepwise.rules.engagement import engagement_signal, next_step_on_ladder
from stepwise.rules.pack import load_pack

TODAY = date(2026, 11, 20)
RULE = load_pack("nz").engagement  # 3 unsuccessful or refused, or 2 refusals, in 28 days


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# Each case: (what the log holds as (days ago, outcome), refusing?).
CASES = [
    ([], False),
    ([(1, "no_answer"), (2, "message_left")], False),
    ([(1, "no_answer"), (2, "message_left"), (3, "not_found")], True),
    ([(1, "refused"), (9, "refused")], True),
    ([(1, "declined_support"), (5, "refused")], True),
    # Outside the window the old failures no longer count.
    ([(1, "no_answer"), (2, "no_answer"), (40, "refused")], False),
    # The family engaged since: only the attempts after that count.
    ([(1, "no_answer"), (2, "no_answer"), (3, "engaged"), (4, "refused"), (5, "refused")], False),
    ([(1, "no_answer"), (2, "no_answer"), (3, "no_answer"), (4, "engaged")], True),
]


@pytest.mark.parametrize(("log", "refusing"), CASES)
def test_the_signal_counts_recent_unsuccessful_and_refused_contacts(log, refusing):
    signal = engagement_signal(RULE, [(ago(d), o) for d, o in log], TODAY)
    assert signal.refusing is refusing
    assert bool(signal.next_step) is refusing


def test_the_signal_says_why_in_numbers():
    log = [(ago(1), "refused"), (ago(3), "no_answer"), (ago(8), "no_answer")]
    signal = engagement_signal(RULE, log, TODAY)
    assert signal.reason == (
        "3 unsuccessful or refused contacts in the last 28 days (1 refused), "
        "with no engagement since"
    )
    assert "letter 1" in signal.next_step


def test_every_pack_sets_its_engagement_thresholds():
    for key in ("nz", "england", "kent"):
        rule = load_pack(key).engagement
        assert rule.attempts >= 2 and rule.within_days >= 7
        assert rule.next_step and rule.pathway_warning


# Each case: (pack, the steps sent, referred?, what the next step says).
NEXT_STEPS = [
    ("nz", set(), False, "start the non-engagement letters (letter 1)"),
    ("nz", {1}, False,
     "Letter 1 has gone. Keep trying to engage the family, and record each attempt before the "
     "next letter: Letter 3: warning of a possible prosecution."),
    ("nz", {1, 3}, False,
     "Letters 1 and 3 have gone: the ladder's next step is a referral to the Ministry "
     "Prosecutions team."),
    ("nz", {1, 3, 4}, True,
     "Letters 1, 3 and 4 have gone, and a referral to the Ministry Prosecutions team has been "
     "made. Keep trying to engage the family and record every attempt while it is considered."),
    ("england", {1, 2}, False,
     "Letters 1 and 2 have gone. Keep trying to engage the family, and record each attempt "
     "before the next letter: Letter 3: invitation to a formal attendance meeting."),
]  # fmt: skip


@pytest.mark.parametrize(("pack", "sent", "referred", "says"), NEXT_STEPS)
def test_the_next_step_follows_the_letters_already_sent(pack, sent, referred, says):
    rules = load_pack(pack)
    letter_set = rules.letters.sets[0]
    found = next_step_on_ladder(rules.engagement.next_step, letter_set, sent, referred=referred)
    assert says in found
    if sent:
        assert "letter 1)" not in found
