"""The home page: panels that engines and mechanisms contribute, chosen by who the user is.

Like the to-do (kernel.core.todo), the home page belongs to the core but knows nothing of the apps: each app
registers its panels in one of its ``hooks`` modules::

    from kernel.core.home import Figure, PanelData, home_panel

    @home_panel("reporting.notices", _("Supervision notices"), kinds={"department", "township"}, order=40)
    def notices_panel(request, kind) -> PanelData | None:
        ...
        return PanelData(figures=[Figure(_("Open"), 12, url=..., target=..., last_year=...)],
                         table=Table([...headings...], rows), template="reporting/_home_notices.html")

A user is of one or more *kinds* (``user_kinds``), from their grants: ``department`` (a county administrator, or a
superuser), ``township`` (a township administrator), ``branch`` (a branch secretary), ``member`` (member
self-service), ``readonly`` (a leader or an inspector); apps may add kinds of their own through ``kind_source``
(say ``firstsec`` for a first secretary on duty). The home page lists every panel registered for one of the user's
kinds, in ``order``; each panel is loaded by the browser from its own URL (``core:home_panel``), so the page
itself answers at once and one slow figure does not hold up the rest. A panel's table downloads as Excel from
``core:home_panel_xlsx``: every chart and figure has its table.

A panel function answers ``None`` when it has nothing to show the user (no grant it concerns, no data yet); it must
only read what the user's scope allows, like any view.

A panel's answer is kept for ``HOME_PANEL_SECONDS`` (120 s) per user and language (``cached_panel``): every visit to
the home page loads every panel, and a county's figures do not change from one click to the next. What the user
does shows at once: any change the user makes (a successful POST, PUT, PATCH or DELETE, ``note_change``) starts their
panels afresh; what others do shows within the two minutes, and the panel says when its figures were read.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

PANELS: list["Panel"] = []
KIND_SOURCES: list[Callable] = []

# The kinds given by grants (role -> kind); a superuser is of the department kind.
ROLE_KINDS = {
    "county_admin": "department",
    "township_admin": "township",
    "branch_secretary": "branch",
    "inspector": "readonly",
    "leader": "readonly",
    "member": "member",
}
KIND_ORDER = ("department", "township", "readonly", "branch", "firstsec", "member")


@dataclass(frozen=True)
class Figure:
    """One number of a panel: the value, its unit, the yearly target and last year's value when there are, the
    link to the page where it comes from (whose figure must be the same), and a colour with the reason for it."""
    label: str
    value: object
    url: str = ""
    unit: str = ""
    target: object = None
    last_year: object = None
    colour: str = ""        # "green" | "amber" | "red" | ""
    note: str = ""          # the threshold behind the colour, or what the figure counts


@dataclass(frozen=True)
class Table:
    """A panel's rows, for the page (below its chart) and for its Excel download."""
    headings: list
    rows: list
    title: str = ""


@dataclass
class PanelData:
    figures: list = field(default_factory=list)
    table: Table | None = None
    template: str = ""      # a partial rendered inside the panel's card; the default shows figures and table
    context: dict = field(default_factory=dict)
    actions: list = field(default_factory=list)  # (label, url) links shown at the panel's foot


@dataclass(frozen=True)
class Panel:
    code: str
    title: object
    kinds: frozenset
    order: int
    fn: Callable
    icon: str = "bi-speedometer2"
    wide: bool = False


def home_panel(code: str, title, *, kinds, order: int = 50, icon: str = "bi-speedometer2", wide: bool = False):
    """Registers ``fn(request, kind) -> PanelData | None`` as the panel ``code`` for users of ``kinds``."""
    def register(fn):
        global PANELS
        PANELS = [p for p in PANELS if p.code != code]
        PANELS.append(Panel(code, title, frozenset(kinds), order, fn, icon, wide))
        PANELS.sort(key=lambda p: (p.order, p.code))
        return fn
    return register


def kind_source(fn):
    """Registers ``fn(user) -> iterable of kind codes`` for kinds that grants alone do not give."""
    if fn not in KIND_SOURCES:
        KIND_SOURCES.append(fn)
    return fn


def user_kinds(user) -> list[str]:
    """The user's kinds, in KIND_ORDER (then any other in the order found)."""
    if not getattr(user, "is_authenticated", False):
        return []
    from django.conf import settings
    from django.utils.module_loading import import_string

    held = {role for role, _path in import_string(settings.ROLE_GRANTS_RESOLVER)(user)}
    found = {"department"} if user.is_superuser else set()
    found |= {ROLE_KINDS[role] for role in held if role in ROLE_KINDS}
    for source in KIND_SOURCES:
        found |= set(source(user))
    return [k for k in KIND_ORDER if k in found] + sorted(found - set(KIND_ORDER))


def panels_for(user) -> list[tuple[Panel, str]]:
    """(panel, kind) for each panel the user sees: the first of the user's kinds the panel is registered for."""
    kinds = user_kinds(user)
    chosen = []
    for panel in PANELS:
        kind = next((k for k in kinds if k in panel.kinds), None)
        if kind is not None:
            chosen.append((panel, kind))
    return chosen


def _generation_key(user) -> str:
    return f"home:generation:{user.pk}"


def note_change(user) -> None:
    """The user changed something: their panels are read afresh (kernel.core.middleware.RequestContextMiddleware)."""
    from django.core.cache import cache

    key = _generation_key(user)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def cached_panel(user, panel: "Panel", kind: str, compute):
    """``compute()``'s answer for the user's panel, kept HOME_PANEL_SECONDS, with the time it was read."""
    import datetime

    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone
    from django.utils.translation import get_language

    seconds = getattr(settings, "HOME_PANEL_SECONDS", 120)
    if not seconds:
        return compute(), None
    generation = cache.get(_generation_key(user), 0)
    key = f"home:panel:{panel.code}:{kind}:{user.pk}:{generation}:{get_language()}:{datetime.date.today()}"
    found = cache.get(key)
    if found is None:
        found = (compute(), timezone.now())
        cache.set(key, found, seconds)
    return found


def panel_for(user, code: str) -> tuple[Panel, str] | None:
    return next(((panel, kind) for panel, kind in panels_for(user) if panel.code == code), None)
