"""Helpers: the dashboard's page list as ``dashboard/app.py`` declares it, and everything
a page run shows or offers for download, as one text."""

from __future__ import annotations

import ast
import io
import zipfile

from bedarfsradar import PROJECT_ROOT
from tests.dashboard.downloads import RecordingStorage

APP = PROJECT_ROOT / "dashboard" / "app.py"
PAGES = PROJECT_ROOT / "dashboard" / "pages"


def page_roles() -> dict[str, tuple[str, ...]]:
    """``{"needs.py": ("admin", "guide", "viewer"), ...}`` read from ``PAGE_LIST``
    (parsed, not imported: importing the app would run Streamlit)."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    names: dict[str, tuple[str, ...]] = {}
    pages: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            for t, v in zip(target.elts, node.value.elts, strict=True):
                names[t.id] = ast.literal_eval(v)  # type: ignore[attr-defined]
        elif isinstance(target, ast.Name) and target.id == "PAGE_LIST":
            for entry in node.value.elts:  # type: ignore[attr-defined]
                file, _title, roles = entry.elts
                pages[ast.literal_eval(file)] = (
                    names[roles.id] if isinstance(roles, ast.Name) else ast.literal_eval(roles)
                )
    assert pages, "PAGE_LIST not found in dashboard/app.py"
    return pages


def _unpack(blob: bytes) -> str:
    """Text of a download: zip members (XLSX, PPTX) decoded, or the bytes themselves."""
    if blob[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return blob.decode("utf-8", "replace")


def everything_shown(at) -> str:  # type: ignore[no-untyped-def]
    """Every value, label, option, table cell and download payload of a page run."""
    parts: list[str] = []
    for node in at.main:
        _collect(node, parts)
    for node in at.sidebar:
        _collect(node, parts)
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    parts += [_unpack(b) for b in RecordingStorage.files.values()]
    return "\n".join(parts)


def _collect(node, parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    for attr in ("value", "body", "label", "options", "placeholder", "help"):
        try:
            parts.append(str(getattr(node, attr)))
        except Exception:
            continue
    parts.append(str(getattr(node, "proto", "")))
    for child in getattr(node, "children", {}).values():
        _collect(child, parts)
