from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kernel.accounts import imports
from kernel.accounts.management.common import refusals_as_errors
from kernel.accounts.pdf import password_sheet
from kernel.core.management.base import LoggedCommand


class Command(LoggedCommand):
    help = ("Creates the accounts of an xlsx file (用户名, 姓名, 手机号, 组织代码, 角色) as the administrator named by "
            "--as: every row checked, then all created or none. The one-time passwords go to the PDF sheet given"
            " by --pdf, or else to standard output, once.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", type=Path)
        parser.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="write the sheet of one-time passwords here")
        parser.add_argument("--dry-run", action="store_true", help="check every row and write nothing")

    def handle(self, *args, file, pdf=None, dry_run=False, **options):
        if self.acting_user is None:
            raise CommandError(_("Name the administrator the accounts are created by: --as USERNAME."))
        if not file.exists():
            raise CommandError(_("No file %(name)s.") % {"name": file})
        with file.open("rb") as handle, refusals_as_errors():
            plan, created = imports.import_accounts(handle, file.name, user=self.acting_user, dry_run=dry_run)
        if not plan.ok:
            for error in plan.error_dicts():
                where = _("row %(row)d") % {"row": error["row"]}
                if error["column"]:
                    where += f", {error['column']}"
                self.stderr.write(f"{where}: {error['message']}")
            raise CommandError(_("Nothing was imported: %(n)d errors.") % {"n": len(plan.errors)})
        if dry_run:
            self.stdout.write(_("%(n)d accounts would be created.") % {"n": plan.counts["created"]})
            return
        if pdf is not None:
            pdf.write_bytes(password_sheet([c.as_dict() for c in created], issued_by=self.acting_user.username))
            for account in created:
                self.stdout.write(account.username)
            self.stderr.write(_("%(n)d accounts created; their one-time passwords are on %(pdf)s.")
                              % {"n": len(created), "pdf": pdf})
            return
        self.stderr.write(_("%(n)d accounts created; their one-time passwords, shown only this once:")
                          % {"n": len(created)})
        for account in created:
            self.stdout.write(f"{account.username}\t{account.password}")
