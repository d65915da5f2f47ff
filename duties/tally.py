"""The obligations counted by state per organization subtree, rule and year: what the roll-up reads.

``duties_obligationtally`` holds one row per (rule, year of the period's start, org_path) with a count
per state of the obligations of that organization and everything below it (each obligation counts at
its subject's path and at every ancestor path), and the same per (year, org_path) under rule 0 for every
rule together. The roll-up of a 200,000-organization tree reads its 200,000 rows as they stand, with no
counting or summing, and a node with its children reads a handful.

The database keeps it (triggers on duties_obligation), not the services: obligations are written by
generation, recounts and the clock, but also in bulk by mechanisms, demos and test data, and a count
kept by the callers would drift from what the board shows. PostgreSQL counts once per statement from
its transition tables (a generation of 1.4M rows adds one grouped upsert); SQLite per row.
``rebuild`` recounts everything from the obligations (the command duties_rebuild_summary, for repair).
"""
from django.db import connection, transaction

from core.tree import SEGMENT_WIDTH

from .models import ObligationState

TABLE = "duties_obligationtally"
# Set (transaction-locally) by a writer that adds its rows' counts itself, set-based from what it wrote: the
# generation of a year for 200,000 organizations counts its subjects once instead of its 1.4M rows.
DEFERRED_SETTING = "duties.tally_deferred"
EVERY_RULE = 0
STATES = [state.value for state in ObligationState]
MAX_DEPTH = 255 // SEGMENT_WIDTH


def levels_sql(path: str, vendor: str) -> str:
    """A derived table ``levels(lvl)``: 1 .. the depth of ``path`` (the subtree rows it counts in)."""
    if vendor == "postgresql":
        return f"generate_series(1, length({path}) / {SEGMENT_WIDTH}) AS levels(lvl)"
    numbers = " UNION ALL ".join(f"SELECT {n} AS lvl" for n in range(1, MAX_DEPTH + 1))
    return f"({numbers}) AS levels"


def prefix_sql(path: str) -> str:
    return f"substr({path}, 1, levels.lvl * {SEGMENT_WIDTH})"


def year_sql(column: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(substr({column}, 1, 4) AS integer)"


def _create_table() -> str:
    counts = ", ".join(f"{state} bigint NOT NULL DEFAULT 0" for state in STATES)
    return (f"CREATE TABLE {TABLE} (rule_id bigint NOT NULL, year integer NOT NULL, org_path varchar(255) NOT NULL, "
            f"{counts}, PRIMARY KEY (rule_id, year, org_path))")


def _upsert_tail() -> str:
    added = ", ".join(f"{state} = {TABLE}.{state} + excluded.{state}" for state in STATES)
    return f"ON CONFLICT (rule_id, year, org_path) DO UPDATE SET {added}"


def _postgresql_triggers() -> list[str]:
    """One function for the three statements: rows leaving count -1, rows arriving +1, per key and state."""
    columns = ", ".join(STATES)
    moved = " OR ".join(f"{state} <> 0" for state in STATES)
    leaf_sums = ", ".join(f"COALESCE(SUM(n) FILTER (WHERE state = '{state}'), 0) AS {state}" for state in STATES)
    sums = ", ".join(f"SUM({state}) AS {state}" for state in STATES)
    upsert = f"""
        WITH leaves AS (
            SELECT rule_id, {year_sql("period_start", "postgresql")} AS year, org_path, {leaf_sums}
            FROM (%s) AS moved_rows GROUP BY 1, 2, 3)
        INSERT INTO {TABLE} (rule_id, year, org_path, {columns})
        SELECT rule_id, year, org_path, {columns} FROM (
            SELECT COALESCE(rule_id, {EVERY_RULE}) AS rule_id, year, org_path, {sums}
            FROM (SELECT rule_id, year, {prefix_sql("org_path")} AS org_path, {columns}
                  FROM leaves CROSS JOIN {levels_sql("leaves.org_path", "postgresql")}) AS subtrees
            GROUP BY GROUPING SETS ((rule_id, year, org_path), (year, org_path))) AS grouped
        WHERE {moved}
        ORDER BY rule_id, year, org_path
        {_upsert_tail()};"""
    arriving = "SELECT rule_id, period_start, org_path, state, 1 AS n FROM duties_obligation_arriving"
    leaving = "SELECT rule_id, period_start, org_path, state, -1 AS n FROM duties_obligation_leaving"
    return [
        f"""CREATE OR REPLACE FUNCTION duties_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{DEFERRED_SETTING}', true) = 'on' THEN RETURN NULL; END IF;
            IF TG_OP = 'INSERT' THEN {upsert % arriving}
            ELSIF TG_OP = 'DELETE' THEN {upsert % leaving}
            ELSE {upsert % (arriving + " UNION ALL " + leaving)}
            END IF;
            RETURN NULL;
        END $$""",
        """CREATE FUNCTION duties_tally_empty() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN TRUNCATE duties_obligationtally; RETURN NULL; END $$""",
        """CREATE TRIGGER duties_tally_insert AFTER INSERT ON duties_obligation
           REFERENCING NEW TABLE AS duties_obligation_arriving FOR EACH STATEMENT EXECUTE FUNCTION duties_tally_count()""",
        """CREATE TRIGGER duties_tally_delete AFTER DELETE ON duties_obligation
           REFERENCING OLD TABLE AS duties_obligation_leaving FOR EACH STATEMENT EXECUTE FUNCTION duties_tally_count()""",
        """CREATE TRIGGER duties_tally_update AFTER UPDATE ON duties_obligation
           REFERENCING OLD TABLE AS duties_obligation_leaving NEW TABLE AS duties_obligation_arriving
           FOR EACH STATEMENT EXECUTE FUNCTION duties_tally_count()""",
        """CREATE TRIGGER duties_tally_truncate AFTER TRUNCATE ON duties_obligation
           FOR EACH STATEMENT EXECUTE FUNCTION duties_tally_empty()""",
    ]


def count_function() -> str:
    """The PostgreSQL trigger function as it stands (a migration replaces an older one with it)."""
    return _postgresql_triggers()[0]


def _sqlite_count(row: str, sign: str) -> str:
    columns = ", ".join(STATES)
    values = ", ".join(f"{sign}({row}.state = '{state}')" for state in STATES)
    year = year_sql(f"{row}.period_start", "sqlite")
    return "".join(f"INSERT INTO {TABLE} (rule_id, year, org_path, {columns}) "
                   f"SELECT {rule}, {year}, {prefix_sql(f'{row}.org_path')}, {values} "
                   f"FROM {levels_sql(f'{row}.org_path', 'sqlite')} "
                   f"WHERE levels.lvl * {SEGMENT_WIDTH} <= length({row}.org_path) {_upsert_tail()}; "
                   for rule in (f"{row}.rule_id", EVERY_RULE))


def _sqlite_triggers() -> list[str]:
    watched = "state, org_path, rule_id, period_start"
    return [
        f"CREATE TRIGGER duties_tally_insert AFTER INSERT ON duties_obligation BEGIN {_sqlite_count('NEW', '+')} END",
        f"CREATE TRIGGER duties_tally_delete AFTER DELETE ON duties_obligation BEGIN {_sqlite_count('OLD', '-')} END",
        f"CREATE TRIGGER duties_tally_update AFTER UPDATE OF {watched} ON duties_obligation "
        f"BEGIN {_sqlite_count('OLD', '-')} {_sqlite_count('NEW', '+')} END",
    ]


def install(vendor: str) -> list[str]:
    """The statements creating the table and its triggers on ``vendor``."""
    return [_create_table(), *(_postgresql_triggers() if vendor == "postgresql" else _sqlite_triggers())]


def uninstall(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [*(f"DROP TRIGGER IF EXISTS duties_tally_{op} ON duties_obligation"
                  for op in ("insert", "delete", "update", "truncate")),
                "DROP FUNCTION IF EXISTS duties_tally_count()", "DROP FUNCTION IF EXISTS duties_tally_empty()",
                f"DROP TABLE IF EXISTS {TABLE}"]
    return [*(f"DROP TRIGGER IF EXISTS duties_tally_{op}" for op in ("insert", "delete", "update")),
            f"DROP TABLE IF EXISTS {TABLE}"]


def live_sql(vendor: str) -> str:
    """The tally as counted from the obligations now: rows (rule_id, year, org_path, counts in STATES order)."""
    counts = ", ".join(f"SUM(CASE WHEN state = '{state}' THEN 1 ELSE 0 END)" for state in STATES)
    year = year_sql("o.period_start", vendor)
    subtrees = (f"FROM duties_obligation o CROSS JOIN {levels_sql('o.org_path', vendor)} "
                f"WHERE levels.lvl * {SEGMENT_WIDTH} <= length(o.org_path)")
    return (f"SELECT rule_id, year, org_path, {counts} FROM ("
            f"SELECT o.rule_id, {year} AS year, {prefix_sql('o.org_path')} AS org_path, o.state {subtrees} UNION ALL "
            f"SELECT {EVERY_RULE}, {year}, {prefix_sql('o.org_path')}, o.state {subtrees}) AS counted "
            f"GROUP BY rule_id, year, org_path")


def rebuild() -> int:
    """Recounts the whole tally from the obligations; returns the number of rows written."""
    columns = ", ".join(STATES)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE duties_obligation IN SHARE MODE; TRUNCATE {TABLE}")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} (rule_id, year, org_path, {columns}) {live_sql(connection.vendor)}")
        return cursor.rowcount


def rows() -> set[tuple]:
    """The tally's non-empty rows (as ``live_sql`` gives them), to compare with the live count."""
    total = " + ".join(STATES)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rule_id, year, org_path, {', '.join(STATES)} FROM {TABLE} WHERE {total} <> 0")
        return {tuple(map(_plain, row)) for row in cursor.fetchall()}


def live_rows() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(live_sql(connection.vendor))
        return {tuple(map(_plain, row)) for row in cursor.fetchall()}


def _plain(value):
    return value if isinstance(value, str) else int(value)


def add_subjects_sql(parts: list[tuple[int, str, dict]]) -> str:
    """PostgreSQL: add to the tally the obligations just inserted for whole sets of organizations. Each part is
    (rule_id, a SELECT of the subjects' paths, one row per organization, {year: {state: obligations per subject}});
    each subject path counts at every ancestor, under its rule and under every rule together, in one upsert.
    Two hash aggregates (per rule, then every rule) rather than grouping sets, which sort."""
    columns = ", ".join(STATES)
    subjects = " UNION ALL ".join(f"SELECT {n} AS part, org_path FROM ({sql}) AS part{n}"
                                  for n, (_rule, sql, _years) in enumerate(parts))
    years = ", ".join(f"({n}, {int(rule_id)}, {int(year)}, {', '.join(str(int(counts.get(state, 0))) for state in STATES)})"
                      for n, (rule_id, _sql, per_year) in enumerate(parts) for year, counts in sorted(per_year.items()))
    products = ", ".join(f"SUM(nodes.n * per_year.{state}) AS {state}" for state in STATES)
    sums = ", ".join(f"SUM({state})" for state in STATES)
    return f"""
        WITH nodes AS (SELECT part, {prefix_sql("subjects.org_path")} AS org_path, COUNT(*) AS n
                       FROM ({subjects}) AS subjects CROSS JOIN {levels_sql("subjects.org_path", "postgresql")}
                       GROUP BY 1, 2),
        per_rule AS (SELECT per_year.rule_id, per_year.year, nodes.org_path, {products}
                     FROM nodes JOIN (VALUES {years}) AS per_year(part, rule_id, year, {columns}) USING (part)
                     GROUP BY 1, 2, 3)
        INSERT INTO {TABLE} (rule_id, year, org_path, {columns})
        SELECT rule_id, year, org_path, {columns} FROM (
            SELECT rule_id, year, org_path, {columns} FROM per_rule
            UNION ALL
            SELECT {EVERY_RULE}, year, org_path, {sums} FROM per_rule GROUP BY year, org_path) AS counted
        ORDER BY rule_id, year, org_path COLLATE "C"
        {_upsert_tail()}"""
