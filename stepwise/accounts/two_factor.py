"""Two-factor sign-in (TOTP) for the people who can see the most: case staff and admins.

A signed-in user with one of TWO_FACTOR_ROLES who has not verified a code in this
session is sent to enter a code. One without a confirmed authenticator cannot sign in
at all (stepwise.accounts.forms.SignInForm): their authenticator is set up only
through an enrolment link an administrator sends (stepwise.accounts.enrolment), never
on a first sign-in with a password alone.
"""

import base64
from collections.abc import Callable, Iterable

import segno
from django import forms
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import memberships_for_request
from .enrolment import enrolment_link_find, enrolment_link_use
from .models import EnrolmentLink, Membership

R = Membership.Role
TWO_FACTOR_ROLES = (
    R.CASEWORKER,
    R.SERVICE_MANAGER,
    R.PROSECUTIONS_OFFICER,
    R.SCHOOL_ADMIN,
    R.ORG_ADMIN,
)
ALWAYS_ALLOWED = ("two_factor_missing", "two_factor_verify", "two_factor_enrol", "logout", "login")
# The session remembers the enrolment link whose password was given, between the steps.
ENROLLING = "stepwise_enrolment_link"


def needs_two_factor(user, roles: Iterable[str] | None = None) -> bool:
    """Return whether the user must pass a second factor (`roles`: theirs, if already read)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:  # Django admin reaches every record
        return True
    if roles is not None:
        return any(role in TWO_FACTOR_ROLES for role in roles)
    return Membership.objects.filter(user_id=user.pk, role__in=TWO_FACTOR_ROLES).exists()


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


class RequireTwoFactorMiddleware:
    """Send case staff and admins to enter a second factor before anything else."""

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
        if not has_authenticator(user):
            return redirect("two_factor_missing")
        return redirect(f"{reverse('two_factor_verify')}?next={request.get_full_path()}")


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
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the user's confirmed authenticator."""
    device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).first()
    if device is None:
        return redirect("two_factor_missing")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(form, device):
        otp_login(request, device)
        return redirect(_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
def two_factor_missing(request: HttpRequest) -> HttpResponse:
    """Tell someone whose role needs an authenticator, and who has none, how to get one."""
    if has_authenticator(request.user) or not needs_two_factor(request.user):
        return redirect("home")
    return render(request, "accounts/two_factor_missing.html")


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )


def two_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """Set up an authenticator through an enrolment link: the password, then a first code.

    1. The link must exist (404), be unused and unexpired (410, saying which).
    2. The person gives their password (wrong ones count towards the sign-in pause),
       or, invited and without one yet, chooses it.
    3. They add the new key to an authenticator app and enter its code: the link is
       used, the authenticator confirmed, and they are signed in with both factors.
    """
    link = enrolment_link_find(token)
    if link is None:
        raise Http404("No such enrolment link")
    if gone := _link_gone(link):
        return render(request, "accounts/enrolment_gone.html", {"why": gone}, status=410)
    user = link.user
    if request.session.get(ENROLLING) != link.pk:
        if not user.has_usable_password():  # invited: they choose their first password
            return _enrolment_new_password(request, link)
        return _enrolment_password(request, link)
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(form, device):
        if not enrolment_link_use(link=link, device=device):
            link.refresh_from_db()
            why = _link_gone(link) or "used"
            return render(request, "accounts/enrolment_gone.html", {"why": why}, status=410)
        request.session.pop(ENROLLING, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, device)
        return redirect("home")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "secret": secret, "qr": mark_safe(_qr_svg(device.config_url))},
    )


def _enrolment_password(request: HttpRequest, link: EnrolmentLink) -> HttpResponse:
    """Ask for the password of the link's user; remember in the session that it was given."""
    user = link.user
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if found is not None and found.pk == user.pk:
            request.session[ENROLLING] = link.pk
            return redirect(request.path)
        form.add_error("password", "That password is not right")
    return render(
        request,
        "accounts/enrolment_password.html",
        {"form": form, "username": user.get_username()},
        status=400 if form.errors else 200,
    )


class NewPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Choose a password"},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Type the password again"},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same")
        elif first:
            try:
                validate_password(first, self.user)
            except ValidationError as e:
                self.add_error("password1", e)
        return data


def _enrolment_new_password(request: HttpRequest, link: EnrolmentLink) -> HttpResponse:
    """Let an invited person, who has no password yet, choose one; then go on to the code."""
    user = link.user
    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        user.set_password(form.cleaned_data["password1"])
        user.save(update_fields=["password"])
        request.session[ENROLLING] = link.pk
        return redirect(request.path)
    return render(
        request,
        "accounts/enrolment_new_password.html",
        {"form": form, "username": user.get_username()},
        status=400 if form.errors else 200,
    )


def _link_gone(link: EnrolmentLink) -> str:
    """Return why the link no longer works ("used", "expired"), or "" while it does."""
    if link.used_at is not None:
        return "used"
    if link.expires_at <= timezone.now():
        return "expired"
    return ""
