"""Reads of an attendance service's cases: caseloads, the triage inbox, signals, tasks."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.paginator import Page
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import dateformat, timezone

from stepwise.accounts.models import Organisation
from stepwise.rules.engagement import Signal, engagement_signal
from stepwise.rules.pack import DEFAULT_ENGAGEMENT, EngagementRule, Pack, load_pack
from stepwise.schools.catchments import catchment_pack_key, installation_pack_key
from stepwise.web.names import display_name, name_from

from .choices import reason_label
from .models import (
    STATUS_TAGS,
    Attachment,
    Case,
    CaseSchool,
    LogEntry,
    Person,
    PersonChange,
    ProsecutionReferral,
    SafetyFlag,
    Task,
)
from .services import PERSON_FIELDS, schools_key

SCHOOLS_CACHE_SECONDS = 3600
# Outcomes and kinds that a transferred case's reviewer must see before acting.
REFUSALS = (LogEntry.Outcome.REFUSED, LogEntry.Outcome.DECLINED_SUPPORT)
# The case page shows the log newest first, this many entries a page: a case worked for
# years holds hundreds, the newest are the ones a caseworker acts on, and each entry
# costs about a millisecond to render.
LOG_PER_PAGE = 25
# What a caseload's row shows of a case (cases/_case_rows.html), and of a colleague.
CASELOAD_ROW_FIELDS = ("reference", "reason", "status", "assigned_to", "last_contact_at")
USER_NAME_FIELDS = ("username", "first_name", "last_name")
# What cases/_log.html shows of an entry.
LOG_PAGE_FIELDS = (
    "case", "kind", "outcome", "support", "others_involved", "notes", "happened_at",
    "recorded_at", "recorded_by", "recorded_by_name", "corrects", "transferred",
)  # fmt: skip


def service_pack(service: Organisation) -> Pack:
    """Return the pack of the service's jurisdiction: as recorded, else its catchment's or its
    cases' schools'."""
    pack_key = catchment_pack_key(service) or (
        CaseSchool.objects.filter(case__service=service, school__isnull=False)
        .order_by()
        .values_list("school__pack", flat=True)[:1]
        .first()
    )
    return load_pack(pack_key or installation_pack_key())


def case_pack(case: Case) -> Pack:
    """Return the pack of the case's school; else of the service's jurisdiction."""
    school = next((s.school for s in case.schools.all() if s.school is not None), None)
    if school is not None:
        return school.rules
    return service_pack(case.service)


def engagement_rule(case: Case) -> EngagementRule:
    """Return the engagement rule of the case's jurisdiction (its school's pack)."""
    school = next((s.school for s in case.schools.all() if s.school is not None), None)
    return school.rules.engagement if school else DEFAULT_ENGAGEMENT


def with_schools(case: Case) -> Case:
    """Fetch the case's schools once, for its rule and its page (not once per use)."""
    prefetch_related_objects(
        [case], Prefetch("schools", queryset=CaseSchool.objects.select_related("school"))
    )
    return case


def service_engagement_rule(service: Organisation) -> EngagementRule:
    """Return the rule a service's caseload filters use: its schools' pack, or the default."""
    # Unordered, so the first case school found will do: no sort of the service's cases.
    pack_key = (
        CaseSchool.objects.filter(case__service=service, school__isnull=False)
        .order_by()
        .values_list("school__pack", flat=True)[:1]
        .first()
    )
    return load_pack(pack_key).engagement if pack_key else DEFAULT_ENGAGEMENT


def log_entries(case: Case) -> QuerySet[LogEntry]:
    """Return the case's log, newest first, with what the case page shows of each entry."""
    return (
        case.log.select_related("recorded_by", "corrects")
        .prefetch_related(
            "people", Prefetch("attachments", queryset=Attachment.objects.defer("content"))
        )
        .order_by("-happened_at", "-pk")
    )


def log_page_entries(case: Case) -> QuerySet[LogEntry]:
    """Return the case's log, newest first, with only what a page of the case page shows.

    Each entry carries its people as `involved` and its attachments (without their
    content) as `files`: plain lists, where the related managers would cost a queryset
    for every entry on the page.
    """
    return (
        case.log.select_related("recorded_by", "corrects")
        .only(
            *LOG_PAGE_FIELDS,
            "recorded_by__first_name",
            "recorded_by__last_name",
            "recorded_by__username",
            "corrects__happened_at",
        )
        .prefetch_related(
            Prefetch(
                "people",
                # The model's order (case, role, pk) without reading the case: one case.
                queryset=Person.objects.only("given_name", "family_name").order_by("role", "pk"),
                to_attr="involved",
            ),
            Prefetch("attachments", queryset=Attachment.objects.defer("content"), to_attr="files"),
        )
        .order_by("-happened_at", "-pk")
    )


def effective_log(case: Case) -> list[LogEntry]:
    """Return the case's log, newest first, with corrected entries marked as superseded."""
    entries = list(log_entries(case))
    corrected = {e.corrects_id for e in entries if e.corrects_id}
    for entry in entries:
        entry.superseded = entry.pk in corrected  # type: ignore[attr-defined]
    return entries


def corrected_entries(case: Case) -> set[int]:
    """Return the pks of the case's log entries that a later entry corrects."""
    corrections = case.log.filter(corrects__isnull=False).order_by()
    return set(corrections.values_list("corrects_id", flat=True))


def log_page(case: Case, page: Page, corrected: set[int]) -> list[LogEntry]:
    """Mark one page of the log: entries corrected since, and where each corrected one is.

    A correction links to the entry it corrects; when that entry is on another page
    of the log, `corrects_page` is the number of that page.
    """
    entries: list[LogEntry] = list(page.object_list)
    page.object_list = entries
    on_page = {e.pk for e in entries}
    for entry in entries:
        entry.superseded = entry.pk in corrected  # type: ignore[attr-defined]
        _add_texts(entry, case)
        wrong = entry.corrects
        if wrong is not None and wrong.pk not in on_page:
            newer = case.log.filter(
                Q(happened_at__gt=wrong.happened_at)
                | Q(happened_at=wrong.happened_at, pk__gt=wrong.pk)
            ).count()
            entry.corrects_page = newer // page.paginator.per_page + 1  # type: ignore[attr-defined]
    return entries


WHEN = "j F Y, H:i"  # when a log entry's contact happened, as the log prints it


def previous_author(entry: LogEntry, case: Case) -> str:
    """Return who wrote a transferred entry, as the log and the chronology name them."""
    who = entry.recorded_by_name or "an unnamed author"
    return f"{who} at the previous provider ({case.transfer_source})"


def _add_texts(entry: LogEntry, case: Case) -> None:
    """Give an entry its times and recorder as _log.html prints them.

    Made here, once, because the template's date filter costs more than the rest of an
    entry's markup together.
    """
    happened = timezone.localtime(entry.happened_at)
    entry.happened_iso = happened.isoformat()  # type: ignore[attr-defined]
    entry.when = dateformat.format(happened, WHEN)  # type: ignore[attr-defined]
    recorded = timezone.localtime(entry.recorded_at)
    entry.recorded_when = dateformat.format(recorded, "j M Y H:i")  # type: ignore[attr-defined]
    entry.recorder = display_name(  # type: ignore[attr-defined]
        entry.recorded_by, entry.recorded_by_name or "Stepwise"
    )
    if entry.transferred:
        # Written by someone at the previous provider; imported by a colleague here.
        entry.author = previous_author(entry, case)  # type: ignore[attr-defined]
    if entry.corrects is not None:
        entry.corrects_when = dateformat.format(  # type: ignore[attr-defined]
            timezone.localtime(entry.corrects.happened_at), WHEN
        )


def case_signal(case: Case, log: list[LogEntry], today: date | None = None) -> Signal:
    """Return the refusal-to-engage signal from the log's entries that still stand."""
    attempts = [
        (timezone.localdate(e.happened_at), e.outcome)
        for e in log
        if e.outcome and not getattr(e, "superseded", False)
    ]
    return engagement_signal(engagement_rule(case), attempts, today or timezone.localdate())


def _window_start(case: Case, today: date) -> datetime:
    """Return the first moment of the signal's window: attempts before it never count."""
    since = today - timedelta(days=engagement_rule(case).within_days - 1)
    return timezone.make_aware(datetime.combine(since, time.min))


def recent_signal(case: Case, corrected: set[int], today: date | None = None) -> Signal:
    """Return the refusal-to-engage signal, reading only the entries inside the rule's window.

    The same as case_signal over the whole log: attempts before the window never count.
    """
    today = today or timezone.localdate()
    recent = list(
        case.log.filter(happened_at__gte=_window_start(case, today))
        .exclude(outcome="")
        .only("pk", "happened_at", "outcome")
    )
    for entry in recent:
        entry.superseded = entry.pk in corrected  # type: ignore[attr-defined]
    return case_signal(case, recent, today)


def signal_and_corrected(case: Case, today: date) -> tuple[Signal, set[int]]:
    """Return recent_signal(case, corrected, today) and corrected_entries(case), in one read.

    The read is of the window's contact attempts and of every correction (a few a case).
    """
    start = _window_start(case, today)
    rows = list(
        case.log.filter(Q(corrects__isnull=False) | (Q(happened_at__gte=start) & ~Q(outcome="")))
        .order_by()
        .only("pk", "happened_at", "outcome", "corrects_id")
    )
    corrected = {e.corrects_id for e in rows if e.corrects_id is not None}
    recent = [e for e in rows if e.outcome and e.happened_at >= start]
    for entry in recent:
        entry.superseded = entry.pk in corrected  # type: ignore[attr-defined]
    return case_signal(case, recent, today), corrected


def person_history(person: Person) -> list[PersonChange]:
    """Return the changes to a person's record, newest first, each with its `rows` to show."""
    changes = list(person.changes.select_related("changed_by"))
    for change in changes:
        change.rows = [  # type: ignore[attr-defined]
            (PERSON_FIELDS.get(name, name), before, after)
            for name, (before, after) in change.changes.items()
        ]
    return changes


def active_safety_flags(case: Case) -> QuerySet[SafetyFlag]:
    return case.safety_flags.filter(withdrawn_at__isnull=True).select_related("person")


@dataclass(frozen=True)
class CaseloadFilter:
    mine: bool = True
    status: str = ""  # "" means every status but closed
    reason: str = ""
    school: str = ""  # a CaseSchool name
    no_contact: bool = False
    assigned_to: int | None = None


def caseload(
    service: Organisation,
    user: User,
    chosen: CaseloadFilter,
    *,
    now: datetime | None = None,
    rule: EngagementRule | None = None,
) -> QuerySet[Case]:
    """Return a service's cases for a caseload list, filtered, the longest silence first.

    `rule` is service_engagement_rule(service), when the caller has read it already.
    Each case carries only what cases/_case_rows.html shows.
    """
    cases = Case.objects.filter(service=service)
    if chosen.mine:
        cases = cases.filter(assigned_to=user)
    elif chosen.assigned_to is not None:
        cases = cases.filter(assigned_to_id=chosen.assigned_to or None)
    if chosen.status:
        cases = cases.filter(status=chosen.status)
    else:
        cases = cases.exclude(status=Case.Status.CLOSED)
    if chosen.reason:
        cases = cases.filter(reason=chosen.reason)
    if chosen.school:
        cases = cases.filter(schools__name=chosen.school)
    if chosen.no_contact:
        days = (rule or service_engagement_rule(service)).no_contact_days
        since = (now or timezone.now()) - timedelta(days=days)
        cases = cases.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=since))
    return (
        cases.select_related("assigned_to")
        .only(*CASELOAD_ROW_FIELDS, *(f"assigned_to__{f}" for f in USER_NAME_FIELDS))
        .order_by("last_contact_at", "opened_on", "pk")
    )


@dataclass(frozen=True)
class CaseloadRow:
    """A case as a caseload's row shows it (cases/_case_rows.html), every text made."""

    pk: int
    reference: str
    child: str  # the child's name, or "Case <reference>" before one is recorded
    reason: str
    status: str
    status_tag: str
    schools: str
    caseworker: str
    last_contact_iso: str  # local time, "" before the first contact
    last_contact_on: str  # as "7 Dec 2026"


def caseload_rows(cases: QuerySet[Case], pack: Pack) -> list[CaseloadRow]:
    """Return a page of a caseload, each case with its child's and schools' names.

    A page holds 50 cases: reading values rather than models, and making each text here
    rather than in template tags, keeps the rows to a fraction of the page's time. The
    names are read for the whole page in one query each.
    """
    found = list(
        cases.values_list(
            "pk", *CASELOAD_ROW_FIELDS, *(f"assigned_to__{f}" for f in USER_NAME_FIELDS)
        )
    )
    pks = [row[0] for row in found]
    children: dict[int, list[str]] = defaultdict(list)
    for case_id, given, family in (
        Person.objects.filter(case__in=pks, role=Person.Role.CHILD)
        .order_by("pk")
        .values_list("case", "given_name", "family_name")
    ):
        children[case_id].append(f"{given} {family}")  # Person.full_name
    schools: dict[int, list[str]] = defaultdict(list)
    for case_id, name in (
        CaseSchool.objects.filter(case__in=pks).order_by("pk").values_list("case", "name")
    ):
        schools[case_id].append(name)
    reasons = {key: reason_label(pack, key) for key in Case.Reason.values}
    statuses = dict(Case.Status.choices)
    rows = []
    for pk, reference, reason, status, assigned, contact, username, first, last in found:
        local = timezone.localtime(contact) if contact else None
        rows.append(
            CaseloadRow(
                pk=pk,
                reference=reference,
                child=", ".join(children[pk]) or f"Case {reference}",
                reason=reasons.get(reason, reason),
                status=statuses.get(status, status),
                status_tag=STATUS_TAGS.get(status, ""),
                schools=", ".join(schools[pk]),
                caseworker=name_from(first, last, username) if assigned else "Not assigned",
                last_contact_iso=local.isoformat() if local else "",
                last_contact_on=dateformat.format(local, "j M Y") if local else "",
            )
        )
    return rows


def with_children(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Fetch each case's child (as the list `child`) and caseworker with the page."""
    return cases.select_related("assigned_to").prefetch_related(
        Prefetch(
            "people",
            # A case's people in pk order: the model's order, without reading the case.
            queryset=Person.objects.filter(role=Person.Role.CHILD).order_by("pk"),
            to_attr="child",
        ),
    )


def caseload_schools(service: Organisation) -> list[str]:
    """Return the names of the schools on the service's cases, for the caseload filter.

    Kept in the cache: with thousands of cases the distinct names cost more than the
    rest of the page. services.case_school_add forgets the list when it changes.
    """
    names = cache.get_or_set(
        schools_key(service.pk),
        lambda: list(
            CaseSchool.objects.filter(case__service=service)
            .values_list("name", flat=True)
            .distinct()
            .order_by("name")
        ),
        SCHOOLS_CACHE_SECONDS,
    )
    return list(names or [])


def caseload_counts(service: Organisation) -> list[dict[str, Any]]:
    """Return open cases per caseworker, for a manager's view of the team."""
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Case.objects.filter(service=service)
        .exclude(status=Case.Status.CLOSED)
        .order_by()
        .values_list("assigned_to", "status")
        # COUNT(*), not of a column: the caseload index then answers without the table.
        .annotate(n=Count("*"))
    )
    for assigned, status, n in rows:
        counts[assigned][status] += n
        counts[assigned]["total"] += n
    users = User.objects.only(*USER_NAME_FIELDS).in_bulk([pk for pk in counts if pk is not None])
    result = [
        {"user": users.get(pk) if pk else None, **dict(figures)} for pk, figures in counts.items()
    ]
    # The largest caseload first; equal ones by name, so the order does not change by itself.
    return sorted(
        result, key=lambda r: (-r["total"], r["user"] is None, r["user"] and r["user"].username)
    )


def transferred_for_review(service: Organisation) -> QuerySet[Case]:
    """Return open transferred cases whose history holds a refusal or letters already sent."""
    warning = LogEntry.objects.filter(case=OuterRef("pk")).filter(
        Q(outcome__in=REFUSALS) | Q(kind=LogEntry.Kind.LETTER)
    )
    letters = LogEntry.objects.filter(case=OuterRef("pk"), kind=LogEntry.Kind.LETTER)
    refusals = LogEntry.objects.filter(case=OuterRef("pk"), outcome__in=REFUSALS)
    return (
        with_children(
            Case.objects.filter(service=service, origin=Case.Origin.TRANSFERRED).exclude(
                status=Case.Status.CLOSED
            )
        )
        .filter(Exists(warning))
        .annotate(has_letters=Exists(letters), has_refusal=Exists(refusals))
        .order_by("opened_on", "pk")
    )


def my_tasks(service: Organisation, user: User) -> QuerySet[Task]:
    return (
        Task.objects.filter(case__service=service, assigned_to=user, done_at__isnull=True)
        .select_related("case")
        .order_by("due_on", "pk")
    )


def live_referral(case: Case) -> ProsecutionReferral | None:
    """Return the case's referral still with the team, if it has one."""
    return ProsecutionReferral.objects.filter(case=case).live().select_related("team").first()
