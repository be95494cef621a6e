"""Walk the demo as one of its users: sign in and follow every link from the first page.

Each kind of page (URL name) is visited up to `pages_per_kind` times, with the demo's own
students, cases, letters and referrals. Downloads (PDFs, zips, CSV) are not pages.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve

from tests.conftest import sign_in

# Files, not pages: downloads and what only a form's button asks for.
DOWNLOADS = {
    "audit_export", "case_attachment", "case_bundle_pdf", "case_bundle_zip",
    "case_certificate_download", "case_chronology_pdf", "letter_download",
    "school_letter_batch_pdf", "school_letter_download", "service_letter_batch_pdf",
    "student_certificate_download", "team_referral_bundle", "api_docs_asset", "logout",
}  # fmt: skip
LINK = re.compile(r'href="(/[^"#]*)"')
SAID = re.compile(r'(?:aria-label|title|alt|placeholder)="([^"]*)"')


@dataclass
class Walk:
    pages: dict[str, str] = field(default_factory=dict)  # url -> the words on it
    failed: dict[str, int] = field(default_factory=dict)  # url -> status code


def words_of(page: str) -> str:
    """Return what a person reads or hears on a page, as plain text."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    said = " ".join(SAID.findall(page))
    text = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(f"{text} {said}"))


def signed_in(username: str) -> Client:
    """Return a test client signed in as the user, second factor and all."""
    return sign_in(Client(), get_user_model().objects.get(username=username))


def walk(username: str, pages_per_kind: int) -> Walk:
    """Sign in as a demo user and follow every link, each kind of page so many times."""
    client = signed_in(username)
    found, queue, seen, kinds = Walk(), ["/"], set(), Counter()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            name = resolve(url.split("?")[0]).url_name
        except Resolver404:
            continue
        if name in DOWNLOADS or url.startswith("/admin/") or kinds[name] >= pages_per_kind:
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.insert(0, response["Location"])
            continue
        kinds[name] += 1
        if response.status_code != 200:
            found.failed[url] = response.status_code
            continue
        page = response.content.decode()
        found.pages[url] = words_of(page)
        queue += [link.replace("&amp;", "&") for link in LINK.findall(page)]
    return found
