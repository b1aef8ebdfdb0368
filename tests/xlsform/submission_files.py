"""Submission exports written the way ODK Central and KoboToolbox lay them out, for a form
our exporter wrote (no binaries in the repository).

The fields come from pyxform's reading of the exported workbook (what the tablet runs),
not from the importer's own model: group paths, the table-list helper fields pyxform adds,
``meta/instanceID`` at the end, labels per language as the form names them.

- ODK Central (documented export, central-backend ``lib/data/briefcase.js``): a ZIP with
  ``<form id>.csv``: ``SubmissionDate``, the fields depth-first with group paths joined by
  ``-`` (``groupPaths=false``: the name alone), a select_multiple as space-separated codes
  and, with ``splitSelectMultiples``, one ``<column>/<value>`` column per value seen (0/1),
  then ``KEY``, ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``,
  ``AttachmentsExpected``, ``Status``, ``ReviewState``, ``DeviceID``, ``Edits``,
  ``FormVersion``; comma-separated UTF-8, quoted only where needed.
- KoboToolbox (formpack's ``Export``): paths joined by ``/`` (or without groups), a
  select_multiple as one column and one ``<column>/<option>`` column per option (1/0),
  labels instead of names and codes in a labels export, then ``_id``, ``_uuid``,
  ``_submission_time``, ``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``,
  ``__version__``, ``_tags``, ``_index``; CSV with ``;`` and every field quoted; XLSX with
  the submissions on the first sheet.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from surveys.questionnaire.model import QuestionnaireBundle
from surveys.xlsform import xlsform_rows

CENTRAL_TAIL = ("KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
                "FormVersion")  # fmt: skip
KOBO_TAIL = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index")  # fmt: skip
METADATA_ROWS = [
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {"type": "today", "name": "today"},
    {"type": "deviceid", "name": "deviceid"},
    {"type": "username", "name": "username"},
    {"type": "phonenumber", "name": "phonenumber"},
    {"type": "text", "name": "enumerator", "label::German (de)": "Name der Interviewerin"},
    {"type": "geopoint", "name": "gps", "label::German (de)": "Standort"},
]
"""What a guide may add to the exported form in ODK or Kobo (the personal metadata the
import must drop)."""


@dataclass
class Interview:
    """One tablet interview: the answers as the form mapping (any keys, hidden ones too)."""

    answers: dict[str, Any]
    consent: bool
    instance: str
    key: str | None = None
    """ODK Central's KEY (the first version's instance id); default: ``instance``."""
    deprecated: str | None = None
    edits: int = 0
    submitted: str = "2026-03-14T10:22:33.123Z"
    review: str = ""
    version: str | None = None
    metadata: dict[str, str] = field(
        default_factory=lambda: {
            "start": "2026-02-27T09:58:01.000+01:00",
            "end": "2026-02-27T10:31:44.000+01:00",
            "today": "2026-02-27",
            "deviceid": "collect:Xq8LmN2pR7tK4vB9",
            "username": "maria.muster",
            "phonenumber": "+4915112345678",
            "enumerator": "Maria Muster",
            "gps": "50.00712 8.03221 112.4 4.8",
        }
    )
    device: str = "collect:Xq8LmN2pR7tK4vB9"
    submitter: str = "Tablet Hallgarten"


@dataclass(frozen=True)
class Node:
    path: tuple[str, ...]
    kind: str
    list_name: str | None
    labels: tuple[dict[str, str], ...]
    """The labels along the path (language name -> text), groups first."""


class Form:
    """The exported form as the tablet runs it (pyxform's reading of the workbook)."""

    def __init__(self, bundle: QuestionnaireBundle, *, metadata: bool = False):
        from pyxform.xls2json import parse_file_to_json

        sheets = xlsform_rows(bundle)
        if metadata:
            sheets["survey"] = METADATA_ROWS + sheets["survey"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{bundle.questionnaire.id}.xlsx"
            _write_workbook(sheets, path)
            self.json = parse_file_to_json(str(path))
        self.id = bundle.questionnaire.id
        self.version = bundle.questionnaire.version
        self.nodes: list[Node] = []
        self._walk(self.json["children"], (), ())
        self.choices: dict[str, list[dict[str, Any]]] = self.json["choices"]

    def _walk(self, children: list[dict[str, Any]], path: tuple[str, ...], labels: tuple) -> None:
        for c in children:
            here = (*path, c["name"])
            label = c.get("label") if isinstance(c.get("label"), dict) else {}
            if c["type"] == "group":
                group_label = label or {"": c["name"]}
                self._walk(c.get("children") or [], here, (*labels, group_label))
                continue
            list_name = c.get("list_name") or c.get("itemset")
            self.nodes.append(Node(here, c["type"], list_name, (*labels, label or {})))

    def codes(self, list_name: str) -> list[str]:
        return [str(c["name"]) for c in self.choices.get(list_name, [])]

    def choice_label(self, list_name: str, code: str, language: str) -> str:
        for c in self.choices.get(list_name, []):
            if str(c["name"]) == code:
                return str(c["label"].get(language) or code)
        return code


def _write_workbook(sheets: dict[str, list[dict[str, Any]]], path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        columns: list[str] = []
        for row in rows:
            for column, value in row.items():
                if column not in columns and value is not None:
                    columns.append(column)
        ws.append(columns)
        for row in rows:
            ws.append([row.get(c) for c in columns])
    wb.save(path)


def _value(node: Node, interview: Interview) -> Any:
    """The raw value of a field in an interview (a list for select_multiple)."""
    name = node.path[-1]
    if node.kind == "acknowledge":
        return "OK" if interview.consent else ""
    if node.path[0] == "meta" and name == "instanceID":
        return interview.instance
    if name == "deprecatedID":
        return interview.deprecated or ""
    if name in interview.metadata and len(node.path) == 1:
        return interview.metadata[name]
    return interview.answers.get(name, "")


def _flat(value: Any) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


# -- ODK Central -----------------------------------------------------------------------------
def central_rows(
    form: Form,
    interviews: list[Interview],
    *,
    split: bool = False,
    group_paths: bool = True,
) -> list[list[str]]:
    header = ["SubmissionDate"]
    seen: dict[tuple[str, ...], list[str]] = {}
    for node in form.nodes:
        if node.kind == "select all that apply":
            values = {v for i in interviews for v in (_value(node, i) or [])}
            seen[node.path] = sorted(values)
    columns: list[tuple[Node, str | None]] = []
    for node in form.nodes:
        name = "-".join(node.path) if group_paths else node.path[-1]
        if node.kind == "geopoint":
            for part in ("Latitude", "Longitude", "Altitude", "Accuracy"):
                header.append(f"{name}-{part}")
                columns.append((node, part))
            continue
        header.append(name)
        columns.append((node, None))
        if split and node.path in seen:
            for v in seen[node.path]:
                header.append(f"{name}/{v}")
                columns.append((node, f"/{v}"))
    header += CENTRAL_TAIL
    rows = [header]
    for i in interviews:
        row = [i.submitted]
        for node, part in columns:
            value = _value(node, i)
            if part and part.startswith("/"):
                row.append("1" if part[1:] in (value or []) else "0")
            elif part:
                coords = str(value).split()
                index = ("Latitude", "Longitude", "Altitude", "Accuracy").index(part)
                row.append(coords[index] if len(coords) > index else "")
            else:
                row.append(_flat(value))
        row += [i.key or i.instance, "7", i.submitter, "0", "0", "", i.review, i.device,
                str(i.edits), i.version or form.version]  # fmt: skip
        rows.append(row)
    return rows


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", quote_all: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=delimiter,
        lineterminator="\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def central_zip(
    form: Form,
    interviews: list[Interview],
    *,
    split: bool = False,
    group_paths: bool = True,
    form_id: str | None = None,
) -> bytes:
    """ODK Central's "Download all submissions (CSV)" ZIP."""
    name = form_id or form.id
    data = csv_bytes(central_rows(form, interviews, split=split, group_paths=group_paths))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name}.csv", data)
    return out.getvalue()


# -- KoboToolbox -------------------------------------------------------------------------------
def kobo_rows(
    form: Form,
    interviews: list[Interview],
    *,
    labels: str | None = None,
    groups: bool = True,
) -> list[list[Any]]:
    """A Kobo export: XML values and headers (``labels=None``) or labels in the language
    named so in the form (``"English (en)"``); group names/labels in the headers or not."""

    def text(parts: tuple[dict[str, str], ...], path: tuple[str, ...]) -> str:
        if labels is None:
            names = path
        else:
            names = tuple(p.get(labels) or p.get("") or path[k] for k, p in enumerate(parts))
        return "/".join(names) if groups else names[-1]

    header: list[str] = []
    columns: list[tuple[Node, str | None]] = []
    for node in form.nodes:
        if node.kind == "note":
            continue  # formpack leaves notes out
        name = text(node.labels, node.path)
        if node.path[0] == "meta":
            name = "/".join(node.path)  # meta/instanceID keeps its name
        header.append(name)
        columns.append((node, None))
        if node.kind == "geopoint":
            for part in ("latitude", "longitude", "altitude", "precision"):
                header.append(f"_{node.path[-1]}_{part}")
                columns.append((node, f"_{part}"))
        if node.path == ("meta", "instanceID") and any(i.deprecated for i in interviews):
            header.append("meta/deprecatedID")
            columns.append((Node(("meta", "deprecatedID"), "calculate", None, ()), None))
        if node.kind == "select all that apply":
            for code in form.codes(node.list_name or ""):
                option = (
                    code
                    if labels is None
                    else form.choice_label(node.list_name or "", code, labels)
                )
                header.append(f"{name}/{option}")
                columns.append((node, code))
    header += KOBO_TAIL
    rows: list[list[Any]] = [header]
    for n, i in enumerate(interviews, start=1):
        row: list[Any] = []
        for node, code in columns:
            value = _value(node, i)
            if code is not None and code.startswith("_") and node.kind == "geopoint":
                parts = ("_latitude", "_longitude", "_altitude", "_precision")
                coords = str(value).split()
                row.append(coords[parts.index(code)] if coords else "")
            elif code is not None:
                row.append(1 if code in (value or []) else 0)
            elif labels is not None and node.list_name and value not in ("", None, []):
                values = value if isinstance(value, list) else [value]
                row.append(
                    " ".join(form.choice_label(node.list_name, str(v), labels) for v in values)
                )
            else:
                row.append(_flat(value))
        uuid = i.instance.removeprefix("uuid:")
        row += [1000 + n, uuid, i.submitted[:19], i.review, "", "submitted_via_web",
                i.metadata.get("username", ""), "vK2gQ8xyzAbc", "", n]  # fmt: skip
        rows.append(row)
    return rows


def kobo_xlsx(
    form: Form, interviews: list[Interview], *, writer: str = "xlsxwriter", **kw: Any
) -> bytes:
    """Kobo's XLSX (formpack writes it with xlsxwriter, ``constant_memory``); ``writer=
    "openpyxl"`` for the same table saved again by a spreadsheet program (shared strings)."""
    rows = kobo_rows(form, interviews, **kw)
    out = io.BytesIO()
    if writer == "openpyxl":
        wb = Workbook()
        ws = wb.active
        ws.title = form.id[:31]
        for row in rows:
            ws.append(row)
        wb.save(out)
        return out.getvalue()
    import xlsxwriter

    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet(form.id[:31])
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def kobo_csv(
    form: Form, interviews: list[Interview], *, encoding: str = "utf-8", **kw: Any
) -> bytes:
    rows = [[str(v) for v in row] for row in kobo_rows(form, interviews, **kw)]
    return csv_bytes(rows, delimiter=";", quote_all=True).decode("utf-8").encode(encoding)
