"""The engine benchmark's correctness half: the NumPy engine and DuckDB SQL agree.

`make bench` times both over 1,000,000 students; here the same comparison runs over
2,000, with no timing, and must agree exactly for every student.
"""

from datetime import date

import numpy as np
import pytest

from benchmarks import engine_vs_duckdb as bench
from benchmarks.__main__ import main as bench_main

STUDENTS = 2_000


@pytest.mark.parametrize(
    "as_of",
    [
        None,  # the whole term (Term 4 2026: 12 October to 18 December)
        date(2026, 11, 4),  # part way through
        date(2026, 10, 26),  # Labour Day: a closed day with stray marks
        date(2026, 10, 1),  # before the term starts: nothing counted yet
    ],
)
@pytest.mark.parametrize("variant", list(bench.SQL_VARIANTS))
def test_engine_and_duckdb_agree(as_of, variant):
    bench.check_agreement(STUDENTS, as_of=as_of, variant=variant)


def test_the_register_is_realistic():
    s = bench.make_setup(STUDENTS)
    assert s.marks.shape == (STUDENTS, 100)
    st = bench.run_engine(s)
    attendance = st.present.sum() / st.possible.sum()
    assert 0.84 < attendance < 0.92
    assert (st.reached["amp5"] >= 0).any() and (st.reached["amp15"] >= 0).any()
    used = {s.pack.codes[i - 1].code for i in np.unique(s.marks) if i}
    assert used == {"P", "L", "M", "J", "T", "E", "?", "G", "A", "D"}


def test_a_difference_is_reported():
    s = bench.make_setup(50)
    engine = bench.engine_figures(s, bench.run_engine(s))
    other = {k: v.copy() for k, v in engine.items()}
    other["amp5"][7] = 12345
    bench.compare(engine, engine)
    with pytest.raises(bench.Disagreement, match=r"amp5: 1 students differ.*student 7"):
        bench.compare(engine, other)


def test_the_benchmark_runs(capsys):
    argv = ["engine_vs_duckdb", "--students", "300", "--repeat", "1", "--sql-repeat", "1"]
    assert bench_main(argv) == 0
    assert "agree for all 300 students" in capsys.readouterr().out
    assert bench_main(["--help"]) == 0
    assert "engine_vs_duckdb" in capsys.readouterr().out
