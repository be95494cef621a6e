"""How each code of each pack is coloured in the register calendar."""

import pytest

from stepwise.front.register_calendar import code_category
from stepwise.rules.pack import load_pack

# (pack, code, category)
CATEGORIES = [
    ("nz", "P", "present"),
    ("nz", "L", "present"),
    ("nz", "S", "present-away"),
    ("nz", "D", "present-away"),
    ("nz", "M", "justified"),
    ("nz", "J", "justified"),
    ("nz", "T", "unjustified"),
    ("nz", "?", "unjustified"),
    ("nz", "E", "unjustified"),
    ("england", "/", "present"),
    ("england", "K", "present-away"),
    ("england", "D", "not-counted"),
    ("england", "O", "unjustified"),
]


@pytest.mark.parametrize(("pack", "code", "category"), CATEGORIES)
def test_each_code_has_its_category(pack, code, category):
    assert code_category(load_pack(pack).code(code)) == category


@pytest.mark.parametrize("pack", ["nz", "england", "kent"])
def test_every_code_has_a_category(pack):
    for code in load_pack(pack).codes:
        assert code_category(code) in {
            "present",
            "present-away",
            "justified",
            "unjustified",
            "not-counted",
        }
