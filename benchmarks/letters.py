"""A batch of letters rendered to PDF/A: PDFs per second on one core (target: 100).

Each letter is one caregiver's: a synthetic name and address, the child's own numbers,
and a letter of one of the packs' ladders in turn (New Zealand's two sets of four,
England's four), composed from the built-in wording and rendered by Typst with the
data passed as JSON. What is timed is what `letter_issue` does per letter before it
writes to the database: compose, lay out, render, hash. The first letter (which
loads the layout and fonts) is rendered before the clock starts.

Both clocks are reported: wall-clock time, and this process's CPU time, which is what
an otherwise idle core would take (on a shared machine the wall clock also counts the
time other work held the core). The target is judged on CPU time; the load average
is printed so a slow wall clock can be read.

Run: `python -m benchmarks letters [--letters N]` (or `--help`).
"""

import argparse
import hashlib
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime

from benchmarks import one_core
from stepwise.letters.render import Addressee, Sender, letter_data, render_pdf
from stepwise.letters.wording import compose
from stepwise.rules.pack import LetterSpec, load_pack

NAME = "letters"
DESCRIPTION = "render a batch of letters to PDF/A with Typst, one core (target 100 PDFs/s)"

DEFAULT_LETTERS = 1_000
TARGET_PER_SECOND = 100.0
SENT_ON = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
GIVEN = ["Hine", "Rawiri", "Mere", "Tama", "Ana", "Sione", "Grace", "Liam", "Priya", "Wei"]
FAMILY = ["Ngata", "Walker", "Taufa", "Lee", "Rewi", "Cooper", "Singh", "Chen", "Brown", "Moana"]
SENDER = Sender(
    name="Kōwhai Attendance Service",
    address=("PO Box 4121", "Hamilton 3240"),
    phone="07 555 0142",
    email="letters@example.org",
    signatory="Sam Walker",
    signatory_title="Attendance caseworker",
)


def batch(n: int) -> list[tuple[str, LetterSpec, dict[str, str], Addressee]]:
    """Return n (pack key, letter, values, addressee) tuples, every letter in turn."""
    letters = [
        (key, letter) for key in ("nz", "england") for letter in load_pack(key).letters.all_letters
    ]
    out = []
    for i in range(n):
        key, letter = letters[i % len(letters)]
        given, family = GIVEN[i % len(GIVEN)], FAMILY[(i // len(GIVEN)) % len(FAMILY)]
        missed = 5 + i % 25
        values = {
            "child": GIVEN[(i + 3) % len(GIVEN)],
            "child_full": f"{GIVEN[(i + 3) % len(GIVEN)]} {family}",
            "caregiver": f"{given} {family}",
            "school": "Kōwhai College",
            "sender": SENDER.name,
            "contact_name": "Sam Walker",
            "phone": SENDER.phone,
            "days_missed": str(missed),
            "days_possible": "30",
            "days_per_year": str(round(missed / 30 * 190)),
            "weeks_per_year": str(round(missed / 30 * 38)),
            "school_year_days": "190",
            "not_enrolled_since": "3 August 2026",
            "meeting": "Tuesday 8 December 2026 at 3.30pm, in the school office",
            "reference": f"C2026-{i:05d}",
        }
        addressee = Addressee(f"{given} {family}", (f"{1 + i % 200} Rātā Street", "Hamilton 3200"))
        out.append((key, letter, values, addressee))
    return out


def render_one(key: str, letter: LetterSpec, values: dict[str, str], addressee: Addressee) -> bytes:
    composed = compose(load_pack(key), letter, values)
    data = letter_data(
        composed=composed,
        sender=SENDER,
        addressee=addressee,
        sent_on=SENT_ON,
        reference=values["reference"],
        title=letter.title,
    )
    pdf = render_pdf(data, at=AT)
    hashlib.sha256(pdf).hexdigest()
    return pdf


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks {NAME}", description=__doc__)
    parser.add_argument("--letters", type=int, default=DEFAULT_LETTERS)
    args = parser.parse_args(argv)
    work = batch(args.letters)
    render_one(*work[0])  # load the layout and the fonts
    times, sizes = [], 0
    load = os.getloadavg()[0]
    with one_core() as core:
        started, cpu_started = time.perf_counter(), time.process_time()
        for item in work:
            t = time.perf_counter()
            pdf = render_one(*item)
            times.append(time.perf_counter() - t)
            sizes += len(pdf)
            if not pdf.startswith(b"%PDF-") or b"<pdfaid:part>2</pdfaid:part>" not in pdf:
                print("a letter did not render as PDF/A-2b", file=sys.stderr)
                return 1
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    rate, cpu_rate = len(work) / elapsed, len(work) / cpu
    times.sort()
    print(
        f"letters rendered:     {len(work):,} (PDF/A-2b, {sizes / len(work) / 1024:.1f} KiB each)"
    )
    print(f"on core:              {core} (load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"total:                {elapsed:.2f} s wall clock, {cpu:.2f} s CPU")
    print(f"PDFs per CPU second:  {cpu_rate:.0f} (target {TARGET_PER_SECOND:.0f})")
    print(f"PDFs per second:      {rate:.0f} by the wall clock")
    print(
        f"per letter:           median {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms"
    )
    if cpu_rate < TARGET_PER_SECOND:
        print(f"below the target of {TARGET_PER_SECOND:.0f} PDFs per second", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
