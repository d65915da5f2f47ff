"""The registry of the site's parts: each app declares, in its AppConfig, what it plugs into the site.

An app's ``apps.py`` subclasses :class:`JicengApp` and fills in what it has::

    class GradingConfig(JicengApp):
        name = "grading"
        url_prefix = "grading/"                        # its pages, from grading/urls.py
        api = [("/grading", "mechanisms.grading.api.router")]     # its API routers
        nav = [Nav("workflows", _("Grading and 3+1 support"), "grading:list", "bi-bar-chart-steps", order=10)]
        demo = "mechanisms.grading.demo.generate_grading"         # generate(root, seed, progress) for the demo county
        demo_order = 50
        daily = [Daily("grading", _("rectification measures: …"), "mechanisms.grading.reminders.daily")]
        shipped = [Ship("grading", "the rectification workflow …", "mechanisms.grading.library.install_grading", order=30)]
        hooks = ["mechanisms.grading.handlers"]                   # imported at start-up: they register themselves
        scope_rows = "mechanisms.grading.tests.foreign_rows"     # the scope walk's rows of this app's models

``jiceng/urls.py``, ``jiceng/api.py``, the navigation bar, ``demo_data``, ``daily``, ``install_shipped`` and
the scope walk read this registry; adding a mechanism is one ``INSTALLED_APPS`` line and its own folder
(docs/adding-a-mechanism.md). What an app hooks into an engine (a standards data source, a to-do source, a
person mark, a workflow data check) lives in one of its ``hooks`` modules, which registers it on import.
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import AppConfig, apps
from django.urls import NoReverseMatch, include, path, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The roles that work on organizations' data, everyone's but member self-service: they see the department's menus
# (``Nav(..., roles=STAFF_ROLES)``); a member sees only what concerns them.
STAFF_ROLES = ("county_admin", "township_admin", "branch_secretary", "inspector", "leader")


@dataclass(frozen=True)
class Nav:
    """An entry of the navigation bar: in one of ``MENUS`` (a dropdown) or ``"top"``/``"end"`` (the bar itself,
    before or after the dropdowns). ``visible`` is the dotted path of ``fn(user) -> bool`` deciding whether the
    user sees it; ``roles`` the role codes of which the user must hold one (superusers see everything)."""
    menu: str
    label: object
    url: str
    icon: str
    order: int = 50
    group: int = 0  # entries of a menu in different groups are parted by a divider
    roles: tuple[str, ...] = ()
    visible: str | None = None
    element_id: str = ""


@dataclass(frozen=True)
class Daily:
    """A job of the daily run: ``run`` is the dotted path of ``fn(today) -> counts``."""
    name: str
    description: object
    run: str


@dataclass(frozen=True)
class Ship:
    """What the app ships for a new site: ``install`` is the dotted path of ``fn(*, user, owner) -> {code: version}``."""
    name: str
    description: str
    install: str
    order: int = 100


@dataclass(frozen=True)
class Menu:
    code: str
    label: object
    icon: str


# The dropdowns of the navigation bar, in their order; apps put their entries in them.
MENUS = [
    Menu("standards", _("Standards"), "bi-award"),
    Menu("duties", _("Duties"), "bi-calendar-check"),
    Menu("workflows", _("Workflows"), "bi-signpost-split"),
    # short English labels: the bar holds nine menus and links, the search and the buttons on one line at 1366 px
    Menu("members", pgettext_lazy("menu", "Membership"), "bi-people"),
    Menu("cadres", pgettext_lazy("menu", "Cadres"), "bi-person-badge"),
    Menu("building", pgettext_lazy("menu", "Grassroots"), "bi-buildings"),
]
_MENU_CODES = {m.code for m in MENUS} | {"top", "end"}


class JicengApp(AppConfig):
    """An app of the site. Everything below is optional; see the module's docstring."""
    default = False  # not the AppConfig Django picks for an apps.py that imports this class; its subclass is

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = cls.__dict__.get("default", True)

    url_prefix: str | None = None
    urls: str | None = None  # the URLconf module; "<name>.urls" when url_prefix is set
    api: list[tuple[str, str]] = []
    nav: list[Nav] = []
    demo: str | None = None
    demo_order: int = 100
    demo_accounts: str | None = None  # fn(*, root, township) -> [(username, role, organization, person id)]
    daily: list[Daily] = []
    shipped: list[Ship] = []
    hooks: list[str] = []
    scope_rows: str | None = None

    def ready(self):
        from importlib import import_module

        from .daily import daily_job
        from .shipped import shipped as register_shipped

        for entry in self.nav:
            if entry.menu not in _MENU_CODES:
                raise ValueError(f"{self.label}: navigation entry {entry.url} names an unknown menu {entry.menu!r}")
        for job in self.daily:
            daily_job(job.name, job.description)(_daily_call(job.run))
        for item in self.shipped:
            register_shipped(item.name, item.description, order=item.order)(_lazy_call(item.install))
        for module in self.hooks:
            import_module(module)
        self.connect()

    def connect(self):
        """What else the app does at start-up (signals); override when needed."""


def _lazy_call(dotted: str) -> Callable:
    def call(*args, **kwargs):
        return import_string(dotted)(*args, **kwargs)
    call.__name__ = call.__qualname__ = dotted.rsplit(".", 1)[-1]
    call.dotted = dotted
    return call


def _daily_call(dotted: str) -> Callable:
    def run(today):
        return import_string(dotted)(today=today)
    run.dotted = dotted
    return run


def declared() -> list[JicengApp]:
    """The site's apps in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, JicengApp)]


def url_patterns() -> list:
    """Every app's pages under its prefix; the app at the empty prefix (the home page) last."""
    patterns, last = [], []
    for config in declared():
        if config.url_prefix is None:
            continue
        entry = path(config.url_prefix, include(config.urls or f"{config.name}.urls"))
        (last if config.url_prefix == "" else patterns).append(entry)
    return patterns + last


def add_routers(api) -> None:
    for config in declared():
        for prefix, router in config.api:
            api.add_router(prefix, router)


def demo_generators() -> list[tuple[str, Callable]]:
    """``(app label, generate(root, seed, progress))`` in the order they run."""
    found = [(config.demo_order, config.label, config.demo) for config in declared() if config.demo]
    return [(label, import_string(dotted)) for _order, label, dotted in sorted(found)]


def demo_account_sources() -> list[tuple[str, Callable]]:
    return [(config.label, import_string(config.demo_accounts)) for config in declared() if config.demo_accounts]


def scope_row_modules() -> Iterator[tuple[str, object]]:
    """``(app label, module)`` of the apps that keep the scope walk's rows of their models: ``scope_rows`` where
    declared, else ``<app>/tests/foreign_rows.py`` where it exists."""
    from importlib import import_module
    from importlib.util import find_spec

    for config in declared():
        dotted = config.scope_rows or f"{config.name}.tests.foreign_rows"
        try:
            found = find_spec(dotted) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            yield config.label, import_module(dotted)


# --- the navigation bar -----------------------------------------------------------------------------------


@dataclass
class NavLink:
    label: object
    href: str
    icon: str
    app: str
    divider_before: bool = False
    element_id: str = ""


@dataclass
class NavMenu:
    code: str
    label: object
    icon: str
    links: list[NavLink] = field(default_factory=list)

    @property
    def apps(self) -> set[str]:
        return {link.app for link in self.links}


def _held_roles(user) -> set[str]:
    from django.conf import settings

    return {role for role, _path in import_string(settings.ROLE_GRANTS_RESOLVER)(user)}


def _sees(user, entry: Nav, held: set[str] | None = None) -> bool:
    if entry.visible and not import_string(entry.visible)(user):
        return False
    if entry.roles and not user.is_superuser:
        held = _held_roles(user) if held is None else held
        if not set(entry.roles) & held:
            return False
    return True


def _entries() -> list[tuple]:
    return sorted(((entry.menu, entry.order, config.label, entry) for config in declared()
                   for entry in config.nav), key=lambda e: (e[0], e[1]))


def visible_entries(user) -> tuple[int, ...]:
    """Which of the declared entries ``user`` sees (their ids): the bar is the same for everyone with the same
    answer, so its rendered links can be kept (kernel.core.templatetags.jiceng.site_navigation_links)."""
    held = None if user.is_superuser else _held_roles(user)
    return tuple(id(entry) for _menu, _order, _app, entry in _entries() if _sees(user, entry, held))


def navigation(user, visible: tuple[int, ...] | None = None) -> dict:
    """The bar for ``user``: ``{"top": [links], "menus": [NavMenu with links], "end": [links]}``."""
    entries = _entries()
    shown = set(visible_entries(user) if visible is None else visible)
    top, end = [], []
    menus = {m.code: NavMenu(m.code, m.label, m.icon) for m in MENUS}
    last_group: dict[str, int] = {}
    for menu, _order, app, entry in entries:
        if id(entry) not in shown:
            continue
        try:
            href = reverse(entry.url)
        except NoReverseMatch:
            raise ValueError(f"{app}: navigation entry names an unknown page {entry.url!r}") from None
        link = NavLink(entry.label, href, entry.icon, entry.url.split(":")[0], element_id=entry.element_id)
        if menu == "top":
            top.append(link)
        elif menu == "end":
            end.append(link)
        else:
            target = menus[menu]
            link.divider_before = bool(target.links) and last_group.get(menu) != entry.group
            last_group[menu] = entry.group
            target.links.append(link)
    return {"top": top, "menus": [m for m in menus.values() if m.links], "end": end}
