"""The built-in import profiles: the register exports schools' systems give.

Each says what public material confirmed of its shape and what was inferred (also in
docs/integration.md). A school whose export differs in a column's name or a code
maps its own codes (`stepwise import-profile`); a different shape needs a profile here.
"""

from django.db import transaction

from stepwise.register.importers.profiles import DAY, PERIOD, SESSION, Profile
from stepwise.register.models import ImportCodeMapping, SchoolImportProfile
from stepwise.rules.pack import load_pack
from stepwise.schools.models import School

# SIMS's sub-codes that stand for a statutory code. I01 and X01 are confirmed
# (sims-partners.com, "SIMS 8 - Attendance DfE Subcodes": "X01 and I01 code have
# statutory mappings of X and I"); the others' statutory mapping is inferred from their
# initial letter, as SIMS allows a sub-code only under its own code.
SIMS_SUB_CODES = {
    "I01": "I",
    "I02": "I",
    "X01": "X",
    **{f"X0{n}": "X" for n in range(2, 8)},
}

SIMS = Profile(
    key="sims",
    name="SIMS",
    layout=SESSION,
    columns={
        "school_id": ("School ID",),
        "student_id": ("UPN", "Adno", "Admission Number", "Pupil ID"),
        "date": ("Date", "Session Date", "Attendance Date"),
        "session": ("Session", "AM/PM", "Session Name"),
        "code": ("Mark", "Session Mark", "Attendance Mark", "Code"),
    },
    date_formats=("%d/%m/%Y", "%d/%m/%y"),
    sessions={"a.m.": "AM", "p.m.": "PM", "morning": "AM", "afternoon": "PM"},
    codes=SIMS_SUB_CODES,
    confirmed="session marks of more than one character (sub-codes such as I01, X01..X07) "
    "and the statutory mappings of I01 and X01 (sims-partners.com); present marks / and \\",
    inferred="the column names of a session-marks report export, UK dates (DD/MM/YYYY), "
    "Windows-1252 or UTF-8 text, and the statutory code of I02 and X02..X07",
)

ARBOR = Profile(
    key="arbor",
    name="Arbor",
    layout=DAY,
    columns={
        "school_id": ("School ID",),
        "student_id": ("UPN", "Student UPN", "MIS ID"),
        "date": ("Date", "Attendance Date"),
        "am": ("AM Mark", "AM", "Morning Mark"),
        "pm": ("PM Mark", "PM", "Afternoon Mark"),
    },
    date_formats=("%d/%m/%Y", "%Y-%m-%d"),
    confirmed="Arbor records the DfE's statutory codes (Arbor's code list, cited in the "
    "domain reference)",
    inferred="one row per student and day with AM and PM mark columns, their names, UK or "
    "ISO dates, and UTF-8 text with a byte-order mark",
)

# KAMAR's half-days: the morning's periods and the afternoon's.
KAMAR_PERIODS = {
    **{str(n): "AM" for n in (1, 2, 3)},
    **{f"P{n}": "AM" for n in (1, 2, 3)},
    **{str(n): "PM" for n in (4, 5, 6)},
    **{f"P{n}": "PM" for n in (4, 5, 6)},
}

KAMAR = Profile(
    key="kamar",
    name="KAMAR",
    layout=PERIOD,
    columns={
        "school_id": ("MoE Number", "School Number"),
        "student_id": ("NSN", "Student NSN", "Student ID", "ID"),
        "date": ("Date", "Attendance Date"),
        "period": ("Period", "Per"),
        "code": ("Code", "Attendance Code", "Att Code"),
    },
    date_formats=("%d/%m/%Y", "%d/%m/%y"),
    periods=KAMAR_PERIODS,
    confirmed="KAMAR identifies a student by their NSN, and its Directory Services push "
    "has an attendance sync type (integrators' documentation of the directoryservices."
    "kamar.nz field list, and open receivers of SMSDirectoryData)",
    inferred="a row per period, the column names, six periods with 1-3 in the "
    "morning and 4-6 in the afternoon, UK dates, UTF-16 tab-separated text as Excel saves "
    "'Unicode text', and the session rule (the code most of its periods carry)",
)

WONDE = Profile(
    key="wonde",
    name="Wonde",
    layout=SESSION,
    columns={
        "school_id": ("School ID",),
        "student_id": ("UPN", "student_id", "Student ID"),
        "date": ("date",),
        "session": ("session",),
        "code": ("attendance_code", "code", "Attendance Code"),
    },
    date_formats=("%Y-%m-%d",),
    encoding="utf-8",
    confirmed="a session attendance record is a student, a date (YYYY-MM-DD), a session (AM or "
    "PM) and an attendance code (wondeltd/php-client, session register write-back)",
    inferred="a CSV of those records with the code itself rather than Wonde's code id, the "
    "student as their UPN, and the column names",
)

BUILT_IN = {p.key: p for p in (SIMS, ARBOR, KAMAR, WONDE)}


def profiles_for(pack: str) -> list[Profile]:
    """Return the built-in profiles a school of this rule pack may use (the pack names them)."""
    return [BUILT_IN[key] for key in load_pack(pack).import_profiles if key in BUILT_IN]


class ProfileError(ValueError):
    """A profile or code mapping could not be saved as asked; nothing was changed."""


def profile_of(school: School, key: str | None) -> Profile:
    """Return the profile named, or the one saved for the school; refuse one for another pack."""
    if key is None:
        saved = SchoolImportProfile.objects.filter(school=school).first()
        if saved is None:
            raise ProfileError(f"{school.code} has no saved import profile: name one (--profile)")
        key = saved.profile
    profile = BUILT_IN.get(key)
    fitting = ", ".join(p.key for p in profiles_for(school.pack))
    if profile is None or profile not in profiles_for(school.pack):
        raise ProfileError(f"{key!r} is not an import profile for {school.code} (use {fitting})")
    return profile


@transaction.atomic
def import_profile_set(
    *, school: School, profile: Profile, mappings: dict[str, str], save: bool = True
) -> list[ImportCodeMapping]:
    """Save the school's profile and add or change its code mappings for it, all or none.

    Each mapping is the system's code to a code of the school's rule pack.
    """
    codes = school.rules.code_index
    wrong = [f"{local}={code}" for local, code in mappings.items() if code not in codes]
    if wrong:
        raise ProfileError(f"not codes of the {school.rules.name} rule pack: {', '.join(wrong)}")
    too_long = [local for local in mappings if not local or len(local) > 20]
    if too_long:
        raise ProfileError(f"a code must be 1 to 20 characters: {', '.join(too_long)}")
    if save:
        SchoolImportProfile.objects.update_or_create(
            school=school, defaults={"profile": profile.key}
        )
    for local, code in mappings.items():
        ImportCodeMapping.objects.update_or_create(
            school=school, profile=profile.key, local_code=local, defaults={"code": code}
        )
    return list(ImportCodeMapping.objects.filter(school=school, profile=profile.key))
