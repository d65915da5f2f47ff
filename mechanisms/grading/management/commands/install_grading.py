from kernel.orgs.management.definitions import InstallShippedCommand

from ...library import install_grading


class Command(InstallShippedCommand):
    help = ("Installs the workflow definitions grading ships (the 三定一帮 rectification plan), owned by the "
            "organization ORG_CODE (default: the only top-level organization).")
    install = staticmethod(install_grading)

    def describe(self, version) -> str:
        return f"{version.workflow.name} v{version.number}"
