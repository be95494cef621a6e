"""Writes for API tokens, Ed-Fi code mappings and idempotent pushes."""

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.audit.models import AuditEvent
from stepwise.schools.models import School

from .models import DEFAULT_RATE_PER_MINUTE, ApiToken, EdFiCodeMapping, IdempotentRequest

TOKEN_START = "swt_"
NAME_MAX = 100
KEY_MAX = 200


class ApiTokenError(ValueError):
    """A token could not be created or revoked as asked; `field` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    organisation: Organisation,
    name: str,
    created_by: User | AnonymousUser | None,
    rate_per_minute: int = DEFAULT_RATE_PER_MINUTE,
) -> tuple[ApiToken, str]:
    """Create a token for an organisation; return it and its secret, which is never stored.

    The token is `swt_<prefix>_<secret>`: the prefix finds the row, the whole is
    compared by its SHA-256.
    """
    name = " ".join(name.split())
    if not name:
        raise ApiTokenError("Enter a name for the token", field="name")
    if len(name) > NAME_MAX:
        raise ApiTokenError(f"Name must be {NAME_MAX} characters or fewer", field="name")
    if organisation.api_tokens.filter(name__iexact=name, revoked_at__isnull=True).exists():
        raise ApiTokenError("Your organisation already has a token with this name", field="name")
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    user = get_user_model().objects.create_user(f"api-token-{prefix}", is_active=False)
    user.set_unusable_password()
    user.save()
    created_by = created_by if isinstance(created_by, User) else None
    row = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        sha256=token_hash(token),
        user=user,
        rate_per_minute=rate_per_minute,
        created_by=created_by,
        created_at=timezone.now(),
    )
    AuditEvent.objects.create(
        user=created_by,
        organisation=organisation,
        action=AuditEvent.Action.CHANGE,
        object_type="api_token",
        object_id=prefix,
        detail=f"created API token {name}"[:300],
    )
    return row, token


@transaction.atomic
def token_revoke(*, token: ApiToken, revoked_by: User | AnonymousUser | None) -> ApiToken:
    """Revoke a token: it stops working at once. Revoking twice changes nothing."""
    revoked_by = revoked_by if isinstance(revoked_by, User) else None
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by
    )
    token.refresh_from_db()
    if updated:
        AuditEvent.objects.create(
            user=revoked_by,
            organisation=token.organisation,
            action=AuditEvent.Action.CHANGE,
            object_type="api_token",
            object_id=token.prefix,
            detail=f"revoked API token {token.name}"[:300],
        )
    return token


def token_authenticate(text: str) -> ApiToken | None:
    """Return the active token a bearer text names, or None."""
    if not text.startswith(TOKEN_START):
        return None
    prefix, _, secret = text[len(TOKEN_START) :].partition("_")
    if not prefix or not secret or len(text) > 200:
        return None
    found = (
        ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
        .select_related("organisation", "user")
        .first()
    )
    if found is None or not hmac.compare_digest(found.sha256, token_hash(text)):
        return None
    return found


def token_touch(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (saves a write per request)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Ed-Fi code mappings -----------------------------------------------------------------


class MappingError(ValueError):
    def __init__(self, problems: list[tuple[int, str, str]]):
        super().__init__("; ".join(m for _, _, m in problems))
        self.problems = problems  # (index, field, message)


@transaction.atomic
def edfi_mappings_set(*, school: School, mappings: list[tuple[str, str]]) -> list[EdFiCodeMapping]:
    """Replace the school's Ed-Fi mapping table with `mappings` (descriptor, code), all or none."""
    codes = school.rules.code_index
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for i, (descriptor, code) in enumerate(mappings):
        descriptor = descriptor.strip()
        if not descriptor:
            problems.append((i, "descriptor", "is empty"))
        elif len(descriptor) > 300:
            problems.append((i, "descriptor", "must be 300 characters or fewer"))
        elif descriptor in seen:
            problems.append(
                (i, "descriptor", f"{descriptor!r} is mapped twice (first at {seen[descriptor]})")
            )
        seen.setdefault(descriptor, i)
        if code not in codes:
            problems.append(
                (i, "code", f"{code!r} is not a code of the {school.rules.name} rule pack")
            )
    if problems:
        raise MappingError(problems)
    school.edfi_mappings.all().delete()
    return EdFiCodeMapping.objects.bulk_create(
        [EdFiCodeMapping(school=school, descriptor=d.strip(), code=c) for d, c in mappings]
    )


# --- Idempotent pushes -----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


class KeyReused(Exception):
    """The Idempotency-Key was used before with a different request."""


def request_digest(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def push_once(
    *, organisation: Organisation, key: str | None, digest: str, push: Callable[[], Answer]
) -> Answer:
    """Run a push at most once per Idempotency-Key, replaying the first success after.

    1. Without a key, just push (the importers are idempotent anyway).
    2. With a key seen before: the same request gets the stored answer; a different
       one raises KeyReused.
    3. Otherwise push and store the answer in the same transaction, so a crash can
       never leave the marks written and the key forgotten. Only successes are
       stored: a refused push changed nothing, and may be fixed and sent again.
    """
    if not key:
        return push()
    stored = IdempotentRequest.objects.filter(organisation=organisation, key=key).first()
    if stored is not None:
        if stored.request_sha256 != digest:
            raise KeyReused
        return Answer(stored.status, stored.response, replayed=True)
    try:
        with transaction.atomic():
            answer = push()
            if answer.status < 300:
                IdempotentRequest.objects.create(
                    organisation=organisation,
                    key=key,
                    request_sha256=digest,
                    status=answer.status,
                    # Encoded as the API encodes answers, so a replay matches the first.
                    response=json.loads(json.dumps(answer.body, cls=DjangoJSONEncoder)),
                    created_at=timezone.now(),
                )
    except IntegrityError:
        # The same key arrived twice at once: the other request won, and its push is
        # the one that counts (ours was rolled back whole). Answer as it did.
        stored = IdempotentRequest.objects.filter(organisation=organisation, key=key).first()
        if stored is None:
            raise
        if stored.request_sha256 != digest:
            raise KeyReused from None
        return Answer(stored.status, stored.response, replayed=True)
    return answer
