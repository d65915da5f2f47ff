from kernel.orgs.management.definitions import InstallShippedCommand
from mechanisms.firstsec.library import install_firstsec


class Command(InstallShippedCommand):
    help = ("Installs the shipped first-secretary duty rules (weekly work report, half-yearly 述职) and the monthly "
            "assessment standard, owned by the organization ORG_CODE (default: the only top-level organization). "
            "A file that has not changed keeps its version.")
    install = staticmethod(install_firstsec)
