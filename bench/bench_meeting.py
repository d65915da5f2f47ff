"""Meeting save benchmark: a branch meeting with 60 attendees saved through the page (one POST), against a baseline.

    .venv/bin/python bench/bench_meeting.py [--repeat 20] [--write]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_meeting.py   # an empty database it may fill

Builds a throwaway SQLite database (unless DATABASE_URL is given) with a county, a branch of 60 members and
the shipped duty rules with their obligations, then measures, each --repeat times (median and max):
- "POST new meeting": the entry page's POST of a new meeting with 60 taps (view, form, service, attendance,
  the duty submission and its obligation recount, change record), server time through Django's test client;
- "POST edit meeting": the same meeting saved again with a third of the taps changed;
- "service meeting_save": the service alone (new meeting);
- baseline "bulk_create 60 rows": a bare ``Attendance.objects.bulk_create`` of 60 rows, the floor of any save.
With --write the section "Meeting save" is appended to bench/RESULTS.md.
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ATTENDEES = 60


def setup_django() -> str:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-meeting-')}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def timed(function, repeat: int) -> list[float]:
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        function(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    vendor = setup_django()

    from django.test import Client
    from django.test.utils import setup_test_environment

    from engines.duties import services as duties
    from kernel.orgs.services import org_create
    from mechanisms.orglife.library import install_rules
    from mechanisms.orglife.models import Attendance, Meeting
    from mechanisms.orglife.services import meeting_save
    from tests.kit import make_member, make_user

    setup_test_environment()
    county = org_create(user=None, parent=None, code="BC", name="基准县委", org_type="committee")
    township = org_create(user=None, parent=county, code="BT", name="基准镇党委", org_type="party_committee",
                          domain="rural")
    branch = org_create(user=None, parent=township, code="BB", name="基准村党支部", org_type="branch", domain="rural")
    people = [make_member(branch, f"党员{i:02d}") for i in range(ATTENDEES)]
    for version in install_rules(user=None, owner=county).values():
        duties.generate(user=None, rule=version.rule, year=datetime.date.today().year)
    user = make_user("bench-secretary", "branch_secretary", branch)
    client = Client()
    client.force_login(user)
    today = datetime.date.today()
    statuses = ("present", "excused", "absent")

    def form(i, shift=0):
        return {"kind": "themed_day", "date": today.isoformat(), "topic": f"主题党日 {i}", "place": "活动室",
                **{f"a_{p.pk}": statuses[(n + shift) % 7 % 3] for n, p in enumerate(people)}}

    created = []

    def post_new(i):
        response = client.post(f"/orglife/orgs/{branch.pk}/meetings/new/", form(i))
        assert response.status_code == 302, response.status_code
        created.append(int(response["Location"].rstrip("/").split("/")[-1]))

    def post_edit(i):
        response = client.post(f"/orglife/meetings/{created[i]}/edit/", form(i, shift=i % 2 + 1))
        assert response.status_code == 302, response.status_code

    def service_new(i):
        meeting_save(user=user, organization=branch, kind="group", date=today, topic=f"党小组会 {i}",
                     attendance={p.pk: statuses[n % 3] for n, p in enumerate(people)})

    anchor = Meeting.objects.create(organization=branch, org_path=branch.path, kind="group", date=today, topic="基准")

    def baseline(i):
        Attendance.objects.bulk_create([Attendance(meeting=anchor, person=p, org_path=branch.path, date=today,
                                                   kind="group", status="present") for p in people])

    client.post(f"/orglife/orgs/{branch.pk}/meetings/new/", form(-1))  # warm-up: templates, content types
    results = {}
    results["POST new meeting (60 attendees)"] = timed(post_new, args.repeat)
    results["POST edit meeting (60 attendees, a third changed)"] = timed(post_edit, args.repeat)
    results["service meeting_save (new, 60 attendees)"] = timed(service_new, args.repeat)

    def fresh_baseline(i):
        Attendance.objects.filter(meeting=anchor).delete()
        started = time.perf_counter()
        baseline(i)
        return (time.perf_counter() - started) * 1000

    results["baseline: bulk_create of 60 attendance rows"] = [fresh_baseline(i) for i in range(args.repeat)]
    base = statistics.median(results["baseline: bulk_create of 60 attendance rows"])
    lines = ["| measurement | median ms | max ms | × baseline | target |", "| --- | ---: | ---: | ---: | --- |"]
    for name, samples in results.items():
        median = statistics.median(samples)
        target = ("< 200 ms: " + ("met" if median < 200 else "MISSED")) if name.startswith("POST") else ""
        lines.append(f"| {name} | {median:.1f} | {max(samples):.1f} | {median / base:.1f} | {target} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        section = (f"\n## Meeting save\n\nDate: {today}. Command: `.venv/bin/python bench/bench_meeting.py "
                   f"--repeat {args.repeat} --write`. Database: {vendor} (throwaway). Python "
                   f"{platform.python_version()}, {os.cpu_count()} CPUs; load average at the end: {load}.\n"
                   f"Median of {args.repeat} saves each. A save is one POST of the entry page: the meeting, 60 "
                   "attendance rows (one bulk INSERT; on an edit one UPDATE per changed status), the counts, one "
                   "change record, and the duty submission with its obligation's recount. The baseline is a bare "
                   "`bulk_create` of the same 60 rows in the same run.\n\n" + table + "\n")
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as results_file:
            results_file.write(section)


if __name__ == "__main__":
    main()
