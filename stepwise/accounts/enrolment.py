"""Enrolment links: how someone whose role needs two-factor sign-in sets up an authenticator.

A password alone never sets up the second factor: an administrator makes a one-time
link (`stepwise user enrolment-link USERNAME`), sends it to the person by a way other
than their password, and the person opens it, gives their password and confirms a
code from a new authenticator (stepwise.accounts.two_factor.two_factor_enrol).

A link is a random secret of 256 bits; only its SHA-256 is kept. It expires after
ENROLMENT_LINK_DAYS, works once, and a newer link for the same person ends an unused
older one. Completing it replaces any authenticator the person had (a lost phone).
Invitations build on the same link: make one with `enrolment_link_create`.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import EnrolmentLink

ENROLMENT_LINK_DAYS = 7


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_link_create(
    *,
    user: User,
    by: User | None = None,
    now: datetime | None = None,
    days: int = ENROLMENT_LINK_DAYS,
) -> tuple[EnrolmentLink, str]:
    """Make a one-time link for the user to set up two-factor sign-in; return it and its address.

    The address holds the secret and is never kept: show it once, to whoever sends it.
    An earlier link of the user's that is still unused expires now.
    """
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        EnrolmentLink.objects.filter(
            user_id=user.pk, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        link = EnrolmentLink.objects.create(
            user=user,
            token_hash=_hash(token),
            created_by=by,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    address = settings.STEPWISE_SITE_URL.rstrip("/") + reverse("two_factor_enrol", args=[token])
    return link, address


def enrolment_link_find(token: str) -> EnrolmentLink | None:
    """Return the link with this secret, used or not, or None."""
    return EnrolmentLink.objects.filter(token_hash=_hash(token)).select_related("user").first()


def enrolment_link_use(
    *, link: EnrolmentLink, device: TOTPDevice, now: datetime | None = None
) -> bool:
    """Confirm the device with the link, once; return False if the link was used or expired.

    1. Mark the link used, if it is still unused and unexpired (a conditional update:
       two tabs cannot both use it).
    2. Confirm the device and remove the user's other authenticators.
    """
    now = now or timezone.now()
    with transaction.atomic():
        used = EnrolmentLink.objects.filter(
            pk=link.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if used != 1:
            return False
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user_id=link.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    return True
