"""What an import says about a workbook: one record type for refusals and left-outs.

Every record names the sheet, the row (as the spreadsheet numbers it) and the column
(header and letter) where the guide finds it; the text is German, for the guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["error", "left_out", "changed", "depends"]
KIND_TITLES: dict[str, str] = {
    "error": "Fehler",
    "left_out": "Nicht übernommen",
    "changed": "Geändert übernommen",
    "depends": "Bedingung betroffen",
}


@dataclass(frozen=True)
class Finding:
    """One problem (``kind="error"``: the file is refused) or one thing the import leaves
    out or carries differently (needs the guide's confirmation)."""

    sheet: str
    """As the workbook names it; empty for the file as a whole; a file name (``.csv``,
    ``.zip``, ``.xlsx``) for a file without sheets or the file itself."""
    row: int | None
    column: str | None
    message: str
    kind: Kind = "error"

    def where(self) -> str:
        if not self.sheet:
            parts = ["Datei"]
        elif self.sheet.lower().endswith((".csv", ".zip", ".xlsx")):  # a file, not a sheet
            parts = [f"Datei {self.sheet}"]
        else:
            parts = [f"Blatt {self.sheet}"]
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        if self.column:
            parts.append(f"Spalte {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class XLSFormError(ValueError):
    """A workbook that cannot become a questionnaire; nothing of it is used. ``problems``
    lists every problem found, each with sheet, row and column."""

    def __init__(self, problems: list[Finding]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
