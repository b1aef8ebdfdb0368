"""pyxform's normalised form → our questionnaire, naming everything that does not fit.

=====================================  =================================================
XLSForm (as pyxform normalises it)     questionnaire
=====================================  =================================================
top-level group                        section (label: title, hint: intro, relevant)
questions outside groups               one section per run, titled with the form title
table-list group of select_one rows    matrix question (one list, one relevance pattern);
of one list                            at top level: a section holding that matrix
other group inside a section           its questions join the section; its label becomes
                                       a note; its relevant applies to each of them
select_one / select_multiple / rank    single (likert: scale) / multiple / ranking
select_multiple with                   ranking (our export: ODK cannot rank only the top
``bedarfsradar_type: ranking``         few, so it asks "choose up to n")
integer / decimal / range              number (whole numbers only / any / min and max)
text (multiline: textarea), note       text, textarea, note
or_other (pyxform expands it)          option "other" plus text question ``<q>_other``
relevant, required, constraint         relevance, required, min/max/max_length/
(+ messages), hint, guidance_hint      max_choices (+ messages), hint, guidance
``label::Language (xx)``               translations (German is the source, see _texts)
group ``bedarfsradar-start``           intro, privacy, consent_sensitive (our export)
=====================================  =================================================

Left out by name, with the reason: metadata (start, end, deviceid …), location, photos and
other media, dates, calculations, repeats, external lists, and every cell of a carried row
that has no place in the model (defaults, media, choice filters …, see
:meth:`~surveys.xlsform._ledger.Ledger.unused_cells`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from surveys.questionnaire import relevance as rel
from surveys.questionnaire.languages import SOURCE_LANGUAGE, german_name
from surveys.questionnaire.loader import QuestionnaireError, parse_questionnaire, parse_translation
from surveys.questionnaire.model import CODE_PATTERN, QuestionnaireBundle
from surveys.xlsform._ledger import SETTINGS_ROW, Ledger, field_of
from surveys.xlsform._options import INLINE, Options, flag
from surveys.xlsform._product import CONSENT as FIXED_CONSENT
from surveys.xlsform._product import OTHER, TITLE, ProductTexts
from surveys.xlsform._reader import Workbook
from surveys.xlsform._report import Finding, XLSFormError
from surveys.xlsform._skip_logic import Conditions, SkipLogic
from surveys.xlsform._texts import DEFAULT, OR_OTHER_LABEL, LanguageMap, Texts, language_names
from surveys.xlsform.odk_relevance import CONSENT, constraint_limits, from_odk

__all__ = ["INLINE", "RANKING", "START_GROUP", "START_NOTES", "ImportResult", "Importer"]

START_GROUP = "bedarfsradar-start"
START_NOTES = {"bedarfsradar-intro": "intro", "bedarfsradar-privacy": "privacy"}
TEXT_FIELDS = ("intro", "privacy", "consent_sensitive", "thank_you")
RANKING = "ranking"
AUDIENCE_NAMES = {
    "newcomer": "Zugewanderte",
    "volunteer": "Ehrenamtliche",
    "administration": "Verwaltung",
}
AUDIENCES = tuple(AUDIENCE_NAMES)
_CODE = re.compile(CODE_PATTERN)
_GENERATED = ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
_FILE_LIST = re.compile(r"\.(csv|xml|geojson)$", re.IGNORECASE)
_LAYOUT = {"likert", "multiline", "field-list", "list-nolabel", "label", "minimal", "quick",
           "horizontal", "horizontal-compact", "compact", "columns", "columns-pack",
           "no-buttons"}  # fmt: skip
"""Appearances that only lay out what our form lays out its own way."""

_META = ("start", "end", "today", "deviceid", "imei", "phonenumber", "username", "email",
         "simserial", "subscriberid", "audit", "start-geopoint", "background-audio",
         "background-geopoint")  # fmt: skip
_WHY = {
    **dict.fromkeys(_META, "Metadaten (»{t}«) werden nicht erhoben: die Umfrage speichert "
                    "keine Zeitstempel, Geräte- oder Personendaten."),
    **dict.fromkeys(("geopoint", "geotrace", "geoshape"), "Ortsangaben (»{t}«) werden nicht "
                    "erhoben: sie würden Befragte erkennbar machen."),
    **dict.fromkeys(("photo", "image", "audio", "video", "file", "barcode"), "Fotos, Ton, "
                    "Video, Dateien und Barcodes (»{t}«) werden nicht erhoben."),
    **dict.fromkeys(("date", "time", "dateTime"), "Datums- und Zeitfragen (»{t}«) gibt es "
                    "im Fragebogen nicht; bei Bedarf als Zahl (z. B. Jahr) neu anlegen."),
    **dict.fromkeys(("calculate", "hidden"), "Berechnete Felder (»{t}«) werden nicht "
                    "übernommen."),
    "phone number": "Telefonnummern werden nicht erhoben: sie würden Befragte erkennbar machen.",
    "acknowledge": "Bestätigungsfelder (acknowledge) werden nicht übernommen.",
    "external": "Auswahlen aus einer externen Liste werden nicht übernommen.",
}  # fmt: skip
_KINDS = {"select one": "single", "select all that apply": "multiple", "rank": "ranking",
          "integer": "number", "decimal": "number", "range": "number", "text": "text",
          "note": "note"}  # fmt: skip
_LIMITS = {"number": {"min", "max"}, "text": {"max_length"}, "textarea": {"max_length"},
           "multiple": {"max_choices"}, "ranking": {"max_choices"}}  # fmt: skip
_CHOICE = ("single", "scale", "multiple", "ranking")


@dataclass
class ImportResult:
    """A workbook that can become a questionnaire, and everything it does not carry as is.

    ``findings`` (left out, changed, skip logic affected) must be confirmed before the
    bundle is stored. ``rows`` maps each survey row to what it became (question id, matrix
    row ``q.row``, ``section:<id>`` or a start text), ``choices`` each choices row to
    ``list.code``, ``languages`` each carried XLSForm language to our code and
    ``left_out_languages`` the others to the reason; ``left_out`` holds the (sheet, row) of
    rows left out as a whole. Together they account for every row and language of the
    file."""

    bundle: QuestionnaireBundle
    findings: list[Finding]
    rows: dict[int, str]
    choices: dict[int, str]
    languages: dict[str, str]
    left_out_languages: dict[str, str]
    left_out: set[tuple[str, int]]
    labels: dict[tuple[str, int], str] = field(default_factory=dict)
    """(sheet as the workbook names it, row) -> the form's own label of that row (its
    source language), so the guide finds each finding by the question she wrote."""

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.findings)

    def where(self, key: str) -> tuple[str, int] | None:
        """The sheet (key: survey, choices, settings) and row a translation key of the
        questionnaire comes from; ``None`` for a text the import wrote itself."""
        parts = key.split(".")
        if key in ("title", *TEXT_FIELDS):
            return None
        if parts[0] == "options" and len(parts) >= 3:
            wanted, rows, sheet = f"{parts[1]}.{parts[2]}", self.choices, "choices"
        elif parts[0] == "section" and len(parts) >= 2:
            wanted, rows, sheet = f"section:{parts[1]}", self.rows, "survey"
        elif parts[0] == "q" and len(parts) >= 2:
            rows, sheet = self.rows, "survey"
            wanted = f"{parts[1]}.{parts[3]}" if parts[2:3] == ["row"] else parts[1]
        else:
            return None
        found = [row for row, what in rows.items() if what == wanted]
        return (sheet, found[0]) if found else None

    def summary(self) -> str:
        """One German line: what the questionnaire holds."""
        q = self.bundle.questionnaire
        questions = sum(1 for _, x in q.questions() if x.type != "note")
        notes = sum(1 for _, x in q.questions() if x.type == "note")
        sections = len(q.sections)
        return (
            f"Fragebogen »{q.title}« ({q.id}, Zielgruppe {AUDIENCE_NAMES[q.audience]}, Version "
            f"{q.version}): {sections} Abschnitt{'e' * (sections != 1)}, {questions} "
            f"Frage{'n' * (questions != 1)}, {notes} Hinweistext{'e' * (notes != 1)}; Sprachen: "
            f"{', '.join(self.bundle.languages())}"
        )


def _names(codes: Iterable[str]) -> str:
    """``Arabisch und Englisch``: languages named for the guide."""
    names = [german_name(c) for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def _each(texts: dict[str, str]) -> str:
    """``auf Arabisch »استبيان«, auf Englisch »Survey«``."""
    return ", ".join(f"auf {german_name(c)} »{t}«" for c, t in texts.items())


def _number(value: float) -> str:
    return f"{value:g}"


def _standard_message(q: dict[str, Any], key: str) -> tuple[str, dict[str, Any]]:
    """The survey's own message (interface string and placeholders) for ``key``
    (``required_message`` or ``constraint_message``: a broken limit of ``q``), as
    :mod:`surveys.responses.answers` shows it without the form's message."""
    if key == "required_message":
        return "error_required", {}
    if q["type"] == "number":
        if q.get("min") is not None and q.get("max") is not None:
            return "error_number_range", {"min": _number(q["min"]), "max": _number(q["max"])}
        return "error_number", {}
    if q["type"] in ("multiple", "ranking") and q.get("max_choices"):
        return "error_too_many", {"max": q["max_choices"]}
    return "error_too_long", {"max": q.get("max_length", 2000)}


def _ident(name: str) -> str:
    out = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]+", "_", name.lower())).strip("_")
    return out if out[:1].isalpha() else f"q_{out}".rstrip("_")


def _generated(el: dict[str, Any], which: int) -> bool:
    return str(el.get("name", "")).startswith(_GENERATED[which])


class Importer:
    """One pass over pyxform's form; :meth:`run` returns the result or raises."""

    def __init__(
        self, wb: Workbook, audience: str | None = None, product: ProductTexts | None = None
    ):
        self.wb, self.form, self.audience = wb, wb.form, audience
        self.product = product or ProductTexts()
        default_language = str(self.form.get("default_language") or DEFAULT)
        self.ledger = ledger = Ledger(wb.sheets, default_language)
        ledger.findings += wb.findings
        self.index = ledger.index
        hint_languages = [k.split("::", 1)[1].strip() for _, v in wb.choice_hints for k in v
                          if k.startswith("hint::") and v[k]]  # fmt: skip
        self.langs = LanguageMap.build(language_names(self.form, hint_languages), default_language)
        self.texts = Texts(ledger, self.langs, default_language, self.product)
        self.options = Options(ledger, self.texts, dict(self.form.get("choices") or {}),
                               wb.choice_hints)  # fmt: skip
        self.logic = SkipLogic(ledger, self.options.literals)
        self.rows: dict[int, str] = {}
        self.ids: set[str] = set()
        self.section_ids: set[str] = set()
        self.sections: list[dict[str, Any]] = []
        self.implicit: dict[str, Any] | None = None
        self.top: dict[str, Any] = {}

    def text(self, value: Any, key: str, row: int | None, fieldname: str, **kw: Any) -> str | None:
        return self.texts.text(value, key, row, fieldname, **kw)

    def new_id(self, name: str, row: int | None, taken: set[str]) -> str:
        base = _ident(name)
        out, n = base, 2
        while out in taken:
            out, n = f"{base}_{n}", n + 1
        taken.add(out)
        if out != name and row is not None:
            message = f"Name »{name}« als »{out}« übernommen (Namen: Kleinbuchstaben, Ziffern, _)."
            self.ledger.note(row, "name", message, "changed")
        return out

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> None:
        form, note = self.form, self.ledger.note
        sheet = self.wb.sheets.get("settings")
        raw = sheet.rows[0] if sheet and sheet.rows else {}
        given = {field_of(self.ledger.tokens["settings"][h])[0] for h in raw if raw.get(h)}
        title = str(self.texts.original("settings", SETTINGS_ROW, "title", form.get("title")) or "")
        if "title" not in given:
            message = f"Kein Formulartitel (form_title): »{title}« wird als Titel verwendet."
            note(None, None, message, "changed", "settings")
        self.top["title"] = title
        if isinstance(translated := form.get("translated_title"), dict):
            self.text({**translated, self.langs.source: title}, "title", SETTINGS_ROW,
                      "translated_title", sheet="settings")  # fmt: skip
        if written := self.texts.fill("title", TITLE):
            message = (
                f"Der Formulartitel »{title}« steht nur in einer Sprache im Formular; als "
                f"Titel steht {_each(written)}. Auf der Seite Übersetzungen lässt sich das "
                "ändern."
            )
            note(SETTINGS_ROW, "title" if "title" in given else None, message, "changed",
                 "settings")  # fmt: skip
        form_id = str(form.get("id_string") or "fragebogen")
        self.top["id"] = _ident(form_id)
        if self.top["id"] != form_id:
            message = f"Formular-ID »{form_id}« als »{self.top['id']}« übernommen."
            note(SETTINGS_ROW, "id_string", message, "changed", "settings")
        self.top["version"] = str(form.get("version") or "1")
        audience = self.audience or form.get("audience")
        if audience not in AUDIENCES:
            message = "Zielgruppe nicht angegeben: als Fragebogen für Zugewanderte übernommen."
            row, column = (SETTINGS_ROW, "audience") if audience else (None, None)
            note(row, column, message, "changed", "settings")
            audience = "newcomer"
        self.top["audience"] = audience
        for key in TEXT_FIELDS:
            if text := self.text(form.get(key), key, SETTINGS_ROW, key, sheet="settings"):
                self.top[key] = text
        self.ledger.use(SETTINGS_ROW, "title", "id_string", "version", "default_language",
                        "audience", "translated_title", "style", sheet="settings")  # fmt: skip

    # -- groups --------------------------------------------------------------------------------
    def implicit_section(self) -> dict[str, Any]:
        if self.implicit is None:
            sid = self.new_id("section", None, self.section_ids)
            self.implicit = {"id": sid, "title": self.top["title"], "questions": []}
            self.texts.copy("title", f"section.{sid}.title")
            self.sections.append(self.implicit)
        return self.implicit

    def walk(
        self,
        children: list[dict[str, Any]],
        parent: tuple[str, ...],
        section: dict[str, Any] | None,
        conditions: Conditions,
    ) -> None:
        for el in children:
            kind, name = str(el.get("type", "")), str(el.get("name", ""))
            path = (*parent, name)
            row = self.index.row(path)
            if kind in ("repeat", "loop"):
                message = "Wiederholungen (repeat) werden nicht unterstützt: die Zeile entfällt."
                self.ledger.leave_out_tree(el, path, message)
            elif kind == "group" and not parent and name == "meta":
                self.meta_group(el, path)
            elif kind == "group" and not parent and name == START_GROUP:
                self.start_group(el, path, row)
            elif kind == "group" and section is None:
                self.implicit = None
                self.section_group(el, path, row)
            elif kind == "group":
                assert section is not None
                self.inner_group(el, path, row, section, conditions)
            elif not name.startswith(_GENERATED):
                target = section if section is not None else self.implicit_section()
                if (item := self.item(el, row, conditions)) is not None:
                    target["questions"].append(item)

    def meta_group(self, el: dict[str, Any], path: tuple[str, ...]) -> None:
        for child in el.get("children") or []:
            name = str(child.get("name", ""))
            if (row := self.index.row((*path, name)) or self.index.row((name,))) is not None:
                self.ledger.leave_out(row, name, _WHY["audit"].format(t=child.get("type", name)))

    def start_group(self, el: dict[str, Any], path: tuple[str, ...], row: int | None) -> None:
        """The intro, privacy and consent step our export puts first."""
        self.ledger.use(row, "type", "name", "appearance")
        for child in el.get("children") or []:
            name = str(child.get("name", ""))
            crow = self.index.row((*path, name))
            key = START_NOTES.get(name) or ("consent_sensitive" if name == CONSENT else None)
            if key is None:
                self.ledger.leave_out(crow, name, "Diese Zeile gehört nicht zum Startschritt.")
                continue
            self.ledger.use(crow, "type", "name")
            if crow is not None:
                self.rows[crow] = key
            if text := self.text(child.get("label"), key, crow, "label"):
                self.top[key] = text
        if row is not None:
            self.rows[row] = "start"

    def section_group(self, el: dict[str, Any], path: tuple[str, ...], row: int | None) -> None:
        name = str(el.get("name", ""))
        sid = self.new_id(name, row, self.section_ids)
        label_el = self._table_label(el) or el
        title = self.text(label_el.get("label"), f"section.{sid}.title", row, "label")
        section: dict[str, Any] = {"id": sid, "title": title or self.top["title"], "questions": []}
        if not title:
            self.texts.copy("title", f"section.{sid}.title")
        if intro := self.text(label_el.get("hint"), f"section.{sid}.intro", row, "hint"):
            section["intro"] = intro
        if flag(el.get("sensitive")):
            section["sensitive"] = True
        self.ledger.use(row, "type", "name", "appearance", "sensitive", "relevant")
        if relevant := (el.get("bind") or {}).get("relevant"):
            self.logic.section(section, relevant, row)
        if self._is_table(el) and (matrix := self.matrix(el, path, row, ())) is not None:
            section["questions"].append(matrix)
        else:
            self.walk(el.get("children") or [], path, section, ())
        if section["questions"]:
            self.sections.append(section)
            if row is not None:
                self.rows.setdefault(row, f"section:{sid}")
        elif row is not None:
            message = f"Die Gruppe »{name}« enthält keine übernommene Frage und entfällt."
            self.ledger.leave_out(row, name, message)

    @staticmethod
    def _is_table(el: dict[str, Any]) -> bool:
        return any(_generated(c, 1) for c in el.get("children") or [])

    @staticmethod
    def _table_label(el: dict[str, Any]) -> dict[str, Any] | None:
        return next((c for c in el.get("children") or [] if _generated(c, 0)), None)

    def inner_group(
        self,
        el: dict[str, Any],
        path: tuple[str, ...],
        row: int | None,
        section: dict[str, Any],
        conditions: Conditions,
    ) -> None:
        if self._is_table(el) and (matrix := self.matrix(el, path, row, conditions)) is not None:
            section["questions"].append(matrix)
            return
        name = str(el.get("name", ""))
        relevant = (el.get("bind") or {}).get("relevant")
        inner = (*conditions, (relevant, row)) if relevant else conditions
        self.ledger.use(row, "type", "name", "appearance", "relevant")
        label_el = self._table_label(el) or el
        message = f"Gruppe »{name}« innerhalb eines Abschnitts: ihre Fragen gehören zum Abschnitt"
        if label_el.get("label") or label_el.get("hint"):
            nid = self.new_id(name, None, self.ids)
            text = self.text(label_el.get("label"), f"q.{nid}.label", row, "label")
            note: dict[str, Any] = {"id": nid, "type": "note", "label": text or name}
            if hint := self.text(label_el.get("hint"), f"q.{nid}.hint", row, "hint"):
                note["hint"] = hint
            self.logic.question(name, nid, row, note, inner)
            if row is not None:
                self.rows[row] = nid
            section["questions"].append(note)
            message += ", ihre Überschrift steht als Hinweistext davor"
        elif row is not None:
            self.rows[row] = f"group:{name}"
        if relevant:
            message += ", ihre Bedingung gilt für jede von ihnen"
        self.ledger.note(row, "type", message + ".", "changed")
        self.walk(el.get("children") or [], path, section, inner)

    def matrix(
        self,
        el: dict[str, Any],
        path: tuple[str, ...],
        row: int | None,
        conditions: Conditions,
    ) -> dict[str, Any] | None:
        """A table-list group as one matrix question, or ``None`` if it is not one."""
        name, qid = str(el.get("name", "")), _ident(str(el.get("name", "")))
        kids = [
            c for c in el.get("children") or [] if not _generated(c, 0) and not _generated(c, 1)
        ]
        codes = self._matrix_codes(name, kids)
        if codes is None or qid in self.ids:
            return None
        template = self._row_template(kids, codes, qid)
        if template is False:
            return None
        self.ids.add(qid)
        label_el = self._table_label(el) or el
        q: dict[str, Any] = {"id": qid, "type": "matrix"}
        q["label"] = self.text(label_el.get("label"), f"q.{qid}.label", row, "label", fallback=name)
        if hint := self.text(label_el.get("hint"), f"q.{qid}.hint", row, "hint"):
            q["hint"] = hint
        q["options"] = self.options.spec(str(kids[0].get("list_name", "")), name, qid)
        kid_rows = [self.index.row((*path, str(k.get("name", "")))) for k in kids]
        rows_set = el.get("matrix_rows")
        if rows_set and [str(c.get("name")) for c in self.options.lists.get(rows_set, [])] == codes:
            q["rows"] = str(rows_set)
        else:
            q["rows"] = [
                self._matrix_row(k, c, r, qid)
                for k, c, r in zip(kids, codes, kid_rows, strict=True)
            ]
        if flag((kids[0].get("bind") or {}).get("required")):
            q["required"] = True
        if template:
            q["row_relevance"] = template
        if flag(el.get("sensitive")):
            q["sensitive"] = True
        self.ledger.use(row, "type", "name", "appearance", "relevant", "sensitive", "matrix_rows")
        for k, code, krow in zip(kids, codes, kid_rows, strict=True):
            self.logic.names[str(k["name"])] = f"{qid}.{code}"
            self.ledger.use(
                krow, "type", "name", "label", "hint", "required", "relevant", "appearance"
            )
            if krow is not None:
                self.rows[krow] = f"{qid}.{code}"
        self.logic.matrix_rows[qid] = codes
        return self.asked(el, qid, row, q, conditions)

    @staticmethod
    def _matrix_codes(name: str, kids: list[dict[str, Any]]) -> list[str] | None:
        """Row codes if ``kids`` can be the rows of one matrix: select_one of one list,
        all required or none, nothing else but labels, hints and relevance."""
        allowed = {"type", "name", "label", "hint", "bind", "control", "parameters", "itemset",
                   "list_name", "choices"}  # fmt: skip
        binds = [set(k.get("bind") or {}) for k in kids]
        required = {flag((k.get("bind") or {}).get("required")) for k in kids}
        if (
            not kids
            or len({str(k.get("list_name", "")) for k in kids}) != 1
            or any(
                k.get("type") != "select one" or set(k) - allowed or k.get("parameters")
                for k in kids
            )
            or any(b - {"relevant", "required"} for b in binds)
            or len(required) != 1
            or None in required
        ):
            return None
        codes: list[str] = []
        for k in kids:
            kname = str(k.get("name", ""))
            code = next(
                (kname[len(name) + 1 :] for sep in ".-_" if kname.startswith(name + sep)), kname
            )
            if not _CODE.match(code) or code in codes:
                return None
            codes.append(code)
        return codes

    def _row_template(
        self, kids: list[dict[str, Any]], codes: list[str], qid: str
    ) -> str | bool | None:
        """The one ``row_relevance`` all rows share (``{row}`` for the row's code), ``None``
        if no row has one, ``False`` if they cannot share one."""
        names = {
            **self.logic.names,
            **{str(k["name"]): f"{qid}.{c}" for k, c in zip(kids, codes, strict=True)},
        }
        exprs = [(k.get("bind") or {}).get("relevant") for k in kids]
        if not any(exprs):
            return None
        if not all(exprs):
            return False
        templates = set()
        for expr, code in zip(exprs, codes, strict=True):
            try:
                ours, consent = from_odk(
                    str(expr), names, self.logic.matrix_rows, self.options.literals
                )
            except rel.RelevanceError:
                return False
            if ours is None or consent:
                return False
            templates.add(re.sub(rf"\b([a-z][a-z0-9_]*)\.{re.escape(code)}\b", r"\1.{row}", ours))
        return templates.pop() if len(templates) == 1 else False

    def _matrix_row(
        self, kid: dict[str, Any], code: str, row: int | None, qid: str
    ) -> dict[str, Any]:
        key = f"q.{qid}.row.{code}"
        item: dict[str, Any] = {"code": code}
        item["label"] = self.text(kid.get("label"), key, row, "label", fallback=code)
        if hint := self.text(kid.get("hint"), f"{key}.hint", row, "hint"):
            item["hint"] = hint
        return item

    # -- questions ------------------------------------------------------------------------------
    def item(
        self, el: dict[str, Any], row: int | None, conditions: Conditions
    ) -> dict[str, Any] | None:
        kind, name = str(el.get("type", "")), str(el.get("name", ""))
        list_name = str(el.get("list_name") or el.get("itemset") or "")
        or_other = row is None and name.endswith("_other") and el.get("label") == OR_OTHER_LABEL
        if row is None and not or_other:
            return None  # made by pyxform from a row named elsewhere (e.g. a repeat count)
        if kind in _WHY or kind == "select one external" or _FILE_LIST.search(list_name):
            self.ledger.leave_out(row, name, _WHY.get(kind, _WHY["external"]).format(t=kind))
            return None
        if kind not in _KINDS:
            self.ledger.leave_out(row, name, f"Der Fragetyp »{kind}« wird nicht unterstützt.")
            return None
        generated_note = name.startswith("generated_note_name_")
        qid = self.new_id(f"hinweis_{row}" if generated_note else name, row, self.ids)
        appearance = str((el.get("control") or {}).get("appearance") or "")
        q: dict[str, Any] = {"id": qid, "type": _KINDS[kind]}
        self.ledger.use(row, "type", "name", "sensitive", "relevant")
        if kind == "select one" and "likert" in appearance:
            q["type"] = "scale"
        if kind == "select all that apply" and el.get("bedarfsradar_type") == RANKING:
            q["type"] = "ranking"
            self.ledger.use(row, "bedarfsradar_type")
        if kind == "text" and "multiline" in appearance:
            q["type"] = "textarea"
        if kind == "integer":
            q["integer"] = True
        if set(appearance.split()) <= _LAYOUT:
            self.ledger.use(row, "appearance")
        if or_other:
            q["label"] = self.texts.or_other(f"q.{qid}.label", 1)
            other = self.product.fixed(OTHER, self.texts.source_code) or "Other"
            message = (
                f"»or_other«: zur Auswahl kommen die Antwort »{other}« und die Textfrage "
                f"»{q['label']}« hinzu, in jeder Sprache des Formulars."
            )
            base = self.index.by_name.get(name.removesuffix("_other"), [None])[0]
            self.ledger.note(base, "type", message, "changed")
        else:
            q["label"] = self.text(el.get("label"), f"q.{qid}.label", row, "label", fallback=name)
        if hint := self.text(el.get("hint"), f"q.{qid}.hint", row, "hint"):
            q["hint"] = hint
        if guidance := self.text(
            el.get("guidance_hint"), f"q.{qid}.guidance", row, "guidance_hint"
        ):
            q["guidance"] = guidance
        if q["type"] != "note":
            self.answer_rules(q, el, row, list_name, name)
        if flag(el.get("sensitive")):
            q["sensitive"] = True
        return self.asked(el, qid, row, q, conditions)

    def asked(
        self,
        el: dict[str, Any],
        qid: str,
        row: int | None,
        q: dict[str, Any],
        conditions: Conditions,
    ) -> dict[str, Any]:
        """Register a carried question with its row and the conditions it is asked under."""
        if row is not None:
            self.rows[row] = qid
        relevant = (el.get("bind") or {}).get("relevant")
        own = ((relevant, row),) if relevant else ()
        self.logic.question(str(el.get("name", "")), qid, row, q, (*conditions, *own))
        return q

    def answer_rules(
        self, q: dict[str, Any], el: dict[str, Any], row: int | None, list_name: str, name: str
    ) -> None:
        """Options, required, constraint and their messages of one answerable question."""
        bind, qid = el.get("bind") or {}, q["id"]
        if q["type"] in _CHOICE:
            q["options"] = self.options.spec(list_name, name, qid)
        if el.get("type") == "range":
            self._range(q, el.get("parameters") or {}, row)
        required = flag(bind.get("required"))
        self.ledger.use(row, "required", "constraint")
        if required is None:
            message = (
                f"Pflicht nur unter der Bedingung »{bind['required']}«: als freiwillige Frage "
                "übernommen."
            )
            self.ledger.note(row, "required", message, "changed")
        elif required:
            q["required"] = True
        if constraint := bind.get("constraint"):
            self.constraint(q, str(constraint), row)
        if q["type"] == "ranking" and "max_choices" not in q:
            q["max_choices"] = self.options.count(q["options"])
        for key, column in (
            ("constraint_message", "jr:constraintMsg"),
            ("required_message", "jr:requiredMsg"),
        ):
            limited = {"min", "max", "max_length", "max_choices", "integer"} & set(q)
            if (key == "required_message" and not q.get("required")) or not (
                key == "required_message" or limited
            ):
                continue
            value = self._own_message(q, key, bind.get(column), row)
            if text := self.text(value, f"q.{qid}.{key}", row, key):
                q[key] = text
                self._standard_message(q, key, row)

    def _own_message(self, q: dict[str, Any], key: str, value: Any, row: int | None) -> Any:
        """The form's message; where it has none in the source language but in others, the
        source slot gets the survey's standard message (not another language's text)."""
        if not value:
            return value
        texts = value if isinstance(value, dict) else {self.texts.default_language: value}
        if texts.get(self.langs.source):
            return value
        fixed, params = _standard_message(q, key)
        standard = self.product.fixed(fixed, self.texts.source_code, **params)
        if standard is None:
            return value
        message = (
            f"Die Fehlermeldung hat keinen Text in »{self.langs.source}«: dort steht die "
            f"Standardmeldung der Umfrage »{standard}«."
        )
        self.ledger.note(row, key, message, "changed")
        return {**texts, self.langs.source: standard}

    def _standard_message(self, q: dict[str, Any], key: str, row: int | None) -> None:
        """The form's own error message lacks some of its languages: there the survey's
        standard message for the same rule stands (the product's translation)."""
        fixed, params = _standard_message(q, key)
        written = self.texts.fill(f"q.{q['id']}.{key}", fixed, **params)
        if written:
            message = (
                f"Die Fehlermeldung »{q[key]}« fehlt in einigen Sprachen des Formulars: dort "
                f"steht die Standardmeldung der Umfrage, {_each(written)}."
            )
            self.ledger.note(row, key, message, "changed")

    def _range(self, q: dict[str, Any], params: dict[str, Any], row: int | None) -> None:
        try:
            start, end = float(params.get("start", 1)), float(params.get("end", 10))
            step = float(params.get("step", 1))
        except (TypeError, ValueError):
            start, end, step = 1.0, 10.0, 1.0
        q.update(min=min(start, end), max=max(start, end))
        q["integer"] = all(float(v).is_integer() for v in (start, end, step))
        self.ledger.use(row, "parameters")
        message = f"Schieberegler (range) als Zahlenfeld von {start:g} bis {end:g} übernommen."
        self.ledger.note(row, "type", message, "changed")

    def constraint(self, q: dict[str, Any], text: str, row: int | None) -> None:
        try:
            limits = constraint_limits(text, integer=bool(q.get("integer")))
        except rel.RelevanceError:
            limits = None
        if limits is None or not set(limits) <= _LIMITS.get(q["type"], set()):
            message = (
                f"Die Prüfregel »{text}« lässt sich nicht übertragen und entfällt: Antworten "
                "werden nur nach Typ geprüft."
            )
            self.ledger.note(row, "constraint", message, "left_out")
            return
        q.update(limits)

    # -- the whole -----------------------------------------------------------------------------
    def run(self) -> ImportResult:
        self.settings()
        self.walk(self.form.get("children") or [], (), None, ())
        self.logic.resolve()
        for name, why in self.langs.left_out.items():
            self._language_left_out(name, why)
        for message in self.langs.notes:
            self.ledger.note(None, None, message, "changed")
        self.sections = [s for s in self.sections if s["questions"]]  # e.g. only metadata rows
        self.standard_texts()
        option_sets = self.options.option_sets()
        self.ledger.unused_cells(self.langs.left_out)
        if not any(s["questions"] for s in self.sections):
            empty = Finding(
                "survey", None, None, "Keine Frage des Formulars lässt sich übernehmen."
            )
            raise XLSFormError([empty, *self.ledger.findings])
        bundle = self._bundle({**self.top, "option_sets": option_sets, "sections": self.sections})
        return ImportResult(
            bundle,
            self.ledger.findings,
            self.rows,
            self.options.rows,
            dict(self.langs.codes),
            dict(self.langs.left_out),
            set(self.ledger.whole),
            self.ledger.labels(self.langs.source),
        )

    def standard_texts(self) -> None:
        """The town's privacy notice and the consent step, as the built-in questionnaires
        have them, where the form brings none of its own."""
        note = self.ledger.note
        if "privacy" not in self.top:
            texts = self.product.privacy.get(self.top["audience"], {})
            source = texts.get(self.texts.source_code) or texts.get(SOURCE_LANGUAGE)
            if source:
                self.top["privacy"] = source
                for code in self.texts.targets:
                    if code != self.texts.source_code and texts.get(code):
                        self.texts.strings.setdefault(code, {})["privacy"] = texts[code]
                message = (
                    "Datenschutzhinweis: das Formular hat keinen eigenen; der Hinweis der Stadt "
                    "(wie bei den mitgelieferten Fragebögen) steht auf der ersten Seite."
                )
                note(None, None, message, "changed", "settings")
        sensitive = any(
            s.get("sensitive") or any(q.get("sensitive") for q in s["questions"])
            for s in self.sections
        )
        if sensitive and "consent_sensitive" not in self.top:
            source, _ = self.texts.fixed("consent_sensitive", FIXED_CONSENT)
            if source:
                self.top["consent_sensitive"] = source
                message = (
                    "Einwilligung vor den persönlichen Fragen: der Standardtext der Umfrage wird "
                    "verwendet (das Formular hat keinen eigenen)."
                )
                note(None, None, message, "changed", "settings")

    def _language_left_out(self, name: str, why: str) -> None:
        columns = []
        for key in ("survey", "choices"):
            sheet = self.wb.sheets.get(key)
            for header, tokens in self.ledger.tokens.get(key, {}).items():
                fieldname, lang = field_of(tokens)
                if sheet and (
                    lang == name
                    or (name == DEFAULT and lang is None and fieldname in ("label", "hint"))
                ):
                    columns.append(f"{sheet.title} {header}")
        message = (
            f"Sprache »{name}« nicht übernommen: {why} (Spalten: {', '.join(columns) or '–'})."
        )
        self.ledger.note(1, None, message, "left_out")

    def _bundle(self, raw: dict[str, Any]) -> QuestionnaireBundle:
        source_code = self.texts.source_code
        if source_code != SOURCE_LANGUAGE:
            raw["source_language"] = source_code
        try:
            questionnaire = parse_questionnaire(raw, self.wb.filename)
            source = questionnaire.source_strings()
            translations = {}
            if source_code != SOURCE_LANGUAGE:  # offered under its own code, complete
                own = self.texts.strings.setdefault(source_code, {})
                self.texts.strings[source_code] = {**source, **own}
            for code, texts in sorted(self.texts.strings.items()):
                strings = {k: v for k, v in texts.items() if k in source}
                if strings:
                    data = {"questionnaire": questionnaire.id, "language": code, "strings": strings}
                    translations[code] = parse_translation(data, code, questionnaire)
        except QuestionnaireError as exc:
            raise XLSFormError(
                [
                    Finding("survey", None, None, f"Das Formular lässt sich nicht abbilden: {p}")
                    for p in exc.problems
                ]
            ) from exc
        return QuestionnaireBundle(questionnaire=questionnaire, translations=translations)
