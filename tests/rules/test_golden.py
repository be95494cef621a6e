"""Every rule pack's golden cases: hand-worked examples the engine must reproduce."""

import pytest

from stepwise.rules import golden
from stepwise.rules.golden import GoldenError, check_case, golden_packs, load_cases
from stepwise.rules.pack import available_packs

MIN_CASES_PER_PACK = 30
CASES = [case for key in golden_packs() for case in load_cases(key)]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_golden_case_matches_the_rule(case):
    problems = check_case(case)
    assert not problems, f"{case.id}: {case.explain}\n  " + "\n  ".join(problems)


def test_every_rule_pack_has_golden_cases():
    assert golden_packs() == available_packs()


@pytest.mark.parametrize("key", available_packs())
def test_every_rule_pack_has_at_least_thirty_golden_cases(key):
    assert len(load_cases(key)) >= MIN_CASES_PER_PACK


def test_a_golden_case_with_a_misspelt_figure_is_refused(tmp_path, monkeypatch):
    # A typo in `expected` must not silently check nothing.
    (tmp_path / "nz.toml").write_text(
        '[[cases]]\nname = "x"\nexplain = "x"\nterm = "2026T1"\nas_of = "2026-02-13"\n'
        "[cases.expected]\npossibel = 18\n"
    )
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    with pytest.raises(GoldenError, match="possibel"):
        load_cases("nz")


def test_a_golden_register_line_outside_the_calendar_is_refused(tmp_path, monkeypatch):
    (tmp_path / "nz.toml").write_text(
        '[[cases]]\nname = "x"\nexplain = "x"\nterm = "2026T1"\nas_of = "2026-02-13"\n'
        "register = '''\n2026-02-07 T T\n'''\n[cases.expected]\npossible = 18\n"
    )
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    (case,) = load_cases("nz")
    with pytest.raises(GoldenError, match="2026-02-07"):
        check_case(case)
