"""What each app ships to be installed on a new site: its standards, duty rules and workflows.

An app registers an installer in its AppConfig.ready() with ``@shipped("name", description)`` on
``fn(*, user, owner) -> {code: version}``; ``python manage.py install_shipped`` runs them all for the top
organization (the "Moving in" path of the README), each app's own ``install_*`` command runs one. An installer
must leave an unchanged file at the version it has, so running the command again changes nothing.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Shipped:
    name: str
    install: Callable  # install(*, user, owner) -> {code: version}
    description: str = ""
    order: int = 100  # lower first: standards a workflow or rule refers to come before it


INSTALLERS: dict[str, Shipped] = {}


def shipped(name: str, description: str = "", order: int = 100):
    """Registers ``fn(*, user, owner) -> {code: version}`` as what the app ``name`` ships."""
    def register(fn):
        INSTALLERS[name] = Shipped(name, fn, description, order)
        return fn
    return register


def installers() -> list[Shipped]:
    return sorted(INSTALLERS.values(), key=lambda s: (s.order, s.name))
