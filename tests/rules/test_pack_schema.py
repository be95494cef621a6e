"""A rule pack is parsed strictly: a misspelt key or a wrong type fails at load, named."""

import pytest

from stepwise.rules import pack as packs
from stepwise.rules.pack import PackError, load_pack


@pytest.fixture
def pack_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(packs, "PACK_DIR", tmp_path)
    load_pack.cache_clear()
    yield tmp_path
    load_pack.cache_clear()


def write_changed(pack_dir, key: str, old: str, new: str) -> None:
    text = (packs.Path(packs.__file__).parent / "packs" / "nz.toml").read_text()
    assert old in text
    (pack_dir / f"{key}.toml").write_text(text.replace(old, new, 1).replace('"nz"', f'"{key}"', 1))


def test_a_pack_with_a_misspelt_key_fails_to_load_naming_the_file_and_key(pack_dir):
    write_changed(pack_dir, "typo", "target_percent = 80", "target_percnt = 80")
    with pytest.raises(PackError) as refused:
        load_pack("typo")
    assert "typo.toml: unknown key 'regular.target_percnt'" in str(refused.value)


def test_a_misspelt_key_in_a_code_names_the_code_row(pack_dir):
    write_changed(pack_dir, "codes", 'half_day = "present"', 'halfday = "present"')
    with pytest.raises(PackError, match=r"codes.toml: unknown key 'codes\[1\].halfday'"):
        load_pack("codes")


def test_a_value_of_the_wrong_type_fails_naming_the_key(pack_dir):
    write_changed(pack_dir, "types", "sessions = 10", 'sessions = "ten"')
    with pytest.raises(
        PackError, match=r"types.toml: thresholds\[1\].sessions must be a whole number, not 'ten'"
    ):
        load_pack("types")


def test_a_retirement_date_written_as_text_is_refused(pack_dir):
    write_changed(pack_dir, "dates", "valid_until = 2025-01-26", 'valid_until = "2025-01-26"')
    with pytest.raises(PackError, match="must be a date"):
        load_pack("dates")


def test_two_meanings_of_a_code_on_the_same_days_are_refused(pack_dir):
    write_changed(pack_dir, "overlap", "valid_until = 2025-01-26\n", "")
    text = (pack_dir / "overlap.toml").read_text()
    (pack_dir / "overlap.toml").write_text(
        text + '\n[[codes]]\ncode = "F"\nmeaning = "Again"\nhalf_day = "present"\n'
        'category = "present"\n'
    )
    with pytest.raises(PackError, match="code F has meanings #8 and #21 on the same days"):
        load_pack("overlap")


@pytest.mark.parametrize("key", ["nz", "england", "kent"])
def test_the_shipped_packs_load_strictly(key):
    assert load_pack(key).codes
