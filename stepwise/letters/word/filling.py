"""A service's own Word (DOCX) letter templates, filled with docxtpl.

A template may use only the placeholders in WORD_FIELDS: the letter's values
(wording.FIELDS), the parts of the built-in letter in the caregiver's language (so a
service may keep its letterhead and layout but our words), and the addresses and
signatory. Anything else is refused when the template is uploaded, so a letter never
goes out with a blank or with something the template reached for on its own.

Templates run in Jinja's sandbox with autoescaping: values are text, never markup,
and a template cannot reach Python objects. A template is code its uploader wrote, so
filling one has hard limits (LIMITS): ranges of at most 1,000 numbers, 10,000 loop
steps, texts and numbers of bounded size, bounded output, and a time limit, checked
as the template runs (an iteration counter and a clock, no signals or threads). A
template is test-filled with sample values when it is uploaded (template_check), so
one that breaks a limit or fails is refused then; any failure later refuses the
letter with a message. Pure: no Django.
"""

import io
import zipfile

from docxtpl import DocxTemplate
from jinja2 import TemplateError

from ..wording import CORE_PARTS, FIELDS, LEGAL_PARTS, Composed
from .limits import LIMITS, LimitedEnvironment, LimitError, Limits

# The parts of the built-in letter, and the letter's head and foot.
LETTER_PARTS = {
    "greeting",
    "subject",
    "numbers",
    *CORE_PARTS,
    "legal_heading",
    *LEGAL_PARTS,
    "sign_off",
}
HEAD_FIELDS = {
    "date",
    "letter_title",
    "caregiver_address",
    "sender_name",
    "sender_address",
    "sender_phone",
    "sender_email",
    "signatory",
    "signatory_title",
}
WORD_FIELDS = frozenset(FIELDS) | LETTER_PARTS | HEAD_FIELDS
MAX_BYTES = 5 * 1024 * 1024


class WordTemplateError(ValueError):
    """An uploaded Word template cannot be used."""


__all__ = ["LIMITS", "Limits"]


def _template(content: bytes) -> DocxTemplate:
    if len(content) > MAX_BYTES:
        raise WordTemplateError("A Word template must be 5 MB or smaller")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise WordTemplateError("This is not a Word (.docx) file")
    try:
        template = DocxTemplate(io.BytesIO(content))
        template.init_docx()
    except Exception as e:  # python-docx raises several kinds for a broken package
        raise WordTemplateError(f"This Word file cannot be read: {e}") from e
    return template


def template_fields(content: bytes) -> set[str]:
    """Return the placeholders a Word template uses; raise WordTemplateError if it is unusable."""
    template = _template(content)
    try:
        fields = template.get_undeclared_template_variables(jinja_env=LimitedEnvironment())
    except LimitError as e:
        raise WordTemplateError(str(e)) from e
    except TemplateError as e:
        raise WordTemplateError(f"The template has a mistake in a placeholder: {e}") from e
    unknown = fields - WORD_FIELDS
    if unknown:
        raise WordTemplateError(
            "The template uses placeholders Stepwise does not fill: "
            + ", ".join(sorted(unknown))
            + ". Use only: "
            + ", ".join(sorted(WORD_FIELDS))
        )
    return set(fields)


def sample_context() -> dict[str, str]:
    """Return a value for every placeholder, to test-fill a template when it is uploaded."""
    return {name: f"Sample {name.replace('_', ' ')}" for name in sorted(WORD_FIELDS)}


def template_check(content: bytes) -> set[str]:
    """Return the placeholders a Word template uses, once it has been filled with sample values.

    Raise WordTemplateError, saying what is wrong, if it uses a placeholder Stepwise does
    not fill, breaks a limit or fails when filled.
    """
    fields = template_fields(content)
    render_docx(content, sample_context())
    return fields


def word_context(
    *, values: dict[str, str], composed: Composed, data: dict[str, object]
) -> dict[str, str]:
    """Return every WORD_FIELDS value for one recipient's letter."""
    sender = data["sender"]
    recipient = data["recipient"]
    assert isinstance(sender, dict) and isinstance(recipient, dict)
    parts = dict(zip(CORE_PARTS, composed.core, strict=True))
    parts |= dict(zip(LEGAL_PARTS, composed.legal, strict=True))
    return {
        **{name: values.get(name, "") for name in FIELDS},
        **parts,
        "greeting": composed.greeting,
        "subject": composed.subject,
        "numbers": composed.numbers,
        "legal_heading": composed.legal_heading,
        "sign_off": composed.sign_off,
        "date": str(data["date"]),
        "letter_title": str(data["title"]),
        "caregiver_address": ", ".join(recipient["address"]),
        "sender_name": sender["name"],
        "sender_address": ", ".join(sender["address"]),
        "sender_phone": sender["phone"],
        "sender_email": sender["email"],
        "signatory": sender["signatory"],
        "signatory_title": sender["signatory_title"],
    }


def render_docx(content: bytes, context: dict[str, str], *, limits: Limits = LIMITS) -> bytes:
    """Return the Word template filled with `context`, as DOCX bytes, within `limits`."""
    template = _template(content)
    try:
        template.render(context, jinja_env=LimitedEnvironment(limits), autoescape=True)
    except LimitError as e:
        raise WordTemplateError(str(e)) from e
    except Exception as e:  # the template is its uploader's code: any failure is theirs to fix
        raise WordTemplateError(f"The template could not be filled: {e}") from e
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
