"""A certificate's heading holds names in any script, and long ones without overprinting.

A name may be up to 100 characters a part (the importers refuse longer); a single word
that long cannot fit its column, so it breaks there rather than running over the
school's name beside it.
"""

import re
import subprocess
from html import unescape

from stepwise.certificates.services import certificate_issue

LONG_WORD = ("TUITUPOU" * 13)[:100]  # one word of 100 capitals: wider than the column
BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def words(pdf: bytes, tmp_path) -> list[tuple[float, float, float, float, str]]:
    """Return each word of page 1 with its box (x0, y0, x1, y1), as pdftotext finds them."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    return [(*map(float, m.groups()[:4]), unescape(m.group(5))) for m in BOX.finditer(out.stdout)]


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def issue(school, student, by, now):
    return certificate_issue(school=school, student=student, period="this_year", by=by,
                             issued_for=school.organisation, confirmed_unresolved=True,
                             now=now)  # fmt: skip


def test_a_long_name_breaks_in_its_column_and_never_overprints_the_school(
    kent_school, ava, officer_with_email, now, tmp_path
):
    ava.given_name, ava.family_name = LONG_WORD, "Smith"
    ava.save()
    found = words(bytes(issue(kent_school, ava, officer_with_email, now).pdf), tmp_path)
    name = [w for w in found if "TUPOU" in w[4]]
    # The heading's right-hand column: the school, its number, the period and its dates.
    school = [w for w in found if w[0] > 400 and w[1] < 80 and w not in name]
    assert len(school) >= 6 and name, found[:20]
    printed = "".join(w[4] for w in found if "TUPOU" in w[4] or "TUITU" in w[4])
    assert LONG_WORD in printed.replace("\u200b", ""), "the name is not printed whole"
    clashes = [(n[4], s[4]) for n in name for s in school if overlaps(n, s)]
    assert not clashes, f"the name runs over the school's name: {clashes}"


def test_a_name_in_chinese_prints_on_the_certificate(
    kent_school, ava, officer_with_email, now, tmp_path
):
    ava.given_name, ava.family_name = "小明", "王"
    ava.save()
    pdf = bytes(issue(kent_school, ava, officer_with_email, now).pdf)
    assert "小明 王" in " ".join(w[4] for w in words(pdf, tmp_path))
