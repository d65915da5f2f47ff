import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kernel.core.actor import acting_as
from kernel.core.registry import demo_generators
from kernel.orgs.models import Organization
from tools.demo.generator import generate
from tools.demo.users import DEFAULT_PASSWORD, ensure_demo_users, existing_logins


class Command(BaseCommand):
    help = (
        "Fills an empty database with realistic demo data and one demo account per role. "
        "--scale county reproduces seed 000's county (27 party committees, 389 branches, 7,760 members); "
        "city reproduces Wugang (898 organizations, 30,568 members); province makes about 200,000 "
        "organizations and 4,000,000 members (use PostgreSQL). The same --seed gives the same data. "
        "A database that already holds organizations is refused unless --flush is given, which first "
        "deletes ALL data (every table, accounts included); --if-empty instead leaves it alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["county", "city", "province"], default="county")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default=DEFAULT_PASSWORD,
                            help=f"password of every demo account (default {DEFAULT_PASSWORD})")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing but list the accounts when organizations already exist")
        parser.add_argument("--registries-only", action="store_true",
                            help="generate only the registries (organizations, people, members, posts), "
                                 "without the year of campaigns, meetings, reports and liaison work")
        parser.add_argument("--flush", action="store_true",
                            help="delete all data in the database (manage.py flush) before generating")

    def handle(self, *args, scale, seed, password, if_empty, flush, registries_only=False, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds organizations; nothing generated.")
                self._print_logins(existing_logins(), None)
                return
            if not flush:
                raise CommandError("The database already holds organizations. Use --flush to delete all data "
                                   "first, or --if-empty to leave it alone.")
        if flush:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                with connection.cursor() as cursor:  # TRUNCATE refuses tables with pending deferred checks
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            call_command("flush", interactive=False, verbosity=0)
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")
            self.stdout.flush()

        with acting_as(None, source="command:demo_data"):
            result = generate(scale, seed, progress=progress)
            if scale != "province" and not registries_only:
                # each app's year of work, in the order the apps declare (core/registry.py)
                for _app, generate_app in demo_generators():
                    generate_app(result.roots[0], seed, progress=progress)
            logins = ensure_demo_users(result.roots[0], password)
        for root in result.roots:
            self.stdout.write(self.style.SUCCESS(
                f"{root.name}: {root.subtree_org_count:,} organizations, {root.subtree_member_count:,} members "
                f"({result.rows.get('people.Person', 0):,} people, {result.rows.get('people.Post', 0):,} posts) "
                f"in {result.seconds:.1f}s"))
        self._print_logins(logins, password)

    def _print_logins(self, logins, password):
        if not logins:
            return
        self.stdout.write("Demo accounts" + (f" (password: {password})" if password else "") + ":")
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.role:<17} {login.organization}")
