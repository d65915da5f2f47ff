"""The layers hold (README "Layout"): the import-linter contracts in pyproject.toml pass, a back-import would
fail them, and no module imports itself through others (no import cycles)."""
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOTS = ("jiceng", "kernel", "engines", "mechanisms", "tools")


@pytest.fixture
def graph():
    """The project's import graph, fresh for each test (a test adds an import to it)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return grimp.build_graph(*ROOTS, cache_dir=None)


class _FixedGraph:
    """Hands import-linter the graph under test instead of building one from the files."""

    def __init__(self, graph):
        self.graph = graph

    def build(self, **_options):
        return self.graph


def lint(graph):
    """The verdict of the contracts in pyproject.toml on ``graph``, by import-linter's own checks."""
    from importlinter.application import use_cases
    from importlinter.application.app_config import settings
    from importlinter.configuration import configure

    configure()
    settings.configure(GRAPH_BUILDER=_FixedGraph(graph))
    use_cases._register_built_in_contract_types()
    try:
        options = use_cases.read_user_options(config_filename=str(ROOT / "pyproject.toml"))
        return use_cases.create_report(options, cache_dir=None)
    finally:
        configure()


def broken(report) -> list[str]:
    return [contract.name for contract, check in report.get_contracts_and_checks() if not check.kept]


def test_the_layer_contracts_hold(graph):
    assert broken(lint(graph)) == []


@pytest.mark.parametrize(("importer", "imported"), [
    ("kernel.core.rates", "mechanisms.grading.models"),  # the kernel reaching up to a mechanism
    ("engines.duties.services", "engines.standards.models"),  # one engine into another
    ("mechanisms.deliberation.views", "mechanisms.orglife.pdf"),  # one mechanism into another
    ("kernel.orgs.services", "kernel.people.models"),  # the tree into the people registry
])
def test_a_back_import_breaks_a_contract(graph, importer, imported):
    graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    assert broken(lint(graph)), f"{importer} -> {imported} should break a contract"


def test_no_module_imports_itself_through_others(graph):
    modules = {m for m in graph.modules if ".migrations" not in m and ".tests" not in m}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))

    def visit(module):
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in modules:
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    assert cycles == []
