"""Register exports from schools' own systems, read through import profiles.

Each vendor file under tests/data/ is built from the column list its profile gives, with
the Stepwise CSV that says the same marks beside it (*.stepwise.csv). Imported through
its profile, then the Stepwise CSV on top, the second import must change nothing: the
marks, and so the standings, are the same.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.intake.services import register_take, register_take_profiled
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.roster import import_roster
from stepwise.register.importers.vendors import BUILT_IN, import_profile_set, profiles_for
from stepwise.rules.pack import available_packs, load_pack
from stepwise.schools.services import school_add
from tests.conftest import ROSTER_HEADER, TODAY, csv_bytes

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def england(db):
    school = school_add(code="ENG-1", name="Oak Test Academy", pack="england", today=TODAY)
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "ENG-1,H801200001001,Zoë,Hart,2014-02-03,7,2026-09-01,",
            "ENG-1,H801200001002,Sam,Okafor,2014-05-06,7,2026-09-01,",
        ),
        file_name="roster.csv",
    )
    return school


def standings(school: str, term: str) -> str:
    out = StringIO()
    call_command("standings", "--school", school, "--term", term, "--as-of", "2026-10-16",
                 stdout=out)  # fmt: skip
    return out.getvalue()


@pytest.mark.parametrize(
    "profile, file, school, term",
    [
        # (the profile, its file under tests/data, the school fixture, the term of the week)
        ("sims", "sims_register.csv", "england", "2026T1"),
        ("arbor", "arbor_register.csv", "england", "2026T1"),
        ("wonde", "wonde_register.csv", "england", "2026T1"),
        ("kamar", "kamar_register.txt", "nz_roster", "2026T4"),
    ],
)
def test_a_systems_export_gives_the_same_standings_as_the_stepwise_csv(
    request, profile, file, school, term
):
    found = request.getfixturevalue(school)
    result = register_take_profiled(
        (DATA / file).read_bytes(),
        profile=BUILT_IN[profile],
        file_name=file,
        school=found,
        evaluate=True,
    )
    assert result.changed == 20  # two students, five days, two sessions
    shown = standings(found.code, term)
    stepwise_csv = (DATA / file).with_suffix(".stepwise.csv").read_bytes()
    again = register_take(stepwise_csv, file_name="same.csv")
    assert again.changed == 0
    assert standings(found.code, term) == shown
    assert "unjustified" in shown.splitlines()[0]


def test_a_sub_code_no_one_mapped_is_refused_naming_it_and_where_to_map_it(england):
    data = (DATA / "sims_register.csv").read_bytes().replace(b"I01", b"I_F")
    with pytest.raises(ImportRejected) as refused:
        register_take_profiled(data, profile=BUILT_IN["sims"], file_name="s.csv", school=england)
    first = refused.value.problems[0]
    assert (first.line, first.column) == (4, "Mark")
    assert "'I_F'" in first.message
    assert "stepwise import-profile --school ENG-1 --profile sims I_F=<code>" in first.message

    import_profile_set(school=england, profile=BUILT_IN["sims"], mappings={"I_F": "I"})
    result = register_take_profiled(
        data, profile=BUILT_IN["sims"], file_name="s.csv", school=england
    )
    assert result.changed == 20


def test_a_problem_is_named_at_the_line_and_column_of_the_file_sent(england):
    data = (DATA / "arbor_register.csv").read_bytes().replace(b"14/10/2026", b"17/10/2026", 1)
    with pytest.raises(ImportRejected) as refused:
        register_take_profiled(data, profile=BUILT_IN["arbor"], file_name="a.csv", school=england)
    # The importer's problem with a generated row, named at the Arbor file's line and column.
    (problem,) = {(p.line, p.column, p.message) for p in refused.value.problems}
    assert problem == (4, "Date", "2026-10-17 is a Saturday")


def test_a_date_the_profile_cannot_read_is_refused_saying_how_it_reads_dates(england):
    data = (DATA / "sims_register.csv").read_bytes().replace(b"12/10/2026", b"2026-13-12", 1)
    with pytest.raises(ImportRejected) as refused:
        register_take_profiled(data, profile=BUILT_IN["sims"], file_name="s.csv", school=england)
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (2, "Date")
    assert "DD/MM/YYYY" in problem.message


def test_a_header_goes_by_any_of_its_names_and_a_missing_one_is_named(england):
    data = (DATA / "sims_register.csv").read_bytes()
    renamed = data.replace(b"UPN,", b"Adno,", 1)
    result = register_take_profiled(renamed, profile=BUILT_IN["sims"], file_name="s.csv",
                                      school=england)  # fmt: skip
    assert result.changed == 20
    missing = data.replace(b",Mark", b",Whatever", 1)
    with pytest.raises(ImportRejected) as refused:
        register_take_profiled(missing, profile=BUILT_IN["sims"], file_name="s.csv",
                                 school=england)  # fmt: skip
    assert "no column for code" in refused.value.problems[0].message
    assert "'Session Mark'" in refused.value.problems[0].message


def test_the_command_imports_through_a_profile_and_then_the_schools_saved_one(england):
    out = StringIO()
    call_command("import", "register", str(DATA / "sims_register.csv"), "--school", "ENG-1",
                 "--profile", "sims", stdout=out)  # fmt: skip
    assert "20 new marks" in out.getvalue()
    with pytest.raises(CommandError, match="no saved import profile"):
        call_command("import", "register", str(DATA / "arbor_register.csv"), "--school", "ENG-1")
    call_command("import-profile", "--school", "ENG-1", "--profile", "arbor", stdout=StringIO())
    out = StringIO()
    call_command("import", "register", str(DATA / "arbor_register.csv"), "--school", "ENG-1",
                 stdout=out)  # fmt: skip
    assert "nothing to change" in out.getvalue()


def test_a_profile_for_another_jurisdiction_is_refused(england):
    with pytest.raises(CommandError, match="'kamar' is not an import profile for ENG-1"):
        call_command("import", "register", str(DATA / "kamar_register.txt"), "--school", "ENG-1",
                     "--profile", "kamar")  # fmt: skip


def test_a_mapping_to_a_code_the_pack_lacks_is_refused(england):
    with pytest.raises(CommandError, match="not codes of the England rule pack: I_F=ZZ"):
        call_command("import-profile", "--school", "ENG-1", "--profile", "sims", "I_F=ZZ")


@pytest.mark.parametrize("pack", ["nz", "england", "kent"])
def test_each_pack_names_the_systems_its_schools_use_and_each_is_built_in(pack):
    named = load_pack(pack).import_profiles
    assert named, f"the {pack} pack offers no import profile"
    assert set(named) <= set(BUILT_IN)
    assert [p.key for p in profiles_for(pack)] == list(named)


def test_every_built_in_profile_is_offered_by_some_pack():
    offered = {key for pack in available_packs() for key in load_pack(pack).import_profiles}
    assert offered == set(BUILT_IN)
