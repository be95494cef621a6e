"""Writes for an organisation's Word templates: add one for a letter (checked first), remove one."""

import hashlib
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from stepwise.accounts.models import Organisation

from ..models import WordTemplate
from .filling import template_check

FILE_NAME_MAX = 200


def word_template_add(
    *,
    organisation: Organisation,
    letter_key: str,
    file_name: str,
    content: bytes,
    by: User,
    now: datetime | None = None,
) -> WordTemplate:
    """Make the file the organisation's Word template for the letter, replacing any before.

    1. Check it: every placeholder is one Stepwise fills, and it fills with sample
       values within the limits (raise WordTemplateError saying what is wrong).
    2. In one transaction: remove the letter's earlier template, keep this one.
    """
    fields = template_check(content)
    with transaction.atomic():
        WordTemplate.objects.filter(organisation=organisation, letter_key=letter_key).delete()
        return WordTemplate.objects.create(
            organisation=organisation,
            letter_key=letter_key,
            file_name=file_name[:FILE_NAME_MAX],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            fields=", ".join(sorted(fields)),
            uploaded_by=by,
            uploaded_at=now or timezone.now(),
        )


def word_template_remove(*, organisation: Organisation, letter_key: str) -> bool:
    """Remove the organisation's Word template for the letter; return whether it had one."""
    removed, _ = WordTemplate.objects.filter(
        organisation=organisation, letter_key=letter_key
    ).delete()
    return bool(removed)
