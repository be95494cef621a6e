"""Two-factor sign-in (TOTP) for the people who can see the most: case staff and admins.

A signed-in user with one of TWO_FACTOR_ROLES who has not verified a code in this
session is sent to set up an authenticator app (first time) or to enter a code.
"""

import base64
from collections.abc import Callable, Iterable

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import memberships_for_request
from .models import Membership

R = Membership.Role
TWO_FACTOR_ROLES = (
    R.CASEWORKER,
    R.SERVICE_MANAGER,
    R.PROSECUTIONS_OFFICER,
    R.SCHOOL_ADMIN,
    R.ORG_ADMIN,
)
ALWAYS_ALLOWED = ("two_factor_setup", "two_factor_verify", "logout", "login")


def needs_two_factor(user, roles: Iterable[str] | None = None) -> bool:
    """Return whether the user must pass a second factor (`roles`: theirs, if already read)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:  # Django admin reaches every record
        return True
    if roles is not None:
        return any(role in TWO_FACTOR_ROLES for role in roles)
    return Membership.objects.filter(user_id=user.pk, role__in=TWO_FACTOR_ROLES).exists()


class RequireTwoFactorMiddleware:
    """Send case staff and admins to set up or enter a second factor before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.url_name in ALWAYS_ALLOWED:
            return None
        user = request.user
        if user.is_verified():  # type: ignore[union-attr]
            return None
        roles = [m[0] for m in memberships_for_request(request)]
        if not needs_two_factor(user, roles):
            return None
        confirmed = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
        target = "two_factor_verify" if confirmed else "two_factor_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6-digit code", "required": "Enter the 6-digit code"},
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


def _check(form: CodeForm, device: TOTPDevice) -> bool:
    """Return whether the form's code is right, explaining on the form why not."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error("code", "Too many wrong codes: wait a few seconds and try again")
        return False
    if device.verify_token(form.cleaned_data["code"].strip()):
        return True
    form.add_error("code", "That code is not right: check the time on your phone and try again")
    return False


def _qr_svg(uri: str) -> str:
    # segno writes plain SVG with no script, so it passes the CSP.
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator secret and confirm it with a first code."""
    user = request.user
    if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        return redirect(f"{reverse('two_factor_verify')}?next={_next(request)}")
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(form, device):
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_next(request))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "secret": secret, "qr": mark_safe(_qr_svg(device.config_url)),
         "next": _next(request)},
    )  # fmt: skip


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the user's confirmed authenticator."""
    device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(form, device):
        otp_login(request, device)
        return redirect(_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )
