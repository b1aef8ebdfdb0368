"""Fonts for the PDFs (poster, Stadtrat report) from PyPI packages, never from the system.

The wheels ``fontpkg-noto-sans`` and ``fontpkg-noto-sans-arabic`` (SIL Open Font Licence)
ship *variable* fonts (``NotoSans[wdth,wght].ttf``). fpdf2 can instance them itself
(``add_font(..., variations={"wght": 700})``), but that takes about 3 s per font and
document. :func:`font_file` instead writes each static instance (fontTools' instancer,
width 100, the requested weight) once into a cache folder and returns its path; later
calls and other processes reuse the file. The folder is ``BEDARFSRADAR_FONT_CACHE``, else
``$XDG_CACHE_HOME/bedarfsradar/fonts`` (``~/.cache/...``), else the temporary folder.
Files are written to a temporary name and renamed, so parallel first uses are safe.

Coverage: Noto Sans has Latin (German typography, "−", "·", "–", no-break space),
Cyrillic and Greek; Noto Sans Arabic has Arabic and Persian.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Literal

Family = Literal["sans", "arabic"]
REGULAR, BOLD = 400, 700
_PACKAGES: dict[str, tuple[str, str]] = {  # family -> (import name, file in files/)
    "sans": ("fontpkg_noto_sans", "NotoSans[wdth,wght].ttf"),
    "arabic": ("fontpkg_noto_sans_arabic", "NotoSansArabic[wdth,wght].ttf"),
}


class FontError(RuntimeError):
    """A font package is missing or its file cannot be read or instanced."""


def variable_font(family: Family) -> Path:
    """The variable font file shipped by the family's PyPI package."""
    module, name = _PACKAGES[family]
    try:
        package = __import__(module)
    except ImportError as exc:
        dist = module.replace("_", "-")
        raise FontError(f"font package {dist} is not installed (pip install {dist})") from exc
    path = Path(str(package.__file__)).parent / "files" / name
    if not path.is_file():
        raise FontError(f"{path} is missing from the package {module}")
    return path


def cache_dir() -> Path:
    """Where static instances are kept (see module docstring)."""
    explicit = os.environ.get("BEDARFSRADAR_FONT_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bedarfsradar" / "fonts"


def _version(family: Family) -> str:
    try:
        return metadata.version(_PACKAGES[family][0].replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "0"


def _instance(source: Path, weight: int, target: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(source))
    static = instancer.instantiateVariableFont(
        font, {"wght": weight, "wdth": 100}, static=True, updateFontNames=True
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        static.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@cache
def font_file(family: Family, weight: int = REGULAR) -> Path:
    """A static TrueType file of ``family`` at ``weight`` (400 regular, 700 bold)."""
    source = variable_font(family)
    stem = source.name.split("[", 1)[0]
    name = f"{stem}-w{weight}-{_version(family)}.ttf"
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / "bedarfsradar-fonts"):
        target = folder / name
        if target.is_file():
            return target
        try:
            _instance(source, weight, target)
            return target
        except OSError:
            continue  # not writable: try the next folder
        except Exception as exc:  # fontTools raises many kinds on a damaged file
            raise FontError(f"cannot instance {source.name} at weight {weight}: {exc}") from exc
    raise FontError(f"no writable folder for the font cache ({cache_dir()})")


def add_fonts(pdf: object, *, arabic: bool = False) -> None:
    """Register "sans" (regular, bold) and optionally "arabic" on an fpdf2 ``FPDF``."""
    families: list[Family] = ["sans", "arabic"] if arabic else ["sans"]
    for family in families:
        pdf.add_font(family, "", str(font_file(family, REGULAR)))  # type: ignore[attr-defined]
        pdf.add_font(family, "B", str(font_file(family, BOLD)))  # type: ignore[attr-defined]
