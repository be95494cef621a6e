"""Reads all letters share: the ladder and numbers they show, the stationery they are made on."""

from dataclasses import dataclass
from decimal import Decimal

from stepwise.accounts.access import ADMIN_ROLES
from stepwise.accounts.models import Membership, Organisation
from stepwise.cases.selectors import service_pack
from stepwise.responses.models import Description
from stepwise.rules.ladder import Verdict
from stepwise.rules.pack import LetterSet, LetterSpec, Pack
from stepwise.schools.models import School
from stepwise.web.names import display_name

from .models import LetterSender, WordTemplate
from .render import Sender, address_lines

# The response type a school records when it sends a letter home (the guidance on
# recording responses).
SCHOOL_LETTER_TYPE = "written_communication"


@dataclass(frozen=True)
class Ladder:
    pack: Pack
    letter_set: LetterSet | None
    verdicts: list[Verdict]
    referral_gaps: list[str]


@dataclass(frozen=True)
class Numbers:
    days_missed: Decimal | None
    days_possible: Decimal | None
    term: str


@dataclass(frozen=True)
class Stationery:
    """How an organisation's letter of one kind is made: who heads and signs it, the
    Word template it is filled in (if the organisation uploaded one), and, for a
    school's letter, the Description its response activity is recorded under."""

    sender: Sender
    template: WordTemplate | None
    description: Description | None = None


def stationery_for(organisation: Organisation, letter: LetterSpec, signed_by: str) -> Stationery:
    """Return the organisation's stationery for the letter (a batch reads it once)."""
    return Stationery(sender_for(organisation, signed_by), word_template(organisation.pk, letter))


def organisation_letter_sets(organisation: Organisation) -> list[LetterSet]:
    """Return the sets of letters the organisation sends: a school's, or a service's."""
    school = School.objects.filter(organisation=organisation).first()
    if school is not None:
        school_set = school.rules.letters.school_set
        return [school_set] if school_set else []
    return [s for s in service_pack(organisation).letters.sets if s.case_reasons]


def word_templates(organisation: Organisation) -> dict[str, WordTemplate]:
    """Return the organisation's Word template for each letter that has one, by letter key."""
    found = (
        WordTemplate.objects.filter(organisation=organisation)
        .defer("content")
        .select_related("uploaded_by")
        .order_by("letter_key", "-uploaded_at", "-pk")
    )
    kept: dict[str, WordTemplate] = {}
    for template in found:
        kept.setdefault(template.letter_key, template)
    return kept


def word_template(organisation_id: int, letter: LetterSpec) -> WordTemplate | None:
    """Return the organisation's newest Word template for the letter, if it uploaded one."""
    return (
        WordTemplate.objects.filter(organisation=organisation_id, letter_key=letter.key)
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def sender_setters(organisation: Organisation) -> list[tuple[int, str]]:
    """Return (user id, "name (role)") of everyone who may set how its letters are headed.

    An organisation's admins may, and a service's managers (letters.views.letter_sender).
    """
    roles = [*ADMIN_ROLES]
    if organisation.kind == Organisation.Kind.SERVICE:
        roles.append(Membership.Role.SERVICE_MANAGER)
    found: dict[int, str] = {}
    for m in (
        Membership.objects.filter(organisation=organisation, role__in=roles)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    ):
        name = display_name(m.user)
        found.setdefault(m.user_id, f"{name} ({m.get_role_display().lower()})")
    return list(found.items())


def sender_phone_missing(organisation: Organisation) -> str:
    """Return what to tell a sender when the organisation's letters have no phone number yet."""
    setters = [label for _, label in sender_setters(organisation)]
    who = (
        f"{' or '.join(setters)} can set it"
        if setters
        else f"nobody at {organisation.name} may set it yet: ask your Stepwise administrator "
        "to make someone its admin"
    )
    return (
        f"Letters from {organisation.name} need a phone number for parents to call: {who}, "
        "under “Change how letters are headed and signed” on the letters page"
    )


def sender_for(organisation: Organisation, signed_by: str) -> Sender:
    """Return how the organisation heads and signs its letters (its name, at least)."""
    found = LetterSender.objects.filter(organisation=organisation).first()
    if found is None:
        return Sender(name=organisation.name, address=(), signatory=signed_by)
    return Sender(
        name=found.name or organisation.name,
        address=address_lines(found.address),
        phone=found.phone,
        email=found.email,
        signatory=found.signatory or signed_by,
        signatory_title=found.signatory_title,
    )
