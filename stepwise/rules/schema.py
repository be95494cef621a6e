"""The shape of a rule pack file: every table, key and type a pack may hold.

A pack is checked against it as it is read, before anything else looks at it, so a
misspelt key or a value of the wrong type fails at load naming the file and the key,
rather than silently falling back to a default.
"""

from datetime import date
from pathlib import Path
from typing import Any

# A key's type: a Python type, "any str" tables (free keys, text values), a list of
# one type, a nested table (dict) or an array of tables ([dict]).
TEXT_TABLE = "table of text"
NUMBER = (int, float)


def _list(of: type | tuple[type, ...]) -> tuple[str, Any]:
    return ("list", of)


LEVEL = {"key": str, "name": str, "colour": str, "below": NUMBER, "at_most": NUMBER}
SOURCE = {"source": str}

SCHEMA: dict[str, Any] = {
    "pack": {
        "key": str,
        "name": str,
        "country": str,
        "subdivision": str,
        "sources": _list(str),
        "extends": str,
    },
    "words": TEXT_TABLE,
    "notes": TEXT_TABLE,
    "codes": [
        {
            "code": str,
            "meaning": str,
            "half_day": str,
            "category": str,
            "in_class": bool,
            "confirmed": bool,
            "note": str,
            "valid_from": date,
            "valid_until": date,
            "replaced_by": str,
            "unresolved": bool,
            **SOURCE,
        }
    ],
    "thresholds": [
        {
            "key": str,
            "label": str,
            "measure": str,
            "window": str,
            "sessions": int,
            "weeks": int,
            "ongoing_days": int,
            "forecast": bool,
            "note": str,
            **SOURCE,
        }
    ],
    "rates": [
        {
            "key": str,
            "label": str,
            "measure": str,
            "at_least": NUMBER,
            "window": str,
            "note": str,
            **SOURCE,
        }
    ],
    "tiers": {"measure": str, "levels": [LEVEL], **SOURCE},
    "bands": {"levels": [LEVEL], **SOURCE},
    "regular": {
        "above_percent": NUMBER,
        "target_percent": NUMBER,
        "target_note": str,
        "national_goal": bool,
        **SOURCE,
    },
    "forecast": {"within_school_days": int},
    "imports": {"profiles": _list(str), **SOURCE},
    "calendar": {
        "term_names": _list(str),
        "year_starts_month": int,
        "schools_set_dates": bool,
        "time_zone": str,
        **SOURCE,
    },
    "terms": [
        {
            "year": int,
            "number": int,
            "start": date,
            "end": date,
            "start_earliest": date,
            "start_latest": date,
            "end_earliest": date,
            "end_latest": date,
            "closed": _list(list),
            "confirmed": bool,
            **SOURCE,
        }
    ],
    "responses": {
        "due_hours": int,
        "due_skips": _list(str),
        "critical_school_days": int,
        "types": [{"key": str, "label": str, "descriptions": _list(str)}],
        **SOURCE,
    },
    "engagement": {
        "attempts": int,
        "refusals": int,
        "within_days": int,
        "no_contact_days": int,
        "next_step": str,
        "pathway_warning": str,
        **SOURCE,
    },
    "cases": {
        "others_involved_hint": str,
        "reasons": TEXT_TABLE,
        "log_kinds": TEXT_TABLE,
        "agency_kinds": TEXT_TABLE,
    },
    "letters": {
        "min_days_between": int,
        "attempt_since_last": bool,
        "follow_up_days": int,
        "school_days_per_year": int,
        "earlier_letters_warning": str,
        "batch_threshold": str,
        "recent_within_days": int,
        **SOURCE,
        "sets": [
            {
                "key": str,
                "label": str,
                "case_reasons": _list(str),
                "referral_label": str,
                "letters": [
                    {
                        "key": str,
                        "step": int,
                        "title": str,
                        "purpose": str,
                        "content": _list(str),
                        "response_description": str,
                        "optional": bool,
                        "before_referral": bool,
                        "on_referral": bool,
                        "min_days_between": int,
                        "attempt_since_last": bool,
                        "preconditions": [{"key": str, "text": str}],
                        "inputs": [{"key": str, "label": str, "hint": str}],
                    }
                ],
            }
        ],
    },
    "readiness": {
        "key": str,
        "label": str,
        "team": str,
        "notification_only": bool,
        **SOURCE,
        "items": [
            {
                "key": str,
                "group": str,
                "text": str,
                "check": str,
                "step": int,
                "minimum": int,
                "times": int,
                "prompt": str,
                "case_reasons": _list(str),
                "threshold": str,
                "period": str,
                "recent_days": int,
                "kinds": _list(str),
                "outcomes": _list(str),
                "agency_kinds": _list(str),
                "answers": [{"key": str, "text": str, "state": str}],
            }
        ],
    },
}


def _type_name(kind: Any) -> str:
    if isinstance(kind, tuple) and kind and kind[0] == "list":
        return f"a list of {_type_name(kind[1])}"
    if kind == NUMBER:
        return "a number"
    if isinstance(kind, tuple):
        return " or ".join(_type_name(k) for k in kind)
    if isinstance(kind, dict):
        return "a table"
    if isinstance(kind, list):
        return "an array of tables ([[...]])"
    if kind == TEXT_TABLE:
        return "a table of text values"
    return {str: "text", int: "a whole number", bool: "true or false", date: "a date",
            list: "a list"}.get(kind, str(kind))  # fmt: skip


def _fits(value: Any, kind: Any) -> bool:
    if isinstance(kind, tuple) and kind and kind[0] == "list":
        return isinstance(value, list) and all(_fits(v, kind[1]) for v in value)
    if isinstance(kind, tuple):
        return any(_fits(value, k) for k in kind)
    if kind is int or kind is float:
        # TOML booleans are not numbers here, though Python says True is an int.
        return isinstance(value, kind) and not isinstance(value, bool)
    return isinstance(value, kind)


def check(data: dict[str, Any], path: Path) -> None:
    """Raise ValueError naming the file and key of the first value the schema does not allow."""
    _table(data, SCHEMA, path.name, "")


def _table(data: dict[str, Any], shape: dict[str, Any], file: str, where: str) -> None:
    for key, value in data.items():
        at = f"{where}.{key}" if where else key
        if key not in shape:
            known = ", ".join(sorted(shape))
            raise ValueError(f"{file}: unknown key {at!r} (allowed here: {known})")
        kind = shape[key]
        if isinstance(kind, dict):
            if not isinstance(value, dict):
                raise ValueError(f"{file}: {at} must be a table, not {value!r}")
            _table(value, kind, file, at)
        elif isinstance(kind, list):
            if not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
                raise ValueError(f"{file}: {at} must be an array of tables ([[{at}]])")
            for i, row in enumerate(value, start=1):
                _table(row, kind[0], file, f"{at}[{i}]")
        elif kind == TEXT_TABLE:
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError(f"{file}: {at} must be a table of text values")
        elif not _fits(value, kind):
            raise ValueError(f"{file}: {at} must be {_type_name(kind)}, not {value!r}")
