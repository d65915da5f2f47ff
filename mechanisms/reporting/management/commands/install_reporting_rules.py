from kernel.orgs.management.definitions import InstallShippedCommand
from mechanisms.reporting.library import RULES, SECRETARY_STANDARD, install_reporting_rules


class Command(InstallShippedCommand):
    help = ("Installs the shipped reporting duty rules (quarterly, half-yearly and yearly reports, 双向述职, "
            "supervision notices) and the 双向述职 standard, owned by the organization ORG_CODE (default: the "
            "only top-level organization). A file that has not changed keeps its version.")
    install = staticmethod(install_reporting_rules)
    shipped = (*RULES, SECRETARY_STANDARD)
    noun = "rules"
