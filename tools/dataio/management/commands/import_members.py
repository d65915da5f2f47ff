from tools.dataio.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Imports party members (with their posts) from an xlsx or CSV file: every row is checked first; one bad row and nothing is written."
    kind = "members"
