"""A pack's codes are append-only: a code's position is the byte stored in every register.

Each pack has a committed lock file, `stepwise/rules/packs/<key>.codes.lock`, one code a
line. The pack's code list must start with it. To add a code, append it to the pack and
then to the lock file; never edit or remove a line.
"""

import pytest

from stepwise.rules.pack import PACK_DIR, available_packs, load_pack


def append_only_problem(locked: list[str], codes: list[str]) -> str | None:
    """Return why `codes` breaks the locked list, or None if it only appends to it."""
    for position, code in enumerate(locked, start=1):
        if position > len(codes):
            return (
                f"code {code!r} at position {position} was removed: codes are append-only "
                "(retire a code with current = false instead)"
            )
        if codes[position - 1] != code:
            return (
                f"position {position} held {code!r} and now holds {codes[position - 1]!r}: "
                "codes are append-only, every register byte would change meaning"
            )
    return None


def _lock(key: str) -> list[str]:
    return (PACK_DIR / f"{key}.codes.lock").read_text().splitlines()


@pytest.mark.parametrize("key", available_packs())
def test_pack_codes_start_with_the_committed_lock_list(key):
    lock = PACK_DIR / f"{key}.codes.lock"
    assert lock.exists(), f"commit {lock.name} (one code a line) with the {key} pack"
    problem = append_only_problem(_lock(key), [c.code for c in load_pack(key).codes])
    assert problem is None, f"{key}: {problem}"


@pytest.mark.parametrize("key", available_packs())
def test_a_lock_list_is_non_empty_and_has_no_blank_lines(key):
    locked = _lock(key)
    assert locked
    assert all(line and line == line.strip() for line in locked)


def test_adding_a_code_at_the_end_is_allowed():
    assert append_only_problem(["P", "L", "?"], ["P", "L", "?", "N"]) is None


def test_changing_a_code_is_refused_as_not_append_only():
    problem = append_only_problem(["P", "L", "?"], ["P", "T", "?"])
    assert problem is not None
    assert "append-only" in problem
    assert "position 2" in problem


def test_removing_a_code_is_refused_as_not_append_only():
    problem = append_only_problem(["P", "L", "?"], ["P", "L"])
    assert problem is not None
    assert "append-only" in problem
    assert "'?'" in problem


def test_inserting_a_code_in_the_middle_is_refused():
    assert append_only_problem(["P", "L", "?"], ["P", "N", "L", "?"]) is not None
