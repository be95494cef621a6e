"""The subject access page: a school admin downloads everything held about one student.

The school and the student are found only through stepwise.schools.access
(get_school_for_user, get_student_for_user): outsiders get 404. The school's
other staff get 403. Opening the page is audited as a view of the student's
record, the download as an export.
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from stepwise.audit.services import audit_record
from stepwise.schools.access import get_school_for_user, get_student_for_user

from .access import require_subject_access
from .selectors import subject_access_tables, withheld_notes
from .services import subject_access_file_name, write_subject_access

SPOOL_BYTES = 16 * 1024 * 1024  # one student's export stays in memory up to this size


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, code: str, national_id: str) -> HttpResponseBase:
    school = get_school_for_user(request.user, code)
    # The role check comes before the student is looked up, so the school's other staff
    # get 403 whether or not the student exists.
    require_subject_access(request.user, school)
    student = get_student_for_user(request.user, school, national_id)
    username = request.user.get_username()
    if request.method == "POST":
        now = timezone.now()
        # FileResponse closes the file once it is sent, so no context manager here.
        file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        export = write_subject_access(
            file, school=school, student=student, produced_by=username, now=now
        )
        audit_record(
            request=request,
            organisation=school.organisation,
            action="export",
            object_type="student",
            object_id=student.pk,
            detail=f"{school.code} subject access request: {len(export.files)} files, "
            f"{export.withheld.total} private notes withheld",
        )
        file.seek(0)
        return FileResponse(
            file,
            as_attachment=True,
            filename=subject_access_file_name(school, student, timezone.localdate(now)),
            content_type="application/zip",
        )
    audit_record(
        request=request,
        organisation=school.organisation,
        action="view",
        object_type="student",
        object_id=student.pk,
        detail=f"{school.code} subject access page",
    )
    context = {
        "school": school,
        "student": student,
        "tables": subject_access_tables(school, student),
        "withheld": withheld_notes(school, student),
        "student_url": reverse("student", args=[school.code, student.national_id]),
    }
    return render(request, "privacy/subject_access.html", context)
