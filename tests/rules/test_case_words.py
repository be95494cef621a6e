"""Each pack words a case's choices for its own jurisdiction, and names only known keys."""

import pytest

from stepwise.rules.pack import PackError, _case_words, load_pack


def test_kent_inherits_englands_words_and_new_zealand_keeps_its_own():
    kent, nz = load_pack("kent").cases, load_pack("nz").cases
    assert dict(kent.reasons) == {
        "chronic_absence": "Persistent absence",
        "not_enrolled": "Child missing education",
    }
    assert "whanau_hui" not in dict(kent.log_kinds) and "msd" not in dict(kent.log_kinds)
    assert dict(nz.log_kinds)["whanau_hui"] == "Whānau hui"
    assert dict(nz.agency_kinds)["children"] == "Oranga Tamariki / children's services"


def test_a_key_the_records_do_not_know_is_refused():
    with pytest.raises(PackError, match=r"cases\.log_kinds: unknown keys marae_visit"):
        _case_words({"log_kinds": {"phone": "Phone call", "marae_visit": "Marae visit"}})
