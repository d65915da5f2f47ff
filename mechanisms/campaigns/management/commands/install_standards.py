from kernel.orgs.management.definitions import InstallShippedCommand
from mechanisms.campaigns.library import SHIPPED, install_standards


class Command(InstallShippedCommand):
    help = ("Installs the shipped default standards (五个好, 六个好, 标准化, 示范化, 十有六册一划一本, village cadres, "
            "member evaluation), owned by the organization ORG_CODE (default: the only top-level organization). "
            "A standard whose file has not changed keeps its version.")
    install = staticmethod(install_standards)
    shipped = tuple(SHIPPED)
    noun = "standards"

    def describe(self, version) -> str:
        return f"{version.standard.name} v{version.number}"
