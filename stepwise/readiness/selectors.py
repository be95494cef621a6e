"""Reads for a case's referral: the live checklist, the referral, and the team's list."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from stepwise.accounts.models import Organisation
from stepwise.cases.models import Case, ProsecutionReferral
from stepwise.cases.selectors import live_referral
from stepwise.rules import readiness
from stepwise.rules.pack import Pack

from .facts import PUT_RIGHT, case_facts
from .models import Attestation, ReferralRoute


@dataclass(frozen=True)
class Returned:
    """The case's latest referral, returned by the team for more information."""

    referral: ProsecutionReferral
    note: str  # what the team says must change
    returned_at: datetime
    put_right: Attestation | None  # what the service recorded it put right since, if anything


@dataclass(frozen=True)
class Readiness:
    pack: Pack
    checklist: readiness.Checklist | None
    results: list[readiness.Result]
    referral: ProsecutionReferral | None  # the live referral, if the case has one
    route: ReferralRoute | None  # where the referral would go
    returned: Returned | None = None  # the latest referral, if the team returned it

    @property
    def ready(self) -> bool:
        """Return whether the case may be referred: nothing missing, and, after a return,
        what the team asked for recorded as put right."""
        put_right = self.returned is None or self.returned.put_right is not None
        return self.checklist is not None and readiness.ready(self.results) and put_right

    @property
    def blocking(self) -> list[readiness.Result]:
        return [r for r in self.results if r.blocks]

    def count(self, state: str) -> int:
        return sum(r.state == state for r in self.results)

    @property
    def groups(self) -> list[tuple[str, list[readiness.Result]]]:
        found: dict[str, list[readiness.Result]] = {}
        for r in self.results:
            found.setdefault(r.item.group, []).append(r)
        return list(found.items())


def returned_referral(case: Case) -> Returned | None:
    """Return the case's latest referral if the team returned it, with its note."""
    latest = ProsecutionReferral.objects.filter(case=case).select_related("team").first()
    if latest is None or latest.status != ProsecutionReferral.Status.RETURNED:
        return None
    change = latest.changes.filter(status=latest.status).last()
    returned_at = change.changed_at if change else latest.made_at
    put_right = (
        case.attestations.filter(item_key=PUT_RIGHT, attested_at__gte=returned_at)
        .select_related("attested_by")
        .first()
    )
    return Returned(latest, change.note if change else "", returned_at, put_right)


def case_readiness(case: Case, today: date | None = None) -> Readiness:
    """Return the case's checklist, evaluated now, and its referral if it has one."""
    pack, facts = case_facts(case, today)
    found = readiness.checklist(pack)
    results = readiness.evaluate(found.items, facts) if found else []
    route = ReferralRoute.objects.filter(service_id=case.service_id).select_related("team").first()
    live = live_referral(case)
    returned = returned_referral(case) if live is None else None
    return Readiness(pack, found, results, live, route, returned)


def referrals_for_team(team: Organisation) -> QuerySet[ProsecutionReferral]:
    return ProsecutionReferral.objects.filter(team=team).select_related("case", "case__service")
