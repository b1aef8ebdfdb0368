"""Architecture guard of the protection layer: what the dashboard and the reports show
comes from :mod:`analysis.published`.

The pages and the report renderers may import formatting, result-frame helpers and texts
from ``analysis/``, but no module that computes from respondents without protection (the
raw counting and estimating modules are reached only through ``analysis.published``). A
new import of, say, ``analysis.needs.prevalence`` into a page fails here.
"""

import ast

import pytest

from bedarfsradar import PROJECT_ROOT

# modules that only format, describe or combine already published frames
ALLOWED_MODULES = {
    "analysis.published",  # the one door to numbers
    "analysis.catalogue",  # the release rules; rounds published tables (interim releases)
    "analysis.display",  # German formatting of published frames
    "analysis.export",  # CSV/XLSX bytes of published frames
    "analysis.results",  # result-frame helpers (filter, concat, constants)
    "analysis.findings",  # sentences from published results
    "analysis.method_note",  # texts
    "analysis.evidence",  # wording constants
    "analysis.overview",  # progress from published counts
    "analysis.tidy",  # the SurveyData type
}
# names from other modules that hold no respondent numbers
ALLOWED_NAMES = {
    "analysis.coding": {"NO_AREA", "coded_table", "coder_agreement"},
}
CONSUMERS = ("dashboard", "reports")


def _analysis_imports():
    for package in CONSUMERS:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    if node.module == "analysis":
                        for alias in node.names:
                            yield path, f"analysis.{alias.name}", None
                    elif node.module.startswith("analysis."):
                        for alias in node.names:
                            yield path, node.module, alias.name
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.startswith("analysis"):
                            yield path, alias.name, None


def _forbidden():
    out = []
    for path, module, name in _analysis_imports():
        if module in ALLOWED_MODULES:
            continue
        if name is not None and name in ALLOWED_NAMES.get(module, set()):
            continue
        out.append(f"{path.relative_to(PROJECT_ROOT)}: {module}{'.' + name if name else ''}")
    return out


def test_dashboard_and_reports_reach_numbers_only_through_the_published_layer():
    assert _forbidden() == []


def test_the_guard_sees_a_forbidden_import(tmp_path, monkeypatch):
    page = tmp_path / "dashboard" / "pages"
    page.mkdir(parents=True)
    (page / "leak.py").write_text(
        "from analysis.needs import prevalence\nimport analysis.disclosure\n"
        "from analysis import supply\nfrom analysis.coding import coded_area_results\n"
        "from analysis.published import needs_view\n",
        encoding="utf-8",
    )
    (tmp_path / "reports").mkdir()
    monkeypatch.setattr(f"{__name__}.PROJECT_ROOT", tmp_path)
    assert _forbidden() == [
        "dashboard/pages/leak.py: analysis.needs.prevalence",
        "dashboard/pages/leak.py: analysis.disclosure",
        "dashboard/pages/leak.py: analysis.supply",
        "dashboard/pages/leak.py: analysis.coding.coded_area_results",
    ]


@pytest.mark.parametrize("module", sorted(ALLOWED_MODULES - {"analysis.published"}))
def test_allowed_modules_do_not_count_respondents_themselves(module):
    """The allowed helpers must not reach the raw estimators either (else a page could
    get an unprotected number through them)."""
    source = (PROJECT_ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
    tree = ast.parse(source)
    raw = {"analysis.needs", "analysis.supply", "analysis.perception", "analysis.admin",
           "analysis.counts", "analysis.compare", "analysis.subset"}  # fmt: skip
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            if node.module == "analysis":
                imported |= {f"analysis.{a.name}" for a in node.names}
    assert imported & raw == set()
