"""A Word template cannot stop the server: filling one has hard limits; each failure is a message.

A template is checked when it is uploaded by filling it with sample values, so a
template that would fail (or run away) is refused then, with what is wrong. One that
fails later (kept from before these checks, say) refuses the letter with a message:
never a 500, never a server busy for minutes.
"""

from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from stepwise.letters.models import Letter, WordTemplate
from stepwise.letters.word.filling import LIMITS, WordTemplateError, render_docx, template_check

from .test_word import OURS, docx_bytes

DEEP = "".join(f"{{% for x{i} in numbers %}}" for i in range(5)) + "{% endfor %}" * 5

# Each case: (a template's text, words of the message that refuses it).
RUNAWAYS = [
    ("{% for x in range(10**9) %}{{ x }}{% endfor %}", "at most 1,000 numbers"),
    ("{% for x in range(1001) %}{% endfor %}", "at most 1,000 numbers"),
    (
        "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
        "{% endfor %}{% endfor %}{% endfor %}",
        "more than 10,000 loop steps",
    ),
    (DEEP, "more than 10,000 loop steps"),  # nested loops over a value's letters
    ("{{ caregiver * 100000000 }}", "longer than 100,000 characters"),
    ("{{ [caregiver] * 100000000 }}", "longer than 100,000 characters"),
    ("{{ 10 ** 100000 }}", "too large a number"),
    (
        "{% set ns = namespace(s=caregiver) %}{% for i in range(60) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        "longer than 100,000 characters",
    ),
    (
        "{% set ns = namespace(s=caregiver) %}{% for i in range(60) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}",
        "longer than 100,000 characters",
    ),
    (
        "{% set ns = namespace(n=7) %}{% for i in range(60) %}"
        "{% set ns.n = ns.n * ns.n %}{% endfor %}",
        "too large a number",
    ),
    (
        "{% set ns = namespace(s=caregiver) %}{% for i in range(60) %}"
        "{% set b %}{{ ns.s }}{{ ns.s }}{% endset %}{% set ns.s = b %}{% endfor %}",
        "more than 1,000,000 characters",
    ),
    ("{{ caregiver|center(1000000000) }}", "filters Stepwise does not allow: center"),
    ("{{ '{:>999999999}'.format(caregiver) }}", "format"),
    ("{{ '%*d' % (999999999, 1) }}", "% formatting"),
    ("{{ caregiver|replace('', caregiver * 1000) }}", "longer than 100,000 characters"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "could not be filled"),
    ("{{ 1 / 0 }}", "could not be filled: division by zero"),
    ("{{ lipsum(1000000) }}", "placeholders Stepwise does not fill: lipsum"),
]


@pytest.mark.parametrize(("text", "words"), RUNAWAYS)
def test_a_template_that_would_run_away_or_fail_is_refused_at_upload(text, words):
    with pytest.raises(WordTemplateError, match=words.replace("*", r"\*")):
        template_check(docx_bytes(text))


def test_a_template_within_the_limits_is_accepted():
    text = (
        "{% for x in range(1000) %}{% if loop.first %}{{ caregiver|upper }}{% endif %}"
        "{% endfor %}{{ numbers|replace('school', 'kura') }} {{ [child, school]|join(', ') }}"
    )
    assert "caregiver" in template_check(docx_bytes(text))


def test_rendering_stops_at_its_time_limit():
    no_time = replace(LIMITS, seconds=0.0)
    with pytest.raises(WordTemplateError, match=r"took longer than 0 seconds"):
        render_docx(OURS, {"caregiver": "Hine"}, limits=no_time)


def test_a_kept_template_that_fails_refuses_the_letter_with_a_message(
    case, caseworker, manager, sender, login
):
    """A template kept from before uploads were checked: the letter is refused, not a 500."""
    WordTemplate.objects.create(
        organisation=case.service,
        letter_key="chronic_absence_1",
        file_name="runaway.docx",
        content=docx_bytes("{% for x in range(10**9) %}{{ x }}{% endfor %}"),
        sha256="0" * 64,
        fields="",
        uploaded_by=manager,
        uploaded_at=timezone.now(),
    )
    response = login(caseworker).post(
        reverse("letter_issue", args=[case.pk, "chronic_absence_1"]),
        {
            "action": "send",
            "days_missed": "29",
            "days_possible": "29",
            "sent_on": timezone.localdate().isoformat(),
            "method": "post",
            "reason": "no answer to three calls",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Your Word template for this letter could not be filled" in text
    assert "at most 1,000 numbers" in text
    assert not Letter.objects.exists()
