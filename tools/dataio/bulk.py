"""The member import at province scale on PostgreSQL: the rows are COPYed into a staging table and checked,
compared and written there, set-based, instead of one Python object per row.

It takes the files it can answer exactly: every cell in the plain form the template asks for (ISO dates,
labels or codes as offered, 18-character ID numbers), no posts to write, and no row in error. Anything
else (a row in error, a date written 2015年6月, posts to create or end) makes ``prepare`` answer None and
the caller runs the row-by-row importer instead (tools.dataio.members), which reports the errors row by row.
The result is the same as that importer's: the same rows, change records, counters and statistics.
"""
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core import idcard
from kernel.core.actor import current_actor
from kernel.core.excel import clean_text
from kernel.core.models import ChangeRecord
from kernel.orgs import stats
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.models import Member, Person, Post
from kernel.people.services import MEMBERSHIP_FIELDS, members_imported, membership_refusals

from .columns import CHOICE, MEMBER_COLUMNS
from .common import PROGRESS_EVERY, Plan, Sheet, no_progress

COLUMNS = {c.key: c for c in MEMBER_COLUMNS}
KEYS = ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone", "organization",
        "category", "applied_on", "joined_on", "full_on", "status", "no_post_class", "posts", "posts_started_on")
PERSON_KEYS = ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone", "stage",
               "organization")
MEMBER_KEYS = ("category", "applied_on", "joined_on", "full_on", "status", "no_post_class")
WORK_MEM = "128MB"  # sort and hash memory for the import's own transaction
TEMP_TABLES = "import_raw, import_typed, import_org, import_name, import_old, import_row, import_choice"


def iso_date(cell: str) -> str:
    """SQL: ``cell`` is written 2015-06-01 (translate() is several times cheaper than a regular expression)."""
    return (f"(length({cell}) = 10 AND translate({cell}, '0123456789', '') = '--' AND substr({cell}, 5, 1) = '-' "
            f"AND substr({cell}, 8, 1) = '-')")


def id_format(cell: str) -> str:
    """SQL: ``cell`` is 17 digits and a digit or X; a month or day out of range fails make_date (and so the file)."""
    return f"(length({cell}) = 18 AND translate(left({cell}, 17), '0123456789', '') = '' " \
           f"AND translate(right({cell}, 1), '0123456789X', '') = '')"


def stat_keys(prefix: str) -> str:
    """SQL: the (dimension, value) rows a membership counts for in kernel.orgs.stats (as its member_keys counts them),
    from the columns of import_row whose names are ``prefix`` + the field."""
    def column(name):
        return prefix + name

    def while_active(value):
        return f"CASE WHEN {column('status')} = 'active' THEN {value} END"

    classification = f"CASE WHEN {column('holds_post')} THEN 'office' ELSE {column('no_post_class')} END"
    birth_year = f"CAST(CAST(EXTRACT(YEAR FROM {column('birth_date')}) AS integer) AS text)"
    rows = [("status", column("status")), ("classification", while_active(classification)),
            ("occupation", while_active(column("occupation"))), ("gender", while_active(column("gender"))),
            ("education", while_active(column("education"))), ("birth_year", while_active(birth_year))]
    return "(VALUES " + ", ".join(f"('{dimension}', {value})" for dimension, value in rows) + ")"


def stat_changes() -> str:
    """SQL: what the import changes in the organizations' direct counts, as (org, dimension, value, n)."""
    return (f"SELECT organization AS org, k.dimension, k.value, 1 AS n FROM import_row "
            f"CROSS JOIN LATERAL {stat_keys('')} k (dimension, value) "
            f"WHERE action <> 'unchanged' AND k.value IS NOT NULL AND k.value <> '' "
            f"UNION ALL "
            f"SELECT old_organization, k.dimension, k.value, -1 FROM import_row "
            f"CROSS JOIN LATERAL {stat_keys('old_')} k (dimension, value) "
            f"WHERE action <> 'unchanged' AND had_member AND k.value IS NOT NULL AND k.value <> ''")


class Unsuitable(Exception):
    """The file needs the row-by-row importer."""


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _cell(value):
    if type(value) is str:
        return value.replace("\u3000", " ").strip() or None
    return clean_text(value) or None


def prepare(importer, file, name: str = "") -> Plan | None:
    """The plan of the file checked in the database, or None when the row-by-row importer must take it."""
    if connection.vendor != "postgresql":
        return None
    savepoint = transaction.savepoint()
    try:
        plan = BulkImport(importer).prepare(file, name)
    except (Unsuitable, DatabaseError):
        transaction.savepoint_rollback(savepoint)
        file.seek(0)
        return None
    transaction.savepoint_commit(savepoint)
    return plan


class BulkImport:
    def __init__(self, importer):
        self.importer = importer
        self.today = importer.today
        self.progress = importer.progress or no_progress

    # --- stage and check ----------------------------------------------------------------------------------------

    def prepare(self, file, name) -> Plan:
        plan = Plan(kind="members")
        sheet = self.sheet = Sheet(file, name, MEMBER_COLUMNS, plan)
        if plan.errors:
            raise Unsuitable
        self.present = [k for k in KEYS if sheet.has(k)]
        with connection.cursor() as cursor:
            self.cursor = cursor
            # The joins and groupings below hold one row per imported row; PostgreSQL's default 4 MB of sort and
            # hash memory would send them to disk. For this transaction only.
            self.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            plan.total = self.stage(sheet)
            if plan.total == 0:
                raise Unsuitable
            self.progress(plan.total, plan.total, _("Comparing with the registry"))
            self.check_cells()
            self.check_organizations()
            self.compare()
            self.count(plan)
        plan.writes = self
        return plan

    def execute(self, sql, params=()):
        self.cursor.execute(sql, params)

    def analyze(self, tables: str) -> None:
        """A fresh temporary table has no statistics, so no join plan; a small sample is enough for these."""
        self.execute("SET LOCAL default_statistics_target = 10")
        self.execute(f"ANALYZE {tables}")
        self.execute("RESET default_statistics_target")

    def sequence(self, model) -> str:
        """SQL naming the primary key's sequence, looked up here once rather than by pg_get_serial_sequence() in
        a row's expression (a catalog lookup per row)."""
        oid = self.one("SELECT pg_get_serial_sequence(%s, %s)::regclass::oid", [model._meta.db_table, "id"])
        return f"{int(oid)}::regclass"

    def one(self, sql, params=()):
        self.cursor.execute(sql, params)
        return self.cursor.fetchone()[0]

    def stage(self, sheet) -> int:
        self.execute(f"DROP TABLE IF EXISTS {TEMP_TABLES}")
        total = self.copy_rows(sheet)
        if "posts" in self.present or "posts_started_on" in self.present:
            if self.one("SELECT count(*) FROM import_raw WHERE "
                        + " OR ".join(f"{_q(k)} IS NOT NULL" for k in ("posts", "posts_started_on")
                                      if k in self.present)):
                raise Unsuitable  # posts to create, re-date or end: the row-by-row importer plans those
        return total

    def copy_rows(self, sheet) -> int:
        """Stages the cleaned cells. Python reads, cleans and sends the rows while the database takes them in, on
        the machine's other core; handing the database the file's own bytes (COPY … FORMAT csv) and cleaning
        the cells in SQL was measured slower, since the database is the busy side of an import."""
        columns = ", ".join(f"{_q(k)} text" for k in self.present)
        self.execute(f"CREATE TEMP TABLE import_raw (row_number integer, {columns}) ON COMMIT DROP")
        indexes = [sheet.index[k] for k in self.present]
        width = max(indexes) + 1
        total = 0
        progress, estimated = self.progress, sheet.estimated
        with self.cursor.cursor.copy(
                f"COPY import_raw (row_number, {', '.join(_q(k) for k in self.present)}) FROM STDIN") as copy:
            for number, cells in sheet.rows:
                if len(cells) < width:
                    cells = cells + [None] * (width - len(cells))
                copy.write_row([number, *[_cell(cells[i]) for i in indexes]])
                total += 1
                if total % PROGRESS_EVERY == 0:
                    progress(total, estimated, _("Checking rows"))
        return total

    def raw(self, key: str) -> str:
        return f"r.{_q(key)}" if key in self.present else "NULL::text"

    def check_cells(self) -> None:
        """Types every cell; a cell that is not in the plain form, or a row breaking a rule, sends the file back."""
        choices = [(key, text, code) for key, column in COLUMNS.items()
                   if column.kind == CHOICE and key in self.present for text, code in column.lookup.items()]
        self.execute("CREATE TEMP TABLE import_choice (key text, text text, code text) ON COMMIT DROP")
        with self.cursor.cursor.copy("COPY import_choice FROM STDIN") as copy:
            for row in choices:
                copy.write_row(row)
        self.analyze("import_raw, import_choice")
        selects, joins, bad = [], [], []
        flags = [f"{id_format('idn')} AS id_ok", "convert_to(idn, 'UTF8') AS id_bytes"]
        for key in ("gender", "ethnicity", "education", "occupation", "category", "status", "no_post_class"):
            if key in self.present:
                joins.append(f"LEFT JOIN import_choice c_{key} ON c_{key}.key = '{key}' AND c_{key}.text = r.{_q(key)}")
                selects.append(f"c_{key}.code AS {key}")
                bad.append(f"(r.{_q(key)} IS NOT NULL AND c_{key}.code IS NULL)")
            else:
                selects.append(f"NULL::text AS {key}")
        for key in ("birth_date", "applied_on", "joined_on", "full_on"):
            cell = self.raw(key)
            flags.append(f"{iso_date(cell)} AS {key}_ok")
            selects.append(f"CASE WHEN {key}_ok THEN {cell}::date END AS {key}")
            bad.append(f"CASE WHEN {cell} IS NULL THEN false WHEN {key}_ok "
                       f"THEN left({cell}, 4)::int NOT BETWEEN 1900 AND 2100 ELSE true END")
        bad.append(f"{self.raw('joined_on')} IS NULL")
        bad.append(f"{self.raw('category')} IS NULL")
        bad.append(f"{self.raw('organization')} IS NULL")
        bad.append(f"({self.raw('name')} IS NULL OR length({self.raw('name')}) > {COLUMNS['name'].max_length})")
        bad.append(f"length({self.raw('phone')}) > {COLUMNS['phone'].max_length}")
        # the check digit's weighted sum from the digits' bytes (five times cheaper than 17 substr()::int)
        weighted = " + ".join(f"get_byte(id_bytes, {i}) * {w}" for i, w in enumerate(idcard.WEIGHTS))
        weighted += f" - {ord('0') * sum(idcard.WEIGHTS)}"
        id_birth = "make_date(substr(idn, 7, 4)::int, substr(idn, 11, 2)::int, substr(idn, 13, 2)::int)"
        selects += [
            "idn AS id_number",
            f"CASE WHEN id_ok THEN {id_birth} END AS id_birth",
            "CASE WHEN id_ok THEN CASE WHEN mod(get_byte(id_bytes, 16), 2) = 1 THEN 'male' ELSE 'female' END "
            "END AS id_gender",
            f"CASE WHEN id_ok THEN substr('{idcard.CHECK_CHARS}', mod({weighted}, 11) + 1, 1) "
            "= substr(idn, 18, 1) END AS id_checks",
        ]
        sql = (f"CREATE TEMP TABLE import_typed ON COMMIT DROP AS SELECT r.row_number, {self.raw('name')} AS name, "
               f"{self.raw('phone')} AS phone, {self.raw('organization')} AS code, {', '.join(selects)}, "
               f"({' OR '.join(bad)}) AS bad "
               f"FROM (SELECT *, {', '.join(flags)} FROM (SELECT *, upper({self.raw('id_number')}) AS idn "
               f"FROM import_raw r OFFSET 0) r OFFSET 0) r {' '.join(joins)}")
        self.execute(sql)
        wrong = self.one(
            "SELECT count(*) FROM import_typed WHERE bad OR id_birth IS NULL OR NOT id_checks "
            "OR id_birth < '1900-01-01' OR id_birth > %s "
            "OR (gender IS NOT NULL AND gender <> id_gender) OR (birth_date IS NOT NULL AND birth_date <> id_birth)",
            [self.today])
        if wrong or self.one("SELECT count(*) - count(DISTINCT id_number) FROM import_typed"):
            raise Unsuitable

    def check_organizations(self) -> None:
        self.execute("SELECT DISTINCT code FROM import_typed")
        codes = [row[0] for row in self.cursor.fetchall()]
        found = {}
        for start in range(0, len(codes), 20_000):
            for code, pk, path, status in Organization.objects.filter(code__in=codes[start:start + 20_000]) \
                    .values_list("code", "id", "path", "status"):
                if status != OrgStatus.ACTIVE or not self.importer.may_change(path):
                    raise Unsuitable
                found[code] = (pk, path)
        if len(found) != len(codes):
            raise Unsuitable
        self.execute("CREATE TEMP TABLE import_org (code text PRIMARY KEY, id bigint, path text) ON COMMIT DROP")
        with self.cursor.cursor.copy("COPY import_org FROM STDIN") as copy:
            for code, (pk, path) in found.items():
                copy.write_row((code, pk, path))

    # --- compare with the registry --------------------------------------------------------------------------------

    def compare(self) -> None:
        person, member, post = _table(Person), _table(Member), _table(Post)
        member_columns = ("id", "person_id", "org_path", "category", "applied_on", "joined_on", "full_on", "status",
                          "no_post_class", "status_changed_on", "holds_post")
        # The people the file names who are already registered, looked up once, one index probe per row (OFFSET 0
        # keeps the lookup a nested loop): a join would read the whole registry, whose size is not the file's.
        self.execute(f"""
            CREATE TEMP TABLE import_old ON COMMIT DROP AS
            SELECT x.* FROM import_typed t CROSS JOIN LATERAL (
                SELECT p.id, p.name, p.gender, p.ethnicity, p.birth_date, p.id_number, p.education, p.occupation,
                       p.phone, p.stage, p.organization_id, p.org_path,
                       {', '.join(f"m.{c} AS m_{c}" for c in member_columns)}
                FROM {person} p LEFT JOIN {member} m ON m.person_id = p.id
                WHERE p.id_number = t.id_number OFFSET 0) x""")
        self.execute("CREATE TEMP TABLE import_name (name text PRIMARY KEY, search text, initials text) ON COMMIT DROP")
        self.execute("SELECT name FROM import_typed UNION SELECT name FROM import_old")
        from .common import search_keys
        names = [row[0] for row in self.cursor.fetchall()]
        with self.cursor.cursor.copy("COPY import_name FROM STDIN") as copy:
            for name in names:
                copy.write_row((name, *search_keys(name)))
        self.execute("SELECT DISTINCT org_path FROM import_old")
        if not all(self.importer.may_change(path) for (path,) in self.cursor.fetchall()):
            raise Unsuitable
        self.execute("SELECT id FROM import_old")
        if membership_refusals([pk for (pk,) in self.cursor.fetchall()], MEMBERSHIP_FIELDS):
            raise Unsuitable  # someone whose standing another rule keeps: the row importer says which row and why
        self.analyze("import_typed, import_org, import_name, import_old")
        posts_cleared = "posts" in self.present
        if posts_cleared and self.one(
                f"SELECT count(*) FROM import_old p "
                f"JOIN {post} s ON s.person_id = p.id WHERE (s.started_on IS NULL OR s.started_on <= %s) "
                f"AND (s.ended_on IS NULL OR s.ended_on > %s)", [self.today, self.today]):
            raise Unsuitable  # current posts that a blank cell would end
        holds_post = "false" if posts_cleared else "coalesce(p.m_holds_post, false)"
        person_seq, member_seq = (self.sequence(model) for model in (Person, Member))
        person_changed = " OR ".join(f"{k} IS DISTINCT FROM old_{k}" for k in PERSON_KEYS)
        member_fields = " OR ".join(f"{k} IS DISTINCT FROM old_{k}" for k in MEMBER_KEYS)
        self.execute(f"""
            CREATE TEMP TABLE import_row ON COMMIT DROP AS
            SELECT y.*, CASE WHEN NOT had_person THEN 'created'
                WHEN person_changed OR NOT had_member OR member_changed THEN 'updated' ELSE 'unchanged' END AS action
            FROM (SELECT x.*, had_person AND ({person_changed}) AS person_changed,
                         had_member AND ({member_fields}) AS member_changed,
                         had_member AND ({member_fields} OR org_path IS DISTINCT FROM old_member_path
                             OR status_changed_on IS DISTINCT FROM old_status_changed_on
                             OR holds_post IS DISTINCT FROM old_holds_post) AS member_written
                  FROM (
            SELECT t.row_number, p.id IS NOT NULL AS had_person, p.m_id IS NOT NULL AS had_member,
                   CASE WHEN p.id IS NULL THEN nextval({person_seq}) ELSE p.id END AS person_id,
                   CASE WHEN p.m_id IS NULL THEN nextval({member_seq}) ELSE p.m_id END AS member_id,
                   t.name, coalesce(t.gender, t.id_gender) AS gender, coalesce(t.ethnicity, p.ethnicity, '01') AS ethnicity,
                   coalesce(t.birth_date, t.id_birth) AS birth_date, t.id_number,
                   coalesce(t.education, p.education, '') AS education,
                   coalesce(t.occupation, p.occupation, '') AS occupation, coalesce(t.phone, p.phone, '') AS phone,
                   'member'::text AS stage, o.id AS organization, o.path AS org_path,
                   n.search AS name_search, n.initials AS name_initials,
                   t.category, coalesce(t.applied_on, p.m_applied_on) AS applied_on,
                   coalesce(t.joined_on, p.m_joined_on) AS joined_on, coalesce(t.full_on, p.m_full_on) AS full_on,
                   coalesce(t.status, p.m_status, 'active') AS status,
                   coalesce(t.no_post_class, p.m_no_post_class, '') AS no_post_class,
                   CASE WHEN p.m_id IS NOT NULL AND p.m_status <> coalesce(t.status, p.m_status, 'active') THEN %s::date
                        ELSE p.m_status_changed_on END AS status_changed_on,
                   {holds_post} AS holds_post,
                   p.name AS old_name, p.gender AS old_gender, p.ethnicity AS old_ethnicity,
                   p.birth_date AS old_birth_date, p.id_number AS old_id_number, p.education AS old_education,
                   p.occupation AS old_occupation, p.phone AS old_phone, p.stage AS old_stage,
                   p.organization_id AS old_organization, p.org_path AS old_org_path,
                   old_n.search AS old_name_search, old_n.initials AS old_name_initials,
                   p.m_person_id AS old_person, p.m_org_path AS old_member_path, p.m_category AS old_category,
                   p.m_applied_on AS old_applied_on, p.m_joined_on AS old_joined_on, p.m_full_on AS old_full_on,
                   p.m_status AS old_status, p.m_no_post_class AS old_no_post_class,
                   p.m_status_changed_on AS old_status_changed_on, p.m_holds_post AS old_holds_post
            FROM import_typed t
            JOIN import_org o ON o.code = t.code
            JOIN import_name n ON n.name = t.name
            LEFT JOIN import_old p ON p.id_number = t.id_number
            LEFT JOIN import_name old_n ON old_n.name = p.name
                  ) x) y
        """, [self.today])
        # validate_member_dates on the values the rows end up with
        order = ("birth_date", "applied_on", "joined_on", "full_on")
        pairs = [f"({a} IS NOT NULL AND {b} IS NOT NULL AND {a} >= {b})"
                 for i, a in enumerate(order) for b in order[i + 1:]]
        if self.one(f"SELECT count(*) FROM import_row WHERE {' OR '.join(pairs)} OR joined_on > %s "
                    f"OR (category = 'full' AND full_on IS NULL) OR (category = 'probationary' AND full_on IS NOT NULL)",
                    [self.today]):
            raise Unsuitable

    def count(self, plan: Plan) -> None:
        self.execute("SELECT action, count(*) FROM import_row GROUP BY action")
        for action, n in self.cursor.fetchall():
            plan.counts[action] = n
        changed = ", ".join(f"CASE WHEN {k} IS DISTINCT FROM old_{k} THEN '{k}' END" for k in PERSON_KEYS)
        member = ", ".join(f"CASE WHEN had_member AND {k} IS DISTINCT FROM old_{k} THEN '{k}' END" for k in MEMBER_KEYS)
        self.execute(f"""
            SELECT action, row_number, name, id_number,
                   CASE WHEN had_person THEN array_remove(ARRAY[{changed}], NULL) ELSE '{{}}' END
                   || CASE WHEN had_person AND NOT had_member THEN ARRAY['membership'] ELSE '{{}}' END
                   || array_remove(ARRAY[{member}], NULL)
            FROM (SELECT *, row_number() OVER (PARTITION BY action ORDER BY row_number) AS rank FROM import_row) s
            WHERE rank <= 20 ORDER BY action, row_number""")
        sheet = self.sheet
        for action, row, name, number, keys in self.cursor.fetchall():
            headings = [sheet.heading(k) if k in sheet.columns else k for k in keys] if action == "updated" else ()
            plan.samples[action].append({"row": row, "label": f"{name} {idcard.mask_id(number or '')}",
                                         "fields": [str(h) for h in headings]})
        plan.counts = {k: plan.counts.get(k, 0) for k in ("created", "updated", "unchanged")}

    # --- apply ----------------------------------------------------------------------------------------------------

    def apply(self, progress=no_progress, row_count: int = 0) -> None:
        from kernel.orgs.counters import move_member_counts as move_counters

        now = timezone.now()
        person, member = _table(Person), _table(Member)
        person_columns = ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone",
                          "stage", "organization_id", "org_path", "name_search", "name_initials")
        person_values = ", ".join(k.removesuffix("_id") for k in person_columns)
        member_columns = ("person_id", "org_path", "category", "applied_on", "joined_on", "full_on", "status",
                          "status_changed_on", "holds_post", "no_post_class")
        member_values = ", ".join("person_id" if k == "person_id" else k for k in member_columns)
        with connection.cursor() as cursor:
            self.cursor = cursor
            progress(row_count, row_count, _("Writing people"))
            self.execute(f"INSERT INTO {person} (id, created_at, updated_at, {', '.join(person_columns)}) "
                         f"SELECT person_id, %s, %s, {person_values} FROM import_row WHERE NOT had_person", [now, now])
            sets = ", ".join(f"{k} = r.{k.removesuffix('_id')}" for k in person_columns)
            self.execute(f"UPDATE {person} t SET updated_at = %s, {sets} FROM import_row r "
                         f"WHERE r.person_changed AND t.id = r.person_id", [now])
            progress(row_count, row_count, _("Writing memberships and posts"))
            self.execute(f"INSERT INTO {member} (id, created_at, updated_at, {', '.join(member_columns)}) "
                         f"SELECT member_id, %s, %s, {member_values} FROM import_row WHERE NOT had_member",
                         [now, now])
            sets = ", ".join(f"{k} = r.{k}" for k in member_columns if k != "person_id")
            self.execute(f"UPDATE {member} t SET updated_at = %s, {sets} FROM import_row r "
                         f"WHERE r.member_written AND t.id = r.member_id", [now])
            self.execute("""
                SELECT org, sum(delta) FROM (
                    SELECT old_organization AS org, -1 AS delta FROM import_row
                    WHERE had_member AND old_status = 'active'
                    UNION ALL SELECT organization, 1 FROM import_row WHERE status = 'active') d
                GROUP BY org HAVING sum(delta) <> 0""")
            move_counters(dict(self.cursor.fetchall()))
            progress(row_count, row_count, _("Updating the statistics"))
            stats.add_counts(stat_changes())
            progress(row_count, row_count, _("Writing the change log"))
            self.write_log(now)
            self.send_standing()
            self.execute(f"DROP TABLE IF EXISTS {TEMP_TABLES}")

    def send_standing(self) -> None:
        """The members registered, or whose status or category changed, for the standing's record
        (kernel.people.services.members_imported), as the row-by-row importer sends them."""
        self.execute("""
            SELECT member_id, person_id, org_path, joined_on, full_on,
                   CASE WHEN had_member THEN old_category ELSE '' END, category,
                   CASE WHEN had_member THEN old_status ELSE '' END, status, status_changed_on
            FROM import_row WHERE NOT had_member OR category IS DISTINCT FROM old_category
                                  OR status IS DISTINCT FROM old_status""")
        rows = self.cursor.fetchall()
        if rows:
            members_imported.send(sender=Member, user=self.importer.user, rows=rows)

    def write_log(self, now: datetime.datetime) -> None:
        actor = current_actor()
        user_id = getattr(actor.user, "pk", None)
        table = _table(ChangeRecord)
        person_type = ContentType.objects.get_for_model(Person).pk
        member_type = ContentType.objects.get_for_model(Member).pk
        person_keys = ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone",
                       "stage", "organization", "org_path", "name_search", "name_initials")
        member_keys = ("org_path", "category", "applied_on", "joined_on", "full_on", "status", "no_post_class",
                       "status_changed_on", "holds_post")

        def as_json(keys, prefix, extra):
            """The record's object: to_jsonb of a row whose columns are named as the keys (on PostgreSQL 15 about
            a third cheaper than jsonb_build_object, which works out each argument's type on every row)."""
            columns = [extra] + [f"{prefix}{key} AS {key}" for key in keys]
            return f"(SELECT to_jsonb(j) FROM (SELECT {', '.join(columns)}) j)"

        person_after = as_json(person_keys, "", "person_id AS id")
        person_before = as_json(person_keys, "old_", "person_id AS id")
        member_after = as_json(member_keys, "", "member_id AS id, person_id AS person")
        member_before = as_json(member_keys, "old_", "member_id AS id, old_person AS person")
        columns = "time, user_id, source, request_id, action, content_type_id, object_id, object_repr, org_path, " \
                  "before, after, message"
        common = "%s, %s, %s, %s"
        params = [now, user_id, actor.source, actor.request_id]
        for content_type, object_id, after, before, created, updated in (
                (person_type, "person_id", person_after, person_before, "NOT had_person", "person_changed"),
                (member_type, "member_id", member_after, member_before, "NOT had_member", "member_written")):
            self.execute(f"INSERT INTO {table} ({columns}) SELECT {common}, 'create', {content_type}, {object_id}, "
                         f"left(name, 200), org_path, NULL, {after}, '' FROM import_row WHERE {created}", params)
            self.execute(f"""
                INSERT INTO {table} ({columns})
                SELECT {common}, 'update', {content_type}, {object_id}, left(name, 200), org_path, d.before, d.after, ''
                FROM (SELECT row_number, {object_id}, name, org_path, {before} AS b, {after} AS a
                      FROM import_row WHERE {updated}) r
                CROSS JOIN LATERAL (
                    SELECT jsonb_object_agg(e.key, r.b -> e.key) AS before, jsonb_object_agg(e.key, e.value) AS after
                    FROM jsonb_each(r.a) e WHERE r.b -> e.key IS DISTINCT FROM e.value) d""", params)
