"""The token page: an organisation's admins make, list and revoke API tokens.

Only organisation admins (stepwise.accounts.access.get_admin_organisation_for_user)
see it; anyone else gets 404. A new token's secret is shown once, on the page
answering the POST that made it, and never stored: only its SHA-256 is.
"""

from pathlib import Path

import ninja
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control

from stepwise.accounts.access import get_admin_organisation_for_user

from .models import ApiToken
from .services import ApiTokenError, token_create, token_revoke

# The Swagger UI files the docs page needs, from the ninja package (no CDN: the CSP is 'self').
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}
NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"


def _get_token(organisation, pk: int) -> ApiToken:
    token = organisation.api_tokens.filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")
    return token


@login_required
def api_tokens(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation = get_admin_organisation_for_user(request.user, org_id)
    context: dict[str, object] = {"organisation": organisation, "name": ""}
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            token, secret = token_create(
                organisation=organisation, name=name, created_by=request.user
            )
        except ApiTokenError as e:
            context.update(error=str(e), name=name)
        else:
            response = render(
                request,
                "api/token_created.html",
                {"organisation": organisation, "token": token, "secret": secret},
            )
            response["Cache-Control"] = "no-store"  # the secret must not sit in a cache
            return response
    context["tokens"] = organisation.api_tokens.select_related("created_by", "revoked_by")
    return render(request, "api/tokens.html", context, status=422 if "error" in context else 200)


@login_required
def api_token_revoke(request: HttpRequest, org_id: int, pk: int) -> HttpResponse:
    organisation = get_admin_organisation_for_user(request.user, org_id)
    token = _get_token(organisation, pk)
    if request.method == "POST":
        if token.active:
            token_revoke(token=token, revoked_by=request.user)
            messages.success(request, f"Token ‘{token.name}’ is revoked: it no longer works.")
        return redirect("api_tokens", org_id=organisation.pk)
    return render(request, "api/token_revoke.html", {"organisation": organisation, "token": token})


@cache_control(max_age=86400, public=True)
def api_docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """Serve one of the docs page's Swagger UI files (public, like any static file)."""
    if name not in DOCS_ASSETS:
        raise Http404("No such file")
    return FileResponse((NINJA_STATIC / name).open("rb"), content_type=DOCS_ASSETS[name])
