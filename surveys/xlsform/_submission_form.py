"""The form as the XLSForm export wrote it (:func:`surveys.xlsform.export.xlsform_rows`):
every field with the names, paths and labels under which ODK Central and KoboToolbox
write it back, for :mod:`surveys.xlsform.submissions` to map columns by."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING

from surveys.questionnaire.model import QuestionnaireBundle
from surveys.xlsform._texts import column_label
from surveys.xlsform.export import xlsform_rows

if TYPE_CHECKING:
    pass


# -- the form as the export wrote it --------------------------------------------------------
@dataclass(frozen=True)
class _Field:
    key: str
    """The form-mapping key: question id, ``question.row`` of a matrix, or the consent."""
    kind: str
    """``one`` | ``many`` | ``text`` | ``number`` | ``consent`` | ``note``."""
    path: tuple[str, ...]
    list_name: str | None
    labels: dict[str, list[tuple[str, ...]]]
    """Language code -> the labels along the path (group labels, then the field's), in
    each way an export may write them."""


@dataclass
class _Form:
    fields: list[_Field]
    codes: dict[str, list[str]]
    """List name -> codes in list order."""
    labels: dict[str, dict[str, dict[str, str]]]
    """List name -> language -> label -> code."""
    languages: list[str]

    @classmethod
    def of(cls, bundle: QuestionnaireBundle) -> _Form:
        sheets = xlsform_rows(bundle)
        languages = bundle.languages()
        columns = {code: f"label::{column_label(code)}" for code in languages}
        fields: list[_Field] = []
        stack: list[tuple[str, dict[str, tuple[str, ...]]]] = []
        for row in sheets["survey"]:
            kind, name = str(row["type"]), str(row.get("name") or "")
            own = {code: str(row.get(col) or name) for code, col in columns.items()}
            if kind == "begin_group":
                # pyxform moves a table-list group's label into a note: Kobo then names
                # the group by its name
                table = row.get("appearance") == "table-list"
                stack.append((name, {c: (t, name) if table else (t,) for c, t in own.items()}))
                continue
            if kind == "end_group":
                stack.pop()
                continue
            base, _, list_name = kind.partition(" ")
            mapped = {
                "select_one": "one",
                "select_multiple": "many",
                "text": "text",
                "integer": "number",
                "decimal": "number",
                "acknowledge": "consent",
            }.get(base, "note")
            path = (*(n for n, _ in stack), name)
            along = {
                code: [(*groups, own[code]) for groups in product(*(g[code] for _, g in stack))]
                for code in languages
            }
            fields.append(_Field(name, mapped, path, list_name or None, along))
        codes: dict[str, list[str]] = {}
        labels: dict[str, dict[str, dict[str, str]]] = {}
        for choice in sheets["choices"]:
            list_name, code = str(choice["list_name"]), str(choice["name"])
            codes.setdefault(list_name, []).append(code)
            for lang, col in columns.items():
                if text := choice.get(col):
                    labels.setdefault(list_name, {}).setdefault(lang, {}).setdefault(
                        str(text).strip(), code
                    )
        return cls(fields, codes, labels, languages)

    def value_headers(self) -> dict[str, list[tuple[_Field, str | None]]]:
        """Header -> the fields (in form order) an export names so; with the option code
        for the 0/1 column of a multiple choice option."""
        out: dict[str, list[tuple[_Field, str | None]]] = {}
        for f in self.fields:
            bases = dict.fromkeys(("-".join(f.path), "/".join(f.path), f.path[-1]))
            for base in bases:
                out.setdefault(base, []).append((f, None))
                for code in self.codes.get(f.list_name or "", []) if f.kind == "many" else []:
                    out.setdefault(f"{base}/{code}", []).append((f, code))
        return out

    def label_headers(self, language: str) -> dict[str, list[tuple[_Field, str | None]]]:
        """Header -> fields as Kobo names them in a labels export in ``language`` (with
        and without the group labels)."""
        out: dict[str, list[tuple[_Field, str | None]]] = {}
        for f in self.fields:
            ways = f.labels[language]
            bases = dict.fromkeys(["/".join(way) for way in ways] + [ways[0][-1]])
            by_code = {c: lab for lab, c in self.labels_in(language, f.list_name or "").items()}
            for base in bases:
                out.setdefault(base, []).append((f, None))
                for code in self.codes.get(f.list_name or "", []) if f.kind == "many" else []:
                    label = by_code.get(code) or code
                    out.setdefault(f"{base}/{label}", []).append((f, code))
        return out

    def labels_in(self, language: str, list_name: str) -> dict[str, str]:
        return self.labels.get(list_name, {}).get(language, {})
