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

from kernel.core.tree import SEGMENT_WIDTH

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


def add_subjects_sql(parts: list[tuple[int, str, dict]], *, fresh: bool = False) -> str:
    """PostgreSQL: add to the tally the obligations just inserted for whole sets of organizations. Each part is
    (rule_id, a SELECT of the subjects' paths, one row per organization, {year: {state: obligations per subject}});
    each subject path counts at every ancestor, under its rule and under every rule together, in one statement.

    A subject counts once at its own path, and the few ancestor paths count the subjects below them: the
    subjects are counted per parent (hundreds of thousands of rows into a few hundred groups), the parents'
    counts added up at every ancestor, and the result joined to the subjects, so that no grouping of hundreds of thousands of keys is needed but the one for every rule
    together. ``fresh``: the tally holds no row of these rules (and of every rule) in these years, so the rows
    are inserted without looking for one to add to."""
    columns = ", ".join(STATES)
    subjects = " UNION ALL ".join(f"SELECT {n} AS part, org_path FROM ({sql}) AS part{n}"
                                  for n, (_rule, sql, _years) in enumerate(parts))
    years = ", ".join(f"({n}, {int(rule)}, {int(year)}, {', '.join(str(int(counts.get(state, 0))) for state in STATES)})"
                      for n, (rule, _sql, per_year) in enumerate(parts) for year, counts in sorted(per_year.items()))
    # int summands: SUM(int) adds in a machine word and answers bigint, SUM(bigint) adds numerics
    products = ", ".join(f"CAST(nodes.n * per_year.{state} AS integer) AS {state}" for state in STATES)
    rules = [rule for rule, _sql, _years in parts]
    if len(set(rules)) == len(rules):  # one part per rule: (rule, year, path) is unique already
        per_rule = f"SELECT per_year.rule_id, per_year.year, nodes.org_path, {products} FROM nodes " \
                   f"JOIN (VALUES {years}) AS per_year(part, rule_id, year, {columns}) USING (part)"
    else:  # two versions of a rule: their periods add up
        per_rule = f"SELECT rule_id, year, org_path, {', '.join(f'SUM({state}) AS {state}' for state in STATES)} " \
                   f"FROM (SELECT per_year.rule_id, per_year.year, nodes.org_path, {products} FROM nodes " \
                   f"JOIN (VALUES {years}) AS per_year(part, rule_id, year, {columns}) USING (part)) AS products " \
                   f"GROUP BY 1, 2, 3"
    sums = ", ".join(f"SUM(CAST({state} AS integer))" for state in STATES)
    tail = "" if fresh else _upsert_tail()
    return f"""
        WITH subjects AS MATERIALIZED ({subjects}),
        parents AS (SELECT part, substr(org_path, 1, length(org_path) - {SEGMENT_WIDTH}) AS org_path,
                           CAST(COUNT(*) AS integer) AS n
                    FROM subjects WHERE length(org_path) > {SEGMENT_WIDTH} GROUP BY 1, 2),
        ancestors AS (SELECT part, {prefix_sql("parents.org_path")} AS org_path, CAST(SUM(n) AS integer) AS n
                      FROM parents CROSS JOIN {levels_sql("parents.org_path", "postgresql")} GROUP BY 1, 2),
        nodes AS (SELECT coalesce(s.part, a.part) AS part, coalesce(s.org_path, a.org_path) AS org_path,
                         CASE WHEN s.part IS NULL THEN 0 ELSE 1 END + coalesce(a.n, 0) AS n
                  FROM subjects s FULL JOIN ancestors a ON a.part = s.part AND a.org_path = s.org_path),
        per_rule AS MATERIALIZED ({per_rule})
        INSERT INTO {TABLE} (rule_id, year, org_path, {columns})
        SELECT rule_id, year, org_path, {columns} FROM per_rule
        UNION ALL
        SELECT {EVERY_RULE}, year, org_path, {sums} FROM per_rule GROUP BY year, org_path
        {tail}"""


def holds_any(rules, years) -> bool:
    """Whether the tally has a row of any of ``rules`` (or of every rule) in any of ``years``."""
    rules, years = sorted({int(r) for r in rules} | {EVERY_RULE}), sorted({int(y) for y in years})
    if not years:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE rule_id = ANY(%s) AND year = ANY(%s))",
                       [rules, years])
        return cursor.fetchone()[0]
