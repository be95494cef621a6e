"""Run Stepwise's benchmarks and print their reports: `python -m benchmarks [NAME [ARGS...]]`.

With no arguments every benchmark runs with its defaults (this is `make bench`).
With a name, only that benchmark runs, and the remaining arguments go to it
(`python -m benchmarks engine_vs_duckdb --students 100000`).
"""

import importlib
import sys
import time

# Modules of this package that are benchmarks, in the order they run. Each has
# NAME, DESCRIPTION and main(argv) -> int. Add new benchmarks here.
BENCHMARKS = [
    "benchmarks.engine_vs_duckdb",
    "benchmarks.national_day",
    "benchmarks.school_pages",
    "benchmarks.case_pages",
    "benchmarks.national_pages",
    "benchmarks.api_push",
    "benchmarks.letters",
    "benchmarks.letter_batch",
    "benchmarks.bundle",
    "benchmarks.certificate",
]


def _modules():
    # Imported only here, so the thread settings in benchmarks/__init__.py are
    # in place before any benchmark imports NumPy or DuckDB.
    return [importlib.import_module(name) for name in BENCHMARKS]


def _usage(modules) -> str:
    lines = [__doc__.strip(), "", "benchmarks:"]
    lines += [f"  {m.NAME:<20} {m.DESCRIPTION}" for m in modules]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    modules = _modules()
    by_name = {m.NAME: m for m in modules}
    if argv and argv[0] in ("-h", "--help"):
        print(_usage(modules))
        return 0
    if argv:
        name, rest = argv[0], argv[1:]
        if name not in by_name:
            print(f"no benchmark called {name!r}\n\n{_usage(modules)}", file=sys.stderr)
            return 2
        return by_name[name].main(rest)
    failed = []
    for m in modules:
        print(f"== {m.NAME}: {m.DESCRIPTION} ==", flush=True)
        started = time.perf_counter()
        code = m.main([])
        print(
            f"== {m.NAME}: {'ok' if code == 0 else 'FAILED'} "
            f"in {time.perf_counter() - started:.0f} s ==\n",
            flush=True,
        )
        if code:
            failed.append(m.NAME)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
