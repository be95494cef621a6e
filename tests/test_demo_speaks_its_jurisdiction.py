"""Every page of the demo speaks its own jurisdiction: a Kent user never reads New Zealand's
words, and a New Zealand user never reads England's.

Each demo user signs in and follows every link from the first page they land on, the way
they would click through: every kind of page (each URL name) up to twice, with the demo's
own students, cases, letters and referrals. A page's words are its text, its form
choices and what a screen reader is told (aria-label, title, alt). Downloads (PDFs,
zips, CSV) are not pages and are left out.

The word lists: a word is listed only when it belongs to one jurisdiction and cannot
appear on the other's page by coincidence. Not listed, on purpose:
- "caregiver", "parent": both countries' words for the adults a letter goes to;
- "attendance service", "referral", "prosecution": both countries' mechanisms;
- "session" for New Zealand: Stepwise's sign-in "session" is English everywhere.
"""

import re

import pytest

from tests.demo_walk import walk

# Words of New Zealand's education system and te reo Māori that England never uses.
NEW_ZEALAND_ONLY = {
    r"\bwh[aā]nau\b": "family (te reo Māori)",
    r"\bhui\b": "a meeting (te reo Māori)",
    r"\bkura\b": "a school (te reo Māori)",
    r"\biwi\b": "a tribe (te reo Māori)",
    r"\bkaumātua\b": "an elder (te reo Māori)",
    r"\bākonga\b": "a student (te reo Māori)",
    r"\bOranga Tamariki\b": "New Zealand's ministry for children",
    r"\bMSD\b": "New Zealand's Ministry of Social Development",
    r"\bMinistry\b": "New Zealand's Ministry of Education (England has the DfE)",
    r"\bNational Student Number\b|\bNSN\b": "New Zealand's student number (England: UPN)",
    r"\bAMP\b|\bAttendance Management Plan\b": "a New Zealand school's attendance plan",
    r"\bTerm [1-4]\b": "New Zealand's numbered terms (England: autumn, spring, summer)",
    r"\bhalf-days?\b": "New Zealand's counting unit (England: sessions)",
    r"\b(?:un)?justified\b": "New Zealand's absence categories (England: (un)authorised)",
    r"\b[Cc]hronic absence\b": "a New Zealand attendance band (England: persistent absence)",
    r"\bKōwhai\b": "the New Zealand demo's school and service",
}
# Words of England's (and Kent's) system that New Zealand never uses.
ENGLAND_ONLY = {
    r"\bUPN\b": "England's unique pupil number (New Zealand: NSN)",
    r"\bDfE\b": "England's Department for Education",
    r"\bOfsted\b": "England's school inspectorate",
    r"\b[Ll]ocal authority\b": "England's councils (New Zealand has none over schools)",
    r"\b[Pp]upils?\b": "England's word for a student",
    r"\b(?:un)?authorised\b": "England's absence categories (New Zealand: (un)justified)",
    r"\b(?:Autumn|Spring|Summer) 20\d\d\b": "England's term names",
    r"\bKent\b|\bKPAS\b|\bOakfield\b": "the Kent demo's council, service and school",
    r"\bEngland\b": "the other jurisdiction",
    r"\bEarly Help\b|\bEBSA\b|\bSENCO\b|\bDesignated Safeguarding Lead\b": "England's services",
    r"\b[Pp]enalty notice\b|\bMagistrates\b": "England's enforcement",
    r"\b[Pp]ersistent(?:ly)? absen": "England's measure (New Zealand: chronic absence)",
    r"\b[Cc]hild missing education\b": "England's term for a child not in school",
}
# Words of how Stepwise was made that no user should read, in either jurisdiction.
INTERNAL = {
    r"\bseeds?\b": "the source documents' file names",
    r"\bvendor manual\b": "a note on where a source came from",
    r"\bissue \d": "the project's issue tracker",
}
SIGN_INS = {
    "kent": ["kent-officer", "kent-leader", "kent-admin", "kent-caseworker", "kent-manager",
             "kent-prosecutor"],
    "nz": ["nz-officer", "nz-leader", "nz-admin", "nz-caseworker", "nz-manager", "nz-prosecutor"],
}  # fmt: skip
FORBIDDEN = {"kent": {**NEW_ZEALAND_ONLY, **INTERNAL}, "nz": {**ENGLAND_ONLY, **INTERNAL}}


@pytest.mark.parametrize("jurisdiction", ["kent", "nz"])
def test_no_demo_page_carries_the_other_jurisdictions_words(demo, db, jurisdiction):
    offending = []
    for username in SIGN_INS[jurisdiction]:
        found = walk(username, pages_per_kind=2)
        assert found.pages, f"{username} reached nothing: {found.failed}"
        assert not [u for u, code in found.failed.items() if code >= 500], found.failed
        for url, text in found.pages.items():
            for pattern, why in FORBIDDEN[jurisdiction].items():
                for match in re.finditer(pattern, text):
                    context = text[max(0, match.start() - 60) : match.end() + 60]
                    offending.append(f"{username} {url}: {match[0]!r} ({why}): …{context}…")
    assert not offending, "\n".join(sorted(set(offending)))
