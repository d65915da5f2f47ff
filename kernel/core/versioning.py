"""Definitions kept in numbered versions (standards, duty rules, workflows).

Saving a definition creates it, or changes it: in place while nothing uses its current version, else as the
next version (what used the old one keeps it). An unchanged document changes nothing. Each library says
how its versions are made and rewritten and what may not change (``VersionedLibrary``); the order of the
checks, the scope, the locking and the change records are the same for all.
"""
from django.db.models import Max
from django.utils.translation import gettext as _

from .changelog import record_change, snapshot
from .models import ChangeRecord
from .services import require_in_scope


class VersionedLibrary:
    """One library's definitions: ``model`` has code, owner, owner_path, current_version and versions;
    ``version_model`` has number, document and ``frozen`` (something uses it)."""

    model = None
    version_model = None

    def canonical(self, document: dict) -> dict:
        raise NotImplementedError

    def fields(self, document: dict) -> dict:
        """The definition's own columns, from the document."""
        raise NotImplementedError

    def new_version(self, definition, number: int, document: dict, user):
        raise NotImplementedError

    def rewrite(self, version, document: dict) -> None:
        """Rewrites a version nothing uses yet to ``document``."""
        raise NotImplementedError

    def check(self, definition, current, document: dict) -> None:
        """Refuses (ValidationError) a change the definition may not take; by default any change is taken."""

    def save(self, *, user, document: dict, owner):
        document = self.canonical(document)
        definition = self.model.objects.select_for_update().filter(code=document["code"]).first()
        if definition is None:
            require_in_scope(user, owner.path, realm="org")
            definition = self.model.objects.create(code=document["code"], owner=owner, owner_path=owner.path,
                                                   **self.fields(document))
            version = self.new_version(definition, 1, document, user)
            definition.current_version = version
            definition.save(update_fields=["current_version"])
            record_change(definition, ChangeRecord.Action.CREATE)
            return version
        require_in_scope(user, definition.owner_path, realm="org")
        current = self.version_model.objects.filter(pk=definition.current_version_id).first()
        if current is not None and current.document == document:
            return current
        self.check(definition, current, document)
        before = snapshot(definition)
        if current is not None and not current.frozen:
            self.rewrite(current, document)
            version = current
        else:
            number = (definition.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = self.new_version(definition, number, document, user)
        for name, value in self.fields(document).items():
            setattr(definition, name, value)
        definition.current_version = version
        definition.save()
        record_change(definition, ChangeRecord.Action.UPDATE, before=before,
                      message=_("Version %(number)s saved.") % {"number": version.number})
        return version
