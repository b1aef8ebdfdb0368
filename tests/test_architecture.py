"""The project's rooms and what each may import: a one-way house.

Every package (and each room of ``surveys/``) names the rooms it may import. A new
package, or a new room in ``surveys/``, fails here until it is given its line, and an
import across a wall that is not listed fails with the file and the module. Imports under
``if TYPE_CHECKING:`` are ignored (they do not run). What the dashboard and the reports
may take from ``analysis/`` is checked more finely in ``tests/privacy/test_one_layer.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bedarfsradar import PROJECT_ROOT

TOP = ("analysis", "surveys", "publicity", "reports", "dashboard", "bedarfsradar", "bench")

SURVEYS_CORE = {"surveys.questionnaire"}
ALLOWED: dict[str, set[str]] = {
    # pure functions on DataFrames: no database, no Streamlit, nothing of the project
    "analysis": set(),
    # the schema and engine: the bottom of everything that stores
    "bedarfsradar.db": set(),
    "surveys.questionnaire": {"analysis"},
    "surveys.responses": {"analysis", "bedarfsradar.db", *SURVEYS_CORE},
    "surveys.translations": {"bedarfsradar.db", *SURVEYS_CORE},
    "surveys.free_text": {"bedarfsradar.db"},
    "surveys.privacy": {"analysis", "bedarfsradar.db", "surveys.responses"},
    # people invited by name: who finished, never what they answered
    "surveys.invitations": {"bedarfsradar.db", "surveys.responses"},
    "surveys.web": {"surveys.responses", "surveys.translations", "surveys.invitations",
                    *SURVEYS_CORE},
    # import and export of forms, and of the interviews collected with them offline
    "surveys.xlsform": {"surveys.translations", "surveys.responses", *SURVEYS_CORE},
    "surveys.offers": {"bedarfsradar.db", *SURVEYS_CORE},
    "surveys.releases": {"analysis", "bedarfsradar.db"},
    # a wave with any stored questionnaire version, and who may create one
    "surveys.campaign_setup": {"bedarfsradar.db", "surveys.responses", "surveys.translations",
                               *SURVEYS_CORE},
    "surveys.demo": {"bedarfsradar.db", "surveys.responses", "surveys.invitations",
                     *SURVEYS_CORE},
    # public materials: above the survey, below everything that shows them
    "publicity": {"surveys.translations", *SURVEYS_CORE},
    # the Stadtrat deck and PDF; measures are the town's decisions, kept by the root
    "reports": {"analysis", "bedarfsradar.db", "bedarfsradar.measures", "publicity",
                "surveys.offers", "surveys.invitations", *SURVEYS_CORE},
    "surveys": set(),  # the package's map (a docstring)
}  # fmt: skip
ROOT = {"bedarfsradar", "bedarfsradar.db", "bedarfsradar.measures"}
SURVEYS_ALL = {room for room in ALLOWED if room.startswith("surveys.")}
ALLOWED |= {
    "dashboard": {"analysis", *ROOT, "publicity", "reports", *SURVEYS_ALL},
    "bedarfsradar": {"analysis", "dashboard", "publicity", "reports", *SURVEYS_ALL},
    "bench": {"analysis", *ROOT, "dashboard", "reports", *SURVEYS_ALL},
}


def room_of_module(module: str) -> str | None:
    """The room a dotted module belongs to (None: not the project's)."""
    parts = module.split(".")
    if parts[0] not in TOP:
        return None
    if parts[0] == "surveys" and len(parts) > 1:
        return f"surveys.{parts[1]}"
    if parts[0] == "bedarfsradar" and len(parts) > 1 and parts[1] == "db":
        return "bedarfsradar.db"
    if parts[0] == "bedarfsradar" and len(parts) > 1 and parts[1] == "measures":
        return "bedarfsradar.measures"
    return parts[0]


def room_of_file(root: Path, path: Path) -> str:
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    room = room_of_module(module.removesuffix(".__init__"))
    assert room is not None
    return "bedarfsradar" if room == "bedarfsradar.measures" else room


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    out = []
    for node in ast.walk(tree):
        if node.lineno in skip if hasattr(node, "lineno") else False:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in {"surveys", "bedarfsradar"}:  # from surveys import demo
                out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
    return out


def violations(root: Path = PROJECT_ROOT) -> list[str]:
    out = []
    for top in TOP:
        for path in sorted((root / top).rglob("*.py")):
            room = room_of_file(root, path)
            if room not in ALLOWED:
                out.append(f"{path.relative_to(root)}: room {room} has no line in ALLOWED")
                continue
            for line, module in imports_of(path):
                target = room_of_module(module)
                if target in (None, room) or target in ALLOWED[room]:
                    continue
                if room == "bedarfsradar" and target.startswith("bedarfsradar"):
                    continue
                out.append(f"{path.relative_to(root)}:{line}: {room} may not import {module}")
    return sorted(set(out))


def test_every_import_crosses_only_the_walls_its_room_allows():
    assert violations() == []


def test_every_room_of_surveys_is_named():
    rooms = {f"surveys.{p.name}" for p in (PROJECT_ROOT / "surveys").iterdir()
             if p.is_dir() and (p / "__init__.py").exists()}  # fmt: skip
    rooms |= {f"surveys.{p.stem}" for p in (PROJECT_ROOT / "surveys").glob("*.py")
              if p.stem != "__init__"}  # fmt: skip
    assert rooms <= set(ALLOWED), rooms - set(ALLOWED)


def test_surveys_keeps_a_handful_of_top_level_modules_and_no_module_over_600_lines():
    top = [p.name for p in (PROJECT_ROOT / "surveys").glob("*.py")]
    assert len(top) <= 6, top
    long = {
        str(p.relative_to(PROJECT_ROOT)): n
        for p in (PROJECT_ROOT / "surveys").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    # reasons: storage.py is the one storage API the survey, dashboard, CLI and demo share
    # (its statements live in responses/sql.py); _mapping.py maps every XLSForm feature
    # onto the model in one pass (split by the pyxform structure it walks would scatter it)
    assert set(long) <= {"surveys/responses/storage.py", "surveys/xlsform/_mapping.py"}, long


def test_the_guard_sees_an_import_through_a_wall(tmp_path):
    for top in TOP:
        (tmp_path / top).mkdir()
    (tmp_path / "surveys" / "questionnaire").mkdir()
    (tmp_path / "surveys" / "questionnaire" / "model.py").write_text(
        "from surveys.responses.storage import Storage\nimport dashboard.app\n", encoding="utf-8"
    )
    (tmp_path / "analysis" / "needs.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from surveys import demo\n"
        "from bedarfsradar.db import schema\n",
        encoding="utf-8",
    )
    (tmp_path / "surveys" / "newroom").mkdir()  # a room nobody gave a line yet
    (tmp_path / "surveys" / "newroom" / "__init__.py").write_text("", encoding="utf-8")
    assert violations(tmp_path) == [
        "analysis/needs.py:4: analysis may not import bedarfsradar.db",
        "surveys/newroom/__init__.py: room surveys.newroom has no line in ALLOWED",
        "surveys/questionnaire/model.py:1: surveys.questionnaire may not import "
        "surveys.responses.storage",
        "surveys/questionnaire/model.py:2: surveys.questionnaire may not import dashboard.app",
    ]


def test_every_from_import_of_the_project_names_something_that_exists():
    """``from surveys.x import y`` where ``y`` moved away fails at run time only when the
    line runs (imports inside functions); found here for every file at once."""
    import importlib

    missing = []
    for top in (*TOP, "tests"):
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
                    continue
                if node.module.split(".")[0] not in (*TOP, "tests"):
                    continue
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if alias.name == "*" or hasattr(module, alias.name):
                        continue
                    try:
                        importlib.import_module(f"{node.module}.{alias.name}")
                    except ImportError:
                        rel = path.relative_to(PROJECT_ROOT)
                        missing.append(f"{rel}:{node.lineno}: {node.module}.{alias.name}")
    assert missing == []


def test_no_streamlit_script_has_a_bare_string_below_its_docstring():
    """Streamlit's "magic" draws every bare expression of a page script: a string literal
    after the module docstring (say, a constant's "docstring") appears in English on
    every page."""
    pages = sorted((PROJECT_ROOT / "dashboard" / "pages").glob("*.py"))
    scripts = [PROJECT_ROOT / "dashboard" / "app.py", *pages]
    found = []
    for path in scripts:
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node in body[1:]:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert found == []
