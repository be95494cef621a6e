"""Who may see and send a school's letters and the letter batches: one helper per kind.

A school's staff see its letters about its students and its batches; only its
attendance officers send them (as only they record responses). A service's members
see and start its batches. Anyone else gets 404, so a URL never reveals whether a
letter or a batch exists.
"""

from django.http import Http404

from stepwise.accounts.access import (
    User,
    get_admin_organisation_for_user,
    get_service_for_user,
    has_school_role,
    require_school_role,
    require_service_manager,
)
from stepwise.accounts.models import Membership, Organisation
from stepwise.schools.access import get_school_for_user, get_student_for_user
from stepwise.schools.models import School, Student

from .models import Letter, LetterBatch

# The roles that send a school's letters: those who record its responses.
SCHOOL_SENDERS = (Membership.Role.ATTENDANCE_OFFICER,)


def may_send_school_letters(user: User, school: School) -> bool:
    return has_school_role(user, school, SCHOOL_SENDERS)


def require_school_sender(user: User, school: School) -> None:
    """Raise PermissionDenied unless the user sends the school's letters (look it up first)."""
    require_school_role(user, school, SCHOOL_SENDERS)


def get_stationery_organisation_for_user(user: User, org_id: int) -> Organisation:
    """Return an organisation whose letter heading and Word templates the user sets up.

    Its admins, and an attendance service's managers, do; the service's caseworkers get
    403, anyone else 404.
    """
    try:
        return get_admin_organisation_for_user(user, org_id)
    except Http404:
        service = get_service_for_user(user, org_id)
        require_service_manager(user, service)
        return service


def get_school_student_for_user(user: User, code: str, national_id: str) -> tuple[School, Student]:
    school = get_school_for_user(user, code)
    return school, get_student_for_user(user, school, national_id)


def get_school_letter_for_user(
    user: User, code: str, national_id: str, letter_pk: int
) -> tuple[School, Student, Letter]:
    """Return a letter the user's school sent about one of its students, or raise Http404."""
    school, student = get_school_student_for_user(user, code, national_id)
    letter = (
        Letter.objects.filter(pk=letter_pk, school=school, student=student)
        .select_related("school", "student", "caregiver")
        .first()
    )
    if letter is None:
        raise Http404("No such letter")
    return school, student, letter


def get_school_batch_for_user(user: User, code: str, pk: int) -> tuple[School, LetterBatch]:
    """Return a batch of the user's school, or raise Http404."""
    school = get_school_for_user(user, code)
    batch = _batch(pk, organisation=school.organisation, kind=LetterBatch.Kind.SCHOOL)
    return school, batch


def get_service_batch_for_user(
    user: User, org_id: int, pk: int
) -> tuple[Organisation, LetterBatch]:
    """Return a batch of the user's attendance service, or raise Http404."""
    service = get_service_for_user(user, org_id)
    return service, _batch(pk, organisation=service, kind=LetterBatch.Kind.SERVICE)


def _batch(pk: int, *, organisation: Organisation, kind: str) -> LetterBatch:
    batch = (
        LetterBatch.objects.filter(pk=pk, organisation=organisation, kind=kind)
        .select_related("requested_by", "school")
        .first()
    )
    if batch is None:
        raise Http404("No such batch")
    return batch
