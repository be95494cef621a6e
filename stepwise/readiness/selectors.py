"""Reads for a case's referral: the live checklist, the referral, and letters it makes due."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.cases.models import Case
from stepwise.letters.selectors import case_letter_set, recipients
from stepwise.rules import readiness
from stepwise.rules.pack import Pack

from .facts import case_facts
from .models import ProsecutionReferral, ReferralRoute


@dataclass(frozen=True)
class Readiness:
    pack: Pack
    checklist: readiness.Checklist | None
    results: list[readiness.Result]
    referral: ProsecutionReferral | None  # the live referral, if the case has one
    route: ReferralRoute | None  # where the referral would go

    @property
    def ready(self) -> bool:
        return self.checklist is not None and readiness.ready(self.results)

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


def live_referral(case: Case) -> ProsecutionReferral | None:
    return ProsecutionReferral.objects.filter(case=case).live().select_related("team").first()


def case_readiness(case: Case, today: date | None = None) -> Readiness:
    """Return the case's checklist, evaluated now, and its referral if it has one."""
    pack, facts = case_facts(case, today)
    found = readiness.checklist(pack)
    results = readiness.evaluate(found.items, facts) if found else []
    route = ReferralRoute.objects.filter(service_id=case.service_id).select_related("team").first()
    return Readiness(pack, found, results, live_referral(case), route)


@dataclass(frozen=True)
class LetterDue:
    step: int
    title: str
    since: date  # the day the case was referred
    to: list[str]  # the caregivers still waiting for it


def letters_due(case: Case, pack: Pack) -> list[LetterDue]:
    """Return the letters a referral makes due at once (NZ letter 4) and who lacks them."""
    referral = live_referral(case)
    letter_set = case_letter_set(case, pack)
    if referral is None or letter_set is None:
        return []
    people = recipients(case)
    had = set(case.letters.values_list("step", "person_id"))
    due = []
    for letter in letter_set.letters:
        if not letter.on_referral:
            continue
        waiting = [p.full_name for p in people if (letter.step, p.pk) not in had]
        if waiting:
            since = timezone.localdate(referral.made_at)
            due.append(LetterDue(letter.step, letter.title, since, waiting))
    return due


def referrals_for_team(team: Organisation) -> QuerySet[ProsecutionReferral]:
    return ProsecutionReferral.objects.filter(team=team).select_related("case", "case__service")
