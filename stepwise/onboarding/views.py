"""The installation's administrator's pages (organisations) and each organisation's
admins' (its people).

Every organisation is looked up through stepwise.accounts.access: the installation's
pages answer 404 to anyone who does not administer it, and an organisation's people
page to anyone who is neither its admin nor the installation's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from stepwise.accounts.access import (
    get_organisation_for_installation_admin,
    get_people_organisation_for_user,
    require_installation_admin,
)
from stepwise.accounts.models import Organisation
from stepwise.schools.models import CatchmentSchool

from .forms import InviteForm, OrganisationForm, RolesForm
from .organisations import (
    OrganisationError,
    organisation_change,
    referring_services,
    school_create,
    service_create,
    team_create,
)
from .people import (
    Invitation,
    PeopleError,
    membership_end,
    people_of,
    person_invite,
    person_roles_set,
    roles_for,
    two_factor_reset,
)

K = Organisation.Kind
# The kinds an address names ("add/school/"), and what the pages call them.
KINDS = {"school": K.SCHOOL, "service": K.SERVICE, "team": K.PROSECUTIONS}
KIND_NAMES = {
    K.SCHOOL: "a school",
    K.SERVICE: "an attendance service",
    K.PROSECUTIONS: "a prosecutions team or local authority",
}


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    """List every organisation of the installation, by kind, with what each covers."""
    require_installation_admin(request.user)
    found = Organisation.objects.exclude(kind=K.INSTALLATION).select_related("school")
    catchments: dict[int, list[str]] = {}
    for service_id, name in CatchmentSchool.objects.values_list("service_id", "school__name"):
        catchments.setdefault(service_id, []).append(name)
    groups = []
    for kind, slug, add in (
        (K.SCHOOL, "school", "Add a school"),
        (K.SERVICE, "service", "Add an attendance service"),
        (K.PROSECUTIONS, "team", "Add a prosecutions team or local authority"),
    ):
        rows = [
            {
                "organisation": org,
                "covers": catchments.get(org.pk, []),
                "takes_from": [s.name for s in referring_services(org)]
                if kind == K.PROSECUTIONS
                else [],
            }
            for org in found.filter(kind=kind).order_by("name", "pk")
        ]
        groups.append({"label": K(kind).label, "slug": slug, "add": add, "rows": rows})
    return render(request, "onboarding/organisations.html", {"groups": groups})


def _form_error(form: OrganisationForm, error: OrganisationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@login_required
def organisation_add(request: HttpRequest, kind: str) -> HttpResponse:
    """Add a school, an attendance service with its catchment, or a team with its services."""
    require_installation_admin(request.user)
    if kind not in KINDS:
        raise Http404("No such kind of organisation")
    org_kind = KINDS[kind]
    form = OrganisationForm(request.POST or None, kind=org_kind, adding=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if org_kind == K.SCHOOL:
                created = school_create(
                    code=data["code"],
                    name=data["name"],
                    pack=data["pack"],
                    school_number=data["school_number"],
                ).organisation
            elif org_kind == K.SERVICE:
                created = service_create(
                    name=data["name"], pack=data["pack"], schools=list(data["schools"])
                )
            else:
                created = team_create(
                    name=data["name"], pack=data["pack"], services=list(data["services"])
                )
        except OrganisationError as e:
            _form_error(form, e)
        else:
            messages.success(request, f"{created.name} is added. Invite its first admin below.")
            return redirect("people", org_id=created.pk)
    return render(
        request,
        "onboarding/organisation_form.html",
        {"form": form, "title": f"Add {KIND_NAMES[org_kind]}"},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    """Rename an organisation; change a school's number, a catchment, a team's services."""
    organisation = get_organisation_for_installation_admin(request.user, org_id)
    school = getattr(organisation, "school", None) if organisation.kind == K.SCHOOL else None
    initial: dict[str, object] = {"name": organisation.name}
    if school is not None:
        initial["school_number"] = school.school_number
    if organisation.kind == K.SERVICE:
        initial["schools"] = [c.school_id for c in organisation.catchment.all()]
    if organisation.kind == K.PROSECUTIONS:
        initial["services"] = [s.pk for s in referring_services(organisation)]
    form = OrganisationForm(
        request.POST or None, initial=initial, kind=organisation.kind, adding=False
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation_change(
                organisation=organisation,
                name=data["name"],
                school_number=data.get("school_number", ""),
                schools=list(data["schools"]) if "schools" in data else None,
                services=list(data["services"]) if "services" in data else None,
            )
        except OrganisationError as e:
            _form_error(form, e)
        else:
            messages.success(request, f"{organisation.name} is changed.")
            return redirect("organisations")
    return render(
        request,
        "onboarding/organisation_form.html",
        {"form": form, "title": f"Change {organisation.name}", "organisation": organisation},
        status=400 if form.errors else 200,
    )


# --- An organisation's people ----------------------------------------------------------


def _invitation_page(
    request: HttpRequest, organisation: Organisation, invitation: Invitation, what: str
) -> HttpResponse:
    response = render(
        request,
        "onboarding/invitation.html",
        {"organisation": organisation, "invitation": invitation, "what": what},
    )
    response["Cache-Control"] = "no-store"  # the link is a secret
    return response


@login_required
def people(request: HttpRequest, org_id: int) -> HttpResponse:
    """List the organisation's people and their roles; invite someone."""
    organisation = get_people_organisation_for_user(request.user, org_id)
    form = InviteForm(request.POST or None, roles=roles_for(organisation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = person_invite(
                organisation=organisation,
                email=data["email"],
                role=data["role"],
                by=request.user,  # type: ignore[arg-type]
                given_name=data["given_name"],
                family_name=data["family_name"],
            )
        except PeopleError as e:
            form.add_error(e.field if e.field in form.fields else None, str(e))
        else:
            return _invitation_page(request, organisation, invitation, "invited")
    return render(
        request,
        "onboarding/people.html",
        {"organisation": organisation, "people": people_of(organisation), "form": form},
        status=400 if form.errors else 200,
    )


def _member(organisation: Organisation, user_id: int):
    for found in people_of(organisation):
        if found.user.pk == user_id:
            return found
    raise Http404("No such person")


@login_required
def member(request: HttpRequest, org_id: int, user_id: int) -> HttpResponse:
    """Change a member's roles."""
    organisation = get_people_organisation_for_user(request.user, org_id)
    member = _member(organisation, user_id)
    form = RolesForm(
        request.POST or None,
        initial={"roles": member.role_keys},
        roles=roles_for(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_roles_set(
                organisation=organisation,
                user_id=user_id,
                roles=form.cleaned_data["roles"],
                by=request.user,  # type: ignore[arg-type]
            )
        except PeopleError as e:
            form.add_error("roles", str(e))
        else:
            messages.success(request, f"{member.user.get_username()}'s roles are changed.")
            return redirect("people", org_id=organisation.pk)
    return render(
        request,
        "onboarding/person.html",
        {"organisation": organisation, "person": member, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def member_end(request: HttpRequest, org_id: int, user_id: int) -> HttpResponse:
    """End a member's membership, after asking."""
    organisation = get_people_organisation_for_user(request.user, org_id)
    member = _member(organisation, user_id)
    error = ""
    if request.method == "POST":
        try:
            membership_end(organisation=organisation, user_id=user_id, by=request.user)  # type: ignore[arg-type]
        except PeopleError as e:
            error = str(e)
        else:
            messages.success(
                request,
                f"{member.user.get_username()} is no longer one of {organisation.name}'s people.",
            )
            return redirect("people", org_id=organisation.pk)
    return render(
        request,
        "onboarding/person_confirm.html",
        {"organisation": organisation, "person": member, "action": "end", "error": error},
        status=400 if error else 200,
    )


@login_required
def member_two_factor_reset(request: HttpRequest, org_id: int, user_id: int) -> HttpResponse:
    """Remove a member's authenticator and show a link to set up a new one, after asking."""
    organisation = get_people_organisation_for_user(request.user, org_id)
    member = _member(organisation, user_id)
    error = ""
    if request.method == "POST":
        try:
            invitation = two_factor_reset(
                organisation=organisation,
                user_id=user_id,
                by=request.user,  # type: ignore[arg-type]
            )
        except PeopleError as e:
            error = str(e)
        else:
            return _invitation_page(request, organisation, invitation, "reset")
    return render(
        request,
        "onboarding/person_confirm.html",
        {"organisation": organisation, "person": member, "action": "reset", "error": error},
        status=400 if error else 200,
    )
