"""Take in a school's roster, caregivers and register files, whole or not at all."""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser

from stepwise.certificates.locks import post_certificate_changes_record
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers import Applied, ImportResult
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.profiles import Profile, translate
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.register.models import ImportRun
from stepwise.schools.models import School, Term
from stepwise.standings.services import terms_evaluate

__all__ = ["caregivers_take", "register_take", "register_take_profiled", "roster_take"]

roster_take = import_roster
caregivers_take = import_caregivers


def register_take(
    data: bytes,
    *,
    file_name: str,
    user: AbstractBaseUser | None = None,
    progress: Callable[[int], None] | None = None,
    evaluate: bool = True,
) -> ImportResult:
    """Merge a register file's marks, lock certificates and evaluate, in one transaction.

    Without `evaluate` (a bulk load that evaluates once at the end), the changed terms
    stay pending evaluation, and every page showing their threshold events says so
    until `stepwise evaluate` (or the next import with evaluation) brings them up to date.
    """

    def then(run: ImportRun, applied: Applied) -> None:
        post_certificate_changes_record(run=run, changes=applied.changes)
        if evaluate and applied.affected:
            terms = list(Term.objects.filter(pk__in={t for _, t in applied.affected}))
            applied.evaluation = terms_evaluate(
                terms=terms, registers=applied.registers, enrolments=applied.enrolments
            )

    return import_register(data, file_name=file_name, user=user, progress=progress, then=then)


def register_take_profiled(
    data: bytes,
    *,
    profile: Profile,
    file_name: str,
    school: School | None = None,
    user: AbstractBaseUser | None = None,
    evaluate: bool = True,
) -> ImportResult:
    """Take a register file shaped as a system's `profile` says, as `register_take` its CSV.

    Problems are named in the file's own lines and columns, not the translated CSV's.
    """
    translated = translate(data, profile=profile, file_name=file_name, school=school)
    try:
        return register_take(translated.data, file_name=file_name, user=user, evaluate=evaluate)
    except ImportRejected as e:
        raise translated.rejected(e, file_name) from None
