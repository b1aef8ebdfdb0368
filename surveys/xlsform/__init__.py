"""XLSForm import and export (the ODK / KoboToolbox spreadsheet standard).

Import: :func:`read_xlsform` (a file) or :func:`import_xlsform` (bytes of an upload).
pyxform reads and checks the workbook; a workbook pyxform refuses, or one with a formula
no program has computed, raises :class:`XLSFormError` listing every problem with sheet,
row and column, in German. Otherwise the result (:class:`ImportResult`) holds the
questionnaire and the :class:`Finding` list of everything left out or carried
differently; it is stored only after the guide confirms that list
(``bedarfsradar xlsform import FILE --yes`` or the dashboard page "Fragebogen
importieren"). Mapping: :mod:`surveys.xlsform._mapping`. Texts the import writes itself
("Sonstiges", a title, error messages, the town's privacy notice) come in every language
of the form from the product's own translations (:class:`ProductTexts`,
:func:`product_texts`).

Export: :func:`write_xlsform` (:mod:`surveys.xlsform.export`) writes a workbook that
pyxform converts without warnings and that reads back into an identical questionnaire.

Submissions: the interviews collected with that form in ODK Collect or KoboCollect come
back from ODK Central's or KoboToolbox's export as responses
(:mod:`surveys.xlsform.submissions`).
"""

from __future__ import annotations

from pathlib import Path

from surveys.xlsform._mapping import Importer, ImportResult
from surveys.xlsform._product import ProductTexts, product_texts
from surveys.xlsform._reader import read_workbook
from surveys.xlsform._report import KIND_TITLES, Finding, XLSFormError
from surveys.xlsform.export import write_xlsform, xlsform_rows
from surveys.xlsform.yaml_files import write_yaml_files

__all__ = [
    "KIND_TITLES",
    "Finding",
    "ImportResult",
    "ProductTexts",
    "XLSFormError",
    "import_xlsform",
    "product_texts",
    "read_xlsform",
    "write_xlsform",
    "write_yaml_files",
    "xlsform_rows",
]


def import_xlsform(
    data: bytes,
    filename: str,
    *,
    audience: str | None = None,
    product: ProductTexts | None = None,
) -> ImportResult:
    """Read an XLSForm from its bytes; raises :class:`XLSFormError` if it is refused.
    ``audience`` (newcomer, volunteer, administration) overrides the workbook's own;
    ``product``: the product's texts in every language (without: German and English)."""
    return Importer(read_workbook(data, filename), audience, product).run()


def read_xlsform(
    path: Path, *, audience: str | None = None, product: ProductTexts | None = None
) -> ImportResult:
    """:func:`import_xlsform` for a file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise XLSFormError(
            [Finding(path.name, None, None, f"Die Datei lässt sich nicht lesen ({exc.strerror}).")]
        ) from exc
    return import_xlsform(data, path.name, audience=audience, product=product)
