"""The shape of the code, held by a test: layers, no cycles, features apart, libraries plain.

Read from the source with ast, so function-level imports count as much as module-level ones.
docs/ARCHITECTURE.md draws the same rules; change both together.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("qms", "printer_drivers", "print_agent", "speech", "hardware")
LIBRARIES = ("printer_drivers", "print_agent", "speech", "hardware")
FEATURES = (
    "auth",  # staff accounts, passwords, sessions, tokens, lockout
    "queue",  # services, counters, tickets, issuing limits
    "fallback",  # standing in for QMS 1.2
    "devices",  # printers, kiosks' agents, button boxes, LED boards, rating pads, health
    "incidents",  # the contingency plan as a tool, drills
    "reports",  # queue figures
    "ratings",  # citizens' satisfaction
    "centre",  # calendar, reception pause, the centre's settings, the audit of set-up
    "paper",  # paper dossiers, assisted service
    "help",  # the kiosk's help button
    "media",  # the TV's guidance videos and images
    "federation",  # a centre's outbox to the province
    "province",  # the province's view of every centre
)
# the outer ring: they assemble the app or face the outside, and nothing below imports them
EDGE = (
    "qms",  # the app factory itself
    "qms.__main__",
    "qms.pages",
    "qms.realtime",
    "qms.cli",
    "qms.serve",
    "qms.demo",
    "qms.all_models",
)
# a feature uses another only along these lines, each for a reason
ALLOWED = {
    ("devices", "queue"): "a print job prints a ticket",
    ("fallback", "queue"): "adoption inserts tickets through the queue's operations",
    ("fallback", "auth"): "outages and adoptions name who acted",
    ("incidents", "auth"): "the incident book names who acted",
    ("reports", "queue"): "figures are counted over tickets",
    ("ratings", "queue"): "a rating is of a served ticket",
    ("ratings", "auth"): "an officer may not rate in the citizen's place: the API asks who calls",
    ("reports", "ratings"): "satisfaction figures count the ratings",
    ("reports", "incidents"): "the report gives incidents and minutes of disruption",
    ("reports", "auth"): "rows by officer name the officer",
    ("centre", "auth"): "the audit log names who changed what",
    ("queue", "auth"): "a staff override of closed/cap/pause names who issued",
    ("paper", "queue"): "a dossier names the ticket it came from; its QR uses the public base URL",
    ("paper", "incidents"): "a dossier names the incident that caused it",
    ("paper", "auth"): "the register names who received, entered and returned a dossier",
    ("paper", "devices"): "the appointment slip prints through the print job path",
    ("devices", "ratings"): "a rating pad's press rates the ticket its counter finished last",
    ("devices", "auth"): "a device account is bound to its kiosk or counter; the admin lists them",
    ("federation", "queue"): "the queue snapshot sent to the province: waiting, counters open",
    ("federation", "reports"): "the day's figures sent to the province are the queue report's",
    ("federation", "ratings"): "the day's satisfaction counts name the centre's rating scale",
}


def _module_files():
    found = {}
    for package in PACKAGES:
        base = ROOT / package
        for path in base.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _module_files()


def _imports(name, path):
    """(target module, imported names) for every import statement anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:  # `from pkg import module`
                    yield full, ()
                else:
                    yield base, (alias.name,)


GRAPH = {
    name: {target for target, _ in _imports(name, path) if target in MODULES}
    for name, path in MODULES.items()
}


def _feature(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "qms" and parts[1] in FEATURES else None


def _is_edge(module):
    return module in EDGE or any(module.startswith(e + ".") for e in EDGE if e != "qms")


def test_the_tree_is_read():
    # a guard that reads nothing passes everything: the tree must be the one we know
    assert {"qms.queue.operations.issuing", "qms.mode", "printer_drivers.transports"} <= set(
        MODULES
    )
    assert "qms.queue.operations.tickets" in GRAPH["qms.fallback.operations"]


def test_no_import_cycles():
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in GRAPH[node]:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("library", LIBRARIES)
def test_libraries_import_neither_flask_nor_the_app(library):
    offending = [
        (name, target)
        for name, path in MODULES.items()
        if name.split(".")[0] == library
        for target, _ in _imports(name, path)
        if target.split(".")[0] in ("flask", "flask_socketio", "qms", "sqlalchemy")
    ]
    assert offending == []


def test_features_meet_only_along_the_allowed_lines():
    crossings = {
        (_feature(name), _feature(target))
        for name, targets in GRAPH.items()
        for target in targets
        if _feature(name) and _feature(target) and _feature(name) != _feature(target)
    }
    assert crossings - set(ALLOWED) == set()
    # and every allowed line is still used: a stale allowance would hide the next one
    assert set(ALLOWED) - crossings == set()


def test_nothing_below_the_edge_imports_it():
    upward = [
        (name, target)
        for name, targets in GRAPH.items()
        if not _is_edge(name)
        for target in targets
        if _is_edge(target)
    ]
    assert upward == []


def test_core_imports_no_feature():
    core = [n for n in MODULES if n.startswith("qms.") and n.count(".") == 1 and not _is_edge(n)]
    core = [n for n in core if _feature(n) is None and n not in ("qms.web",)]
    reaching = [(n, t) for n in core for t in GRAPH[n] if _feature(t) or t.startswith("qms.web")]
    assert reaching == []


def test_no_private_name_is_imported_from_another_module():
    private = [
        (name, target, imported)
        for name, path in MODULES.items()
        for target, names in _imports(name, path)
        for imported in names
        if imported.startswith("_") and not imported.startswith("__")
    ]
    assert private == []


def test_pages_live_side_by_side_with_namespaced_templates():
    pages = ROOT / "qms" / "pages"
    for page in (p for p in pages.iterdir() if p.is_dir() and p.name != "__pycache__"):
        templates = page / "templates"
        if templates.exists():
            assert [d.name for d in templates.iterdir()] == [page.name]
    stray = [
        p.relative_to(ROOT)
        for p in (ROOT / "qms").rglob("*.html")
        if "pages" not in p.parts and "layout" not in p.parts
    ]
    assert stray == []
