"""Large counts are grouped in thousands wherever a page prints them."""

from stepwise.web.templatetags.stepwise_web import count


def test_a_count_is_grouped_in_thousands():
    assert count(447370) == "447,370"
    assert count(15) == "15"
    assert count(None) == "–"
