"""Whether the database and this code agree on the schema, before anything serves it."""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


@dataclass(frozen=True)
class SchemaState:
    unknown: list[str]  # applied to the database, absent from this code: a newer release's
    pending: list[str]  # in this code, not yet applied: run `stepwise deploy`

    @property
    def database_is_newer(self) -> bool:
        return bool(self.unknown)


def schema_state(alias: str = DEFAULT_DB_ALIAS) -> SchemaState:
    """Compare the migrations applied to the database with those this code carries."""
    executor = MigrationExecutor(connections[alias])
    loader = executor.loader
    known = set(loader.disk_migrations)
    applied = set(loader.applied_migrations)
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    return SchemaState(
        unknown=sorted(f"{app}.{name}" for app, name in applied - known),
        pending=[f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards],
    )


def newer_database_message(state: SchemaState) -> str:
    shown = ", ".join(state.unknown[:5]) + (" ..." if len(state.unknown) > 5 else "")
    return (
        f"The database has {len(state.unknown)} migration(s) this code does not have ({shown}): "
        "a newer release of Stepwise has upgraded it. Deploy that release (or newer), or "
        "restore the backup taken before the upgrade."
    )
