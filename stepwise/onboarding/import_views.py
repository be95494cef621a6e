"""A school's imports: the upload page and its progress, and the history of every import.

Any of the school's staff read its history and an upload's outcome; its attendance
officers and admins upload. Lookups go through stepwise.accounts.access; an upload
of another school answers 404.
"""

import io

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from stepwise.accounts.access import has_school_role, require_school_role
from stepwise.accounts.models import Membership
from stepwise.audit.services import audit_record
from stepwise.register.importers.vendors import BUILT_IN, import_profile_set, profiles_for
from stepwise.register.models import ImportRun, SchoolImportProfile
from stepwise.schools.access import get_school_for_user
from stepwise.schools.models import School
from stepwise.web.csvfiles import csv_writer
from stepwise.web.files import download
from stepwise.web.names import display_name
from stepwise.web.paging import paginate

from .models import ImportUpload
from .uploads import upload_refusal, upload_start

R = Membership.Role
UPLOADERS = (R.ATTENDANCE_OFFICER, R.SCHOOL_ADMIN, R.ORG_ADMIN)
PROFILE_SAVERS = (R.SCHOOL_ADMIN, R.ORG_ADMIN)  # a setting of the school, as its code mappings
RUNS_PER_PAGE = 50
PROBLEMS_SHOWN = 200
POLL_SECONDS = 1
KIND_HINTS: dict[str, str] = {
    ImportRun.Kind.ROSTER: "Students and their enrolments: the first file, and after any change",
    ImportRun.Kind.CAREGIVERS: "Parents and carers, and which students they care for",
    ImportRun.Kind.REGISTER: "Attendance marks, one row per student, day and session",
}


def _get_upload(user, code: str, pk: int) -> tuple[School, ImportUpload]:
    school = get_school_for_user(user, code)
    found = ImportUpload.objects.filter(school=school, pk=pk).select_related(
        "import_run", "requested_by"
    )
    upload = found.first()
    if upload is None:
        raise Http404("No such upload")
    return school, upload


def _saved_profile(school: School) -> str:
    saved = SchoolImportProfile.objects.filter(school=school).first()
    return saved.profile if saved is not None else ""


def _start(
    request: HttpRequest, school: School, kind: str, profile: str
) -> ImportUpload | dict[str, str]:
    """Start importing the request's file; return the upload, or what is wrong by field.

    A file too big or of the wrong kind is refused before it is read: the request
    says its name and size. A school admin may save the file's format for the school.
    """
    found = request.FILES.get("upload")
    if found is None:
        return {"upload": "Choose a CSV file to upload"}
    name = found.name or "upload.csv"
    refused = upload_refusal(kind=kind, name=name, size=found.size or 0, school=school,
                             profile=profile)  # fmt: skip
    if refused:
        return refused
    try:
        upload = upload_start(
            school=school,
            kind=kind,
            name=name,
            content=found.read(),
            by=request.user,  # type: ignore[arg-type]
            profile=profile,
        )
    except ValidationError as e:
        return {k: " ".join(v) for k, v in e.message_dict.items()}
    if profile and request.POST.get("save_profile") and _may_save_profile(request, school):
        import_profile_set(school=school, profile=BUILT_IN[profile], mappings={})
        audit_record(request=request, organisation=school.organisation, action="change",
                     object_type="import_profile", object_id=school.code,
                     detail=f"register files read as {BUILT_IN[profile].name}")  # fmt: skip
    audit_record(
        request=request,
        organisation=school.organisation,
        action="change",
        object_type="upload",
        object_id=upload.pk,
        detail=f"{upload.get_kind_display()} file {upload.file_name} uploaded",
    )
    return upload


@login_required
def imports(request: HttpRequest, code: str) -> HttpResponse:
    """List the school's imports and pushes, newest first; upload a file."""
    school = get_school_for_user(request.user, code)
    may_upload = has_school_role(request.user, school, UPLOADERS)
    errors: dict[str, str] = {}
    kind = request.POST.get("kind", "")
    saved = _saved_profile(school)
    profile = request.POST.get("profile", "") if request.method == "POST" else saved
    if request.method == "POST":
        require_school_role(request.user, school, UPLOADERS)
        started = _start(request, school, kind, profile)
        if isinstance(started, ImportUpload):
            return redirect("upload", code=school.code, pk=started.pk)
        errors = started
    runs = (
        ImportRun.objects.filter(schools=school)
        .select_related("imported_by", "imported_by__api_token")
        .order_by("-started_at", "-id")
    )
    paged = paginate(request, runs, RUNS_PER_PAGE)
    context = {
        "school": school,
        "may_upload": may_upload,
        "errors": errors,
        "kind": kind,
        "kinds": [(k, label, KIND_HINTS[k]) for k, label in ImportRun.Kind.choices],
        "profile": profile,
        "saved_profile": saved,
        "profiles": profiles_for(school.pack),
        "may_save_profile": _may_save_profile(request, school),
        "runs": [(run, who_imported(run.imported_by)) for run in paged["page"]],
        **paged,
    }
    return render(request, "onboarding/imports.html", context, status=400 if errors else 200)


def _may_save_profile(request: HttpRequest, school: School) -> bool:
    return has_school_role(request.user, school, PROFILE_SAVERS)


@login_required
def upload(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Show an upload's progress, then every problem or what it changed.

    Polled by htmx (?part=progress) until it finishes; a refresh shows the same.
    """
    school, found = _get_upload(request.user, code, pk)
    fragment = request.GET.get("part") == "progress"
    context = {
        "school": school,
        "upload": found,
        "problems": found.problems[:PROBLEMS_SHOWN],
        "poll_seconds": POLL_SECONDS,
        "progress_url": request.path + "?part=progress",
    }
    template = "onboarding/_upload_progress.html" if fragment else "onboarding/upload.html"
    return render(request, template, context)


@login_required
def upload_problems(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Download every problem of a refused upload as CSV: line, column, problem."""
    school, found = _get_upload(request.user, code, pk)
    if found.status != ImportUpload.Status.REJECTED:
        raise Http404("This upload has no problems to download")
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["line", "column", "problem"])
    writer.writerows(found.problems)
    audit_record(
        request=request,
        organisation=school.organisation,
        action="download",
        object_type="upload",
        object_id=found.pk,
        detail=f"problems of {found.file_name}",
    )
    name = f"problems-{found.file_name.rsplit('.', 1)[0]}.csv"
    return download(out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", name)


def who_imported(user: User | None) -> str:
    """Return who ran an import: a person's name, an API token's name, or the command line."""
    if user is None:
        return "The command line"
    token = getattr(user, "api_token", None)
    if token is not None:
        return f"API token ‘{token.name}’"
    return display_name(user)
