"""Engagement log entries cannot be edited or deleted: not by a view, a form, the API or the admin.

The model and its queryset refuse updates and deletes; the admin does not offer the
log at all (reading it there would also bypass the read audit); and every URL of the
app, asked with every method by the service's own manager with the entry's and the
case's ids in its address, leaves every entry exactly as it was recorded.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from stepwise.cases.models import AppendOnlyError, Attachment, LogEntry
from stepwise.cases.services import Upload, log_entry_record

from .conftest import TODAY, at

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def entry(case, caseworker):
    return log_entry_record(
        case=case,
        by=caseworker,
        kind="phone",
        outcome="refused",
        happened_at=at(TODAY),
        notes="Refused on the phone.",
        uploads=[Upload("call.txt", "text/plain", b"call")],
    )


def frozen() -> list[tuple]:
    return sorted(
        LogEntry.objects.values_list(
            "pk",
            "case_id",
            "kind",
            "outcome",
            "support",
            "notes",
            "happened_at",
            "recorded_at",
            "recorded_by_id",
            "corrects_id",
        )
    ) + sorted(Attachment.objects.values_list("pk", "entry_id", "sha256", "size"))


def test_the_model_refuses_to_change_or_delete_an_entry(entry):
    entry.notes = "Rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LogEntry.objects.filter(pk=entry.pk).update(notes="Rewritten")
    with pytest.raises(AppendOnlyError):
        LogEntry.objects.filter(pk=entry.pk).delete()
    attachment = entry.attachments.get()
    with pytest.raises(AppendOnlyError):
        attachment.save()
    with pytest.raises(AppendOnlyError):
        attachment.delete()
    entry.refresh_from_db()
    assert entry.notes == "Refused on the phone."


def test_the_admin_offers_no_way_to_the_log():
    for model in (LogEntry, Attachment):
        assert not admin.site.is_registered(model)


def routes(patterns, prefix=""):
    """Yield (route, argument names) for every URL of the app, the API's included."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(("static", "^")):
            yield route, list(pattern.pattern.regex.groupindex)


def address(route: str, names: list[str], ids: dict[str, int]) -> str:
    path = "/" + route
    for name in names:
        for form in (f"<int:{name}>", f"<str:{name}>", f"<{name}>"):
            path = path.replace(form, str(ids.get(name, ids["pk"])))
    return path


def send(client, method: str, path: str, body: dict) -> None:
    if method in ("put", "patch"):
        getattr(client, method)(path, body, content_type="application/json")
    else:
        getattr(client, method)(path, body if method == "post" else None)


def test_no_url_changes_an_entry_whatever_it_is_sent(login, entry, manager, case):
    """Every route with every method, as the service's manager and as a superuser."""
    superuser = get_user_model().objects.create_superuser("root", password="x" * 20)
    before = frozen()
    body = {"notes": "Rewritten", "outcome": "engaged", "kind": "note", "corrects": entry.pk}
    asked = 0
    for user in (manager, superuser):
        client = login(user)
        # `pk` is the entry's id in one pass and the case's in the other.
        for pk in (entry.pk, case.pk):
            ids = {"pk": pk, "org_id": case.service_id, "attachment_pk": entry.pk}
            for route, names in routes(get_resolver().url_patterns):
                for method in METHODS:
                    send(client, method, address(route, names, ids), body)
                    asked += 1
    after = frozen()
    assert asked > 300
    # The log may have grown (a correction is a new entry), but every entry recorded
    # before is still there exactly as it was.
    assert set(before) <= set(after)
    assert LogEntry.objects.filter(pk=entry.pk, notes="Refused on the phone.").exists()
