"""The list of people to invite: a CSV or XLSX file, or lines typed on the page.

Columns: name (required), e-mail (optional: without it the person gets a printed letter),
department (optional: "Bereich", for response rates per department). A header row is
recognised by its German or English names (``Name``, ``E-Mail``, ``Bereich`` …); without
one the columns are taken in that order. Typed lines separate the fields with ``;``, a
tab or ``,``.

Nothing is stored from a list with problems: :func:`parse_list` returns every problem
(German, with its row number) - malformed addresses, missing names, duplicates within
the list and people already invited to the campaign - and the caller stores only a list
without any (:meth:`surveys.invitations.store.InvitationStore.add`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
MAX_NAME, MAX_EMAIL, MAX_DEPARTMENT = 200, 254, 100
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")  # fmt: skip
"""An address a mail server accepts: no spaces, one @, a domain with a dot (no IDN
checks: the server has the last word, and a bounce is shown as such)."""
HEADERS = {
    "name": {"name", "vorname und name", "name, vorname", "person", "mitarbeiter", "mitarbeiterin",
             "mitarbeitende", "ehrenamtliche", "full name"},
    "email": {"e-mail", "email", "e-mail-adresse", "emailadresse", "mail", "e-mail adresse",
              "email address", "adresse"},
    "department": {"bereich", "abteilung", "amt", "fachbereich", "department", "team",
                   "arbeitsbereich", "gruppe"},
}  # fmt: skip


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None
    department: str | None
    row: int
    """Row in the file (1 = first line, header included) or typed line."""


@dataclass(frozen=True)
class ListProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Zeile {self.row}: {self.message}" if self.row else self.message


@dataclass
class ParsedList:
    people: list[Person] = field(default_factory=list)
    problems: list[ListProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.people)


class InvitationListError(ValueError):
    """A list that cannot be stored; ``problems`` lists every reason (German)."""

    def __init__(self, problems: Sequence[ListProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(map(str, self.problems)))


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _columns(header: Sequence[str]) -> dict[str, int] | None:
    """Column index per field when ``header`` is a header row, else None."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _clean(cell).lower().rstrip(":")
        for name, words in HEADERS.items():
            if key in words and name not in found:
                found[name] = i
    return found if "name" in found else None


def _rows_of_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on German Windows
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ";,\t")
    except csv.Error:

        class Guessed(csv.excel):
            delimiter = ";" if sample.count(";") >= sample.count(",") else ","

        dialect = Guessed
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _rows_of_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()


def _rows_of_text(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        sep = ";" if ";" in line else "\t" if "\t" in line else ","
        rows.append([part.strip() for part in line.split(sep)])
    return rows


def read_rows(data: bytes, filename: str) -> list[list[str]]:
    """The cells of a CSV or XLSX file; raises :class:`InvitationListError` for a file
    that is too large or cannot be read."""
    if len(data) > MAX_BYTES:
        raise InvitationListError([ListProblem(0, "Die Datei ist zu groß (höchstens 2 MB).")])
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            return _rows_of_xlsx(data)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            message = f"Die Excel-Datei lässt sich nicht lesen ({type(exc).__name__})."
            raise InvitationListError([ListProblem(0, message)]) from exc
    if filename.lower().endswith((".csv", ".txt")):
        return _rows_of_csv(data)
    raise InvitationListError(
        [ListProblem(0, "Bitte eine CSV- oder Excel-Datei (.xlsx) hochladen.")]
    )


def parse_rows(
    rows: Sequence[Sequence[str]], existing: Iterable[tuple[str, str | None, str | None]] = ()
) -> ParsedList:
    """People and problems of a table (header optional). ``existing``: (name, e-mail,
    department) of people already invited to the campaign, reported as duplicates."""
    out = ParsedList()
    cells = [[_clean(c) for c in row] for row in rows]
    first = next((i for i, row in enumerate(cells) if any(row)), None)
    if first is None:
        out.problems.append(ListProblem(0, "Die Liste ist leer."))
        return out
    columns = _columns(cells[first])
    start = first + 1 if columns else first
    columns = columns or {"name": 0, "email": 1, "department": 2}
    seen_email: dict[str, int] = {}
    seen_person: dict[tuple[str, str], int] = {}
    known_email = {e.lower() for _, e, _ in existing if e}
    known_person = {(n.lower(), (d or "").lower()) for n, e, d in existing if not e}

    def cell(row: list[str], name: str) -> str:
        i = columns.get(name)
        return row[i] if i is not None and i < len(row) else ""

    for number, row in enumerate(cells[start:], start=start + 1):
        if not any(row):
            continue
        if len(out.people) + len(out.problems) >= MAX_ROWS:
            out.problems.append(ListProblem(number, f"Mehr als {MAX_ROWS} Zeilen: bitte teilen."))
            break
        name, email, department = cell(row, "name"), cell(row, "email"), cell(row, "department")
        problems = []
        if not name:
            problems.append("Der Name fehlt.")
        elif len(name) > MAX_NAME:
            problems.append(f"Der Name ist länger als {MAX_NAME} Zeichen.")
        if email and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
            problems.append(f"„{email}“ ist keine gültige E-Mail-Adresse.")
        if len(department) > MAX_DEPARTMENT:
            problems.append(f"Der Bereich ist länger als {MAX_DEPARTMENT} Zeichen.")
        if not problems and email:
            key = email.lower()
            if key in seen_email:
                problems.append(
                    f"Die E-Mail-Adresse {email} steht schon in Zeile {seen_email[key]}."
                )
            elif key in known_email:
                problems.append(f"{email} ist zu dieser Befragung schon eingeladen.")
            seen_email.setdefault(key, number)
        elif not problems:
            person = (name.lower(), department.lower())
            if person in seen_person:
                problems.append(
                    f"{name} steht ohne E-Mail-Adresse schon in Zeile {seen_person[person]}."
                )
            elif person in known_person:
                problems.append(f"{name} ist zu dieser Befragung schon eingeladen.")
            seen_person.setdefault(person, number)
        if problems:
            out.problems += [ListProblem(number, p) for p in problems]
        else:
            out.people.append(Person(name, email or None, department or None, number))
    if not out.people and not out.problems:
        out.problems.append(ListProblem(0, "Die Liste enthält keine Personen."))
    return out


def parse_list(
    data: bytes | str,
    filename: str = "liste.txt",
    existing: Iterable[tuple[str, str | None, str | None]] = (),
) -> ParsedList:
    """A file's bytes (CSV/XLSX by ``filename``) or typed text, parsed (:func:`parse_rows`)."""
    try:
        rows = _rows_of_text(data) if isinstance(data, str) else read_rows(data, filename)
    except InvitationListError as exc:
        return ParsedList(problems=exc.problems)
    return parse_rows(rows, existing)
