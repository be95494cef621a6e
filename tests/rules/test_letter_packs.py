"""Every pack's letter ladders: the sets, steps, content and rules its sources ask for."""

import pytest

from stepwise.rules.pack import LETTER_CONTENT, PackError, _letters, load_pack


def test_new_zealand_has_two_sets_of_four_letters_for_services():
    letters = load_pack("nz").letters
    assert [s.key for s in letters.sets] == ["chronic_absence", "non_enrolment", "school"]
    for letter_set in letters.sets[:2]:
        assert [letter.step for letter in letter_set.letters] == [1, 2, 3, 4]
        # Letter 2 is optional; letter 3 before a referral; letter 4 when referred.
        assert [letter.optional for letter in letter_set.letters] == [False, True, False, False]
        assert letter_set.letters[2].before_referral
        assert letter_set.letters[3].on_referral
        assert letter_set.letters[3].min_days_between == 0
    assert letters.set_for("not_enrolled").key == "non_enrolment"
    assert letters.min_days_between == 14 and letters.attempt_since_last


def test_new_zealand_schools_send_three_letters_of_their_own():
    school = load_pack("nz").letters.school_set
    assert [letter.key for letter in school.letters] == [
        "school_notification",
        "school_escalated",
        "school_formal_warning",
    ]
    # No case reason picks the school's set; each letter is recorded as the guidance names it.
    assert school.case_reasons == ()
    assert [letter.response_description for letter in school.letters] == [
        "Sent notification to whānau",
        "Sent escalated notification to whānau",
        "Sent formal warning notice to whānau",
    ]
    assert load_pack("nz").letters.batch_threshold == "amp10"


@pytest.mark.parametrize("key", ["england", "kent"])
def test_englands_and_kents_school_letters(key):
    letters = load_pack(key).letters
    (school,) = letters.sets
    assert [letter.key for letter in school.letters] == [
        "concern",
        "medical_evidence",
        "formal_meeting",
        "statutory_referral",
    ]
    medical = school.letter("medical_evidence")
    assert medical.optional
    assert [p.key for p in medical.preconditions] == ["illness_doubted"]
    assert [i.key for i in school.letter("formal_meeting").inputs] == ["meeting"]
    assert letters.set_for("chronic_absence") is school
    assert letters.school_set is school
    assert letters.batch_threshold == "penalty_notice"


def test_kent_overlays_england_and_names_its_own_source():
    assert "Kent" in load_pack("kent").letters.source
    assert load_pack("kent").letters.sets == load_pack("england").letters.sets


@pytest.mark.parametrize("key", ["nz", "england", "kent"])
def test_every_letter_carries_the_key_information(key):
    for letter in load_pack(key).letters.all_letters:
        assert set(letter.content) == set(LETTER_CONTENT), letter.key
        assert letter.title and letter.purpose


# Each case: (a malformed [letters] section, words of the error).
BAD = [
    ({"sets": [{"key": "s", "label": "S", "letters": []}]}, "steps must run"),
    (
        {"sets": [{"key": "s", "label": "S", "letters": [{"key": "a", "step": 2,
                                                          "title": "t", "purpose": "p"}]}]},
        "steps must run",
    ),
    (
        {"sets": [{"key": "s", "label": "S", "letters": [{"key": "a", "step": 1, "title": "t",
                                                          "purpose": "p", "content": ["x"]}]}]},
        "unknown content x",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("data", "error"), BAD)
def test_a_malformed_ladder_is_refused(data, error):
    with pytest.raises(PackError, match=error):
        _letters(data)
