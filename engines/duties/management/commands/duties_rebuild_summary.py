"""Recounts the roll-up tally from the obligations (repair: the database keeps it; this rebuilds it)."""
from engines.duties import tally
from kernel.core.management.base import LoggedCommand


class Command(LoggedCommand):
    help = "Recounts the obligations per organization subtree, rule and year that the roll-up reads."

    def handle(self, *args, **options):
        self.stdout.write(f"rows: {tally.rebuild()}")
