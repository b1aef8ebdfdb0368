"""Interviews collected offline with ODK Collect or KoboCollect, read back into responses.

The campaign's questionnaire runs on the tablet as the XLSForm :mod:`surveys.xlsform.export`
writes; what comes back is the tool's export of the submissions:

============================  ==========================================================
ODK Central, CSV (ZIP)        ``<form id>.csv``: ``SubmissionDate``, one column per field
                              named by its path joined with ``-`` (``needs-need-need.work``;
                              without groups when exported with ``groupPaths=false``),
                              multiple choice as space-separated codes plus, optionally,
                              one 0/1 column per option (``group-q/option``), then
                              ``meta-instanceID``, ``KEY``, ``SubmitterID``, ``SubmitterName``,
                              ``AttachmentsPresent``, ``AttachmentsExpected``, ``Status``,
                              ``ReviewState``, ``DeviceID``, ``Edits``, ``FormVersion``
KoboToolbox, XLSX or CSV      paths joined with ``/`` (or without groups), multiple choice
                              as one column and as ``q/option`` columns; ``_id``, ``_uuid``,
                              ``_submission_time``, ``_validation_status``, ``_submitted_by``,
                              ``__version__``, ``_index`` …; "XML values and headers" or
                              labels in one of the form's languages (headers and values)
============================  ==========================================================

:func:`read_submissions` maps every column by the form's own names (or labels) back to
the questionnaire, checks choice codes against it, and turns each row into the form
mapping of :mod:`surveys.responses.answers`; :func:`~surveys.responses.answers.clean_answers`
then applies the skip logic and the consent exactly as for an assisted entry, so each
submission becomes the response the guide would have typed in. Nothing is stored here:
the result is a :class:`SubmissionPlan` that lists

- every column not carried and why (:attr:`SubmissionPlan.dropped`): device ids,
  enumerators, phone numbers, GPS, start/end times and submission timestamps are never
  stored; the instance ids only as keyed hashes (:mod:`surveys.responses.offline`); the
  month of the interview is kept, nothing finer;
- every answer or submission left out, with row and column (:attr:`SubmissionPlan.findings`):
  unknown choice codes, answers to questions that were not to be asked (skip logic),
  sensitive answers without consent, submissions rejected in ODK Central or Kobo, of
  another form version, or twice in the file.

A file that cannot be used at all (not an export, another form, a broken ZIP, another
encoding, a re-saved CSV) raises :class:`SubmissionsError` with every problem located.
:mod:`surveys.xlsform.submission_import` adds what the database already holds (new,
replaces an earlier version, imported before) and stores in one transaction.

Form version: ODK Central's ``FormVersion`` must be the questionnaire's version (a row of
another version is left out, named); KoboToolbox's ``__version__`` is its own deployment
id, which says nothing about ours: there the columns are the check (most of the
questionnaire's fields must be in the file, each missing one is named, and a file with
more foreign columns than ours is refused). Separators: KoboToolbox writes CSV with ``;``
by default, ODK Central always with ``,``; a Central table with ``;`` has been saved again
by a spreadsheet program (which may change dates and codes) and is refused.

Ranking: the export asks "choose up to n" as ``select_multiple``; the order of the codes in
the export's column is taken as the rank order. From the 0/1 columns alone no order can
be read: the list order is taken and the plan says so. The language of an interview is
not part of an ODK submission: the guide names it for the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses.answers import clean_answers, to_rows
from surveys.responses.offline import OfflineResponse, normalise_instance_id
from surveys.xlsform._report import Finding, Kind
from surveys.xlsform._tables import DELIMITER_NAMES, Table, TableError, read_table
from surveys.xlsform.odk_relevance import CONSENT

if TYPE_CHECKING:
    pass
from surveys.xlsform._submission_form import (
    _Field,
    _Form,
)
from surveys.xlsform._submission_meta import (
    _MONTH,
    _REJECTED,
    _TRUE,
    _meta,
)


class SubmissionsError(ValueError):
    """A file that cannot be imported; nothing of it is used. ``problems`` lists every
    problem found, each with file, row and column (German)."""

    def __init__(self, problems: list[Finding]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- the result -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DroppedColumn:
    """A column of the file whose values are never stored, and why (German)."""

    column: str
    reason: str


@dataclass(frozen=True)
class Submission:
    """One row of the file that becomes a response."""

    row: int
    response: OfflineResponse
    answers: dict[str, Any]
    """The cleaned form mapping (what the assisted entry would store)."""


@dataclass
class SubmissionPlan:
    """What an import of the file would store, and everything it does not carry."""

    filename: str
    table: str
    source: str
    """German: which tool and format the file was read as."""
    language: str
    rows: int
    submissions: list[Submission]
    dropped: list[DroppedColumn]
    findings: list[Finding]
    """Answers and submissions left out, and what the import carries differently; each
    with the row and column of the file. Stored only after the guide confirms them."""
    left_out_rows: dict[int, str] = field(default_factory=dict)
    """Row -> why this whole submission is not imported."""

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.findings)

    def summary(self) -> str:
        """One German line: what the file holds."""
        n, ok = self.rows, len(self.submissions)
        left = n - ok
        return (
            f"{self.filename} ({self.source}): {n} Einsendung{'en' * (n != 1)} gelesen, "
            f"{ok} {'kann' if ok == 1 else 'können'} übernommen werden"
            + (f", {left} nicht (Gründe unten)" if left else "")
            + f"; {len(self.dropped)} Spalte{'n' * (len(self.dropped) != 1)} mit Metadaten "
            "werden nicht gespeichert."
        )


# -- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Candidate:
    """A row that can become a response, before duplicates and older versions are sorted out."""

    row: int
    instance: str
    root: str
    edits: int
    replaced: tuple[str, ...]
    answers: dict[str, Any]
    consent: bool | None
    month: str


@dataclass
class _Columns:
    """Which column of the table carries what."""

    answers: dict[int, tuple[_Field, str | None]] = field(default_factory=dict)
    meta: dict[str, int] = field(default_factory=dict)
    dropped: list[DroppedColumn] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    labels: str | None = None
    """The language of a labels export; ``None`` for XML values."""


def _assign(
    table: Table, candidates: Mapping[str, list[tuple[_Field, str | None]]]
) -> dict[int, tuple[_Field, str | None]]:
    """Columns whose header names a field; a header several fields share (a label such
    as "Wohnen" in two matrices) goes to them in form order, as the exports write them."""
    used: Counter[str] = Counter()
    out: dict[int, tuple[_Field, str | None]] = {}
    for i, header in enumerate(table.headers):
        targets = candidates.get(header)
        if targets and used[header] < len(targets):
            out[i] = targets[used[header]]
            used[header] += 1
    return out


def _columns(table: Table, form: _Form) -> _Columns:
    meta_idx = {i: m for i, h in enumerate(table.headers) if (m := _meta(h)) is not None}
    by_value = _assign(table, form.value_headers())
    best: tuple[int, str | None, dict[int, tuple[_Field, str | None]]] = (
        sum(1 for i in by_value if i not in meta_idx),
        None,
        by_value,
    )
    for language in form.languages:
        by_label = _assign(table, form.label_headers(language))
        count = sum(1 for i in by_label if i not in meta_idx)
        if count > best[0]:
            best = (count, language, by_label)
    _, labels_language, assigned = best
    cols = _Columns(labels=labels_language)
    for i, header in enumerate(table.headers):
        if i in assigned and assigned[i][0].kind != "note":
            cols.answers[i] = assigned[i]
        elif i in assigned:
            continue  # a note: no value
        elif i in meta_idx:
            role, reason = meta_idx[i]
            if role:
                cols.meta.setdefault(role, i)
            cols.dropped.append(DroppedColumn(table.column(i), reason))
        elif header:
            cols.unknown.append(i)
    return cols


def _source(table: Table, central: bool, labels: str | None) -> str:
    fmt = {"central-zip": "CSV im ZIP", "csv": "CSV", "xlsx": "XLSX"}[table.kind]
    values = f"Beschriftungen {labels}" if labels else "XML-Werte"
    return f"{'ODK Central' if central else 'KoboToolbox'}, {fmt}, {values}"


def read_submissions(
    data: bytes, filename: str, bundle: QuestionnaireBundle, *, language: str = "de"
) -> SubmissionPlan:
    """Read an ODK Central or KoboToolbox export of ``bundle``'s form into a plan; raises
    :class:`SubmissionsError` for a file that cannot be used. ``language``: the language
    the interviews were held in (one of the questionnaire's)."""
    q = bundle.questionnaire
    try:
        table = read_table(data, filename, q.id)
    except TableError as exc:
        raise SubmissionsError(exc.problems) from exc
    return _Reader(table, bundle, filename, language).plan()


class _Reader:
    def __init__(self, table: Table, bundle: QuestionnaireBundle, filename: str, language: str):
        self.table, self.bundle, self.q = table, bundle, bundle.questionnaire
        self.filename, self.language = filename, language
        self.form = _Form.of(bundle)
        self.findings: list[Finding] = []
        self.sensitive: set[str] = set()
        self.conditions: dict[str, str | None] = {}
        self.types: dict[str, str] = {}
        for section, question in self.q.questions():
            self.types[question.id] = question.type
            self.conditions[question.id] = question.relevance or section.relevance
            if section.sensitive or question.sensitive:
                self.sensitive.add(question.id)
            if question.row_relevance:
                for r in self.q.rows_of(question):
                    rule = question.row_relevance.replace("{row}", r.code)
                    self.conditions[f"{question.id}.{r.code}"] = rule

    def note(
        self, row: int | None, column: int | None, message: str, kind: Kind = "left_out"
    ) -> None:
        where = self.table.column(column) if column is not None else None
        self.findings.append(Finding(self.table.name, row, where, message, kind))

    # -- the file as a whole ------------------------------------------------------------
    def check_file(self, cols: _Columns) -> bool:
        """Raise for a file that is no export of this form; True for ODK Central."""
        t, q = self.table, self.q
        headers = set(t.headers)
        central = "KEY" in headers or "SubmissionDate" in headers
        kobo = any(h in headers for h in ("_uuid", "_submission_time", "_id", "__version__"))
        problems: list[Finding] = []
        if not (central or kobo or "instance" in cols.meta):
            problems.append(Finding(t.name, 1, None, (
                "Keine Spalte KEY (ODK Central), _uuid (KoboToolbox) oder meta/instanceID: "
                "die Datei ist kein Export von Einsendungen aus ODK Central oder KoboToolbox."
            )))  # fmt: skip
        if central and t.delimiter not in (None, ","):
            problems.append(Finding(t.name, 1, None, (
                f"Die Spalten sind durch {DELIMITER_NAMES[t.delimiter]} getrennt; ODK Central "
                "trennt mit Komma. Die Datei wurde offenbar in einem Tabellenprogramm neu "
                "gespeichert, das dabei Werte verändern kann (Datumsangaben, Codes). Bitte die "
                "unveränderte CSV-Datei aus dem Export von ODK Central verwenden."
            )))  # fmt: skip
        other_form = t.kind == "central-zip" and t.name != f"{q.id}.csv"
        wanted = [f for f in self.form.fields if f.kind != "note"]
        present = {f.key for f, _ in cols.answers.values()}
        missing = [f for f in wanted if f.key not in present]
        # another form may share questions (the needs matrix): most of ours must be there
        if (
            len(present) * 2 < len(wanted)
            or len(cols.unknown) > len(present)
            or (other_form and (missing or cols.unknown))
        ):
            named = (
                f"Die Datei enthält Einsendungen des Formulars »{t.name.removesuffix('.csv')}«; "
                "ihre Spalten"
                if other_form
                else "Die Spalten der Datei"
            )
            problems.append(Finding(t.name, 1, None, (
                f"{named} passen nicht zum Fragebogen »{q.title}« ({q.id}, Version "
                f"{q.version}) der Kampagne: {len(wanted) - len(missing)} seiner {len(wanted)} "
                f"Felder stehen in der Datei, {len(cols.unknown)} Spalten gehören zu keinem. "
                "Bitte den Export des Formulars wählen, das aus diesem Fragebogen erstellt wurde."
            )))  # fmt: skip
        if problems:
            raise SubmissionsError(problems)
        if other_form:
            self.note(1, None, (
                f"Die Tabelle heißt {t.name}, das Formular also »{t.name.removesuffix('.csv')}« "
                f"statt »{q.id}«; die Spalten passen zum Fragebogen."
            ), "changed")  # fmt: skip
        for f in missing:
            self.note(1, None, (
                f"Die Spalte für »{'/'.join(f.path)}« fehlt in der Datei: "
                + ("ohne sie gilt die Einwilligung in die persönlichen Fragen als nicht "
                   "gegeben." if f.kind == "consent" else "Antworten auf diese Frage fehlen.")
            ))  # fmt: skip
        for i in cols.unknown:
            self.note(1, i, (
                "Diese Spalte gehört zu keiner Frage des Fragebogens: ihre Werte werden "
                "nicht übernommen."
            ))  # fmt: skip
        return central

    # -- one row ------------------------------------------------------------------------------
    def code(self, raw: str, f: _Field, lang: str | None) -> str | None:
        """The option code of a cell, ``None`` if it names none."""
        if raw in self.form.codes.get(f.list_name or "", []):
            return raw
        if lang is not None:
            for language in (lang, *self.form.languages):
                found = self.form.labels_in(language, f.list_name or "").get(raw)
                if found is not None:
                    return found
        return None

    def codes(self, raw: str, f: _Field, lang: str | None) -> tuple[list[str], list[str]]:
        """Codes of a multiple-choice cell, and the parts that name no option."""
        known = self.form.codes.get(f.list_name or "", [])
        parts = raw.split()
        if lang is None or all(p in known for p in parts):
            return [p for p in parts if p in known], [p for p in parts if p not in known]
        for language in (lang, *self.form.languages):
            found = _split_labels(raw, self.form.labels_in(language, f.list_name or ""))
            if found is not None:
                return found, []
        return [], [raw]

    def answers(
        self, n: int, cells: list[str], cols: _Columns
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """The form mapping of one row, and the column of each of its keys."""
        answers: dict[str, Any] = {}
        split: dict[str, list[str]] = {}
        where: dict[str, int] = {}
        for i, (f, option) in cols.answers.items():
            raw = cells[i]
            if f.kind == "consent" or raw == "":
                continue
            if option is not None:  # the 0/1 column of one option
                if raw.lower() in _TRUE or raw == option:
                    split.setdefault(f.key, []).append(option)
                where.setdefault(f.key, i)
                continue
            where[f.key] = i
            if f.kind == "one":
                code = self.code(raw, f, cols.labels)
                if code is None:
                    allowed = ", ".join(self.form.codes.get(f.list_name or "", []))
                    self.note(n, i, (
                        f"Die Antwort »{raw}« gibt es bei dieser Frage nicht (möglich: "
                        f"{allowed}): die Antwort entfällt."
                    ))  # fmt: skip
                else:
                    answers[f.key] = code
            elif f.kind == "many":
                codes, unknown = self.codes(raw, f, cols.labels)
                if unknown:
                    self.note(n, i, (
                        f"{'Die Antworten' if len(unknown) > 1 else 'Die Antwort'} "
                        f"{', '.join(f'»{u}«' for u in unknown)} gibt es bei dieser Frage "
                        "nicht: entfällt; die übrigen Antworten werden übernommen."
                    ))  # fmt: skip
                if codes:
                    answers[f.key] = codes
            else:
                answers[f.key] = raw
        mains = {f.key for f, option in cols.answers.values() if option is None}
        for key, chosen in split.items():
            if key in mains:
                continue  # the one column with every code says it (and keeps the order)
            f = cols.answers[where[key]][0]
            order = self.form.codes.get(f.list_name or "", [])
            answers[key] = sorted(chosen, key=order.index)  # the list's order
            if self.types.get(key) == "ranking" and len(chosen) > 1:
                self.note(n, where[key], (
                    "Die Rangfolge steht nur in den Einzelspalten je Option: in der "
                    "Reihenfolge der Liste übernommen."
                ), "changed")  # fmt: skip
        return answers, where

    def clean(
        self, n: int, raw: dict[str, Any], where: Mapping[str, int], consent: bool | None
    ) -> dict[str, Any]:
        """The answers an assisted entry would store; every other one listed."""
        cleaned, errors = clean_answers(self.q, raw, consent)
        failed = {e.key for e in errors}
        for e in errors:
            if e.code != "error_required" and e.key in raw:
                message = f"{_ERRORS.get(e.code, e.code)} Die Antwort entfällt."
                self.note(n, where.get(e.key), message)
        for key in raw:
            if key in cleaned or key in failed:
                continue
            if key.partition(".")[0] in self.sensitive and not consent:
                why = (
                    "Antwort auf eine persönliche Frage ohne Einwilligung (Startschritt "
                    f"»{CONSENT}« nicht bestätigt): die Antwort entfällt."
                )
            else:
                rule = self.conditions.get(key, self.conditions.get(key.partition(".")[0]))
                why = (
                    "Die Frage war nach den vorigen Antworten nicht zu stellen"
                    + (f" (Bedingung: {rule})" if rule else "")
                    + ": die Antwort entfällt."
                )
            self.note(n, where.get(key), why)
        return cleaned

    # -- the whole ------------------------------------------------------------------------
    def plan(self) -> SubmissionPlan:
        t, q = self.table, self.q
        if self.language not in self.form.languages:
            raise SubmissionsError([Finding(t.name, None, None, (
                f"Die Sprache »{self.language}« gehört nicht zum Fragebogen (möglich: "
                f"{', '.join(self.form.languages)})."
            ))])  # fmt: skip
        cols = _columns(t, self.form)
        central = self.check_file(cols)
        meta = cols.meta
        consent_col = next((i for i, (f, _) in cols.answers.items() if f.kind == "consent"), None)
        kobo_versions: Counter[str] = Counter()
        candidates: list[_Candidate] = []
        left_out: dict[int, str] = {}

        def cell(cells: list[str], role: str) -> str:
            return cells[meta[role]].strip() if role in meta else ""

        def leave_out(n: int, role: str | None, why: str) -> None:
            left_out[n] = why
            self.note(n, meta.get(role) if role else None, why)

        tool = "ODK Central" if central else "KoboToolbox"
        id_role = next((r for r in ("instance", "uuid", "key") if r in meta), None)
        for n, cells in zip(t.row_numbers, t.rows, strict=True):
            instance = cell(cells, "instance") or cell(cells, "uuid") or cell(cells, "key")
            review = cell(cells, "review") or cell(cells, "validation")
            version = cell(cells, "version")
            if not instance:
                leave_out(n, id_role, (
                    "Einsendung ohne Kennung (meta/instanceID, _uuid, KEY): ohne sie würde ein "
                    "zweiter Import sie doppelt speichern."
                ))  # fmt: skip
            elif review.lower() in _REJECTED:
                role = "review" if "review" in meta else "validation"
                leave_out(n, role, f"In {tool} abgelehnt (»{review}«).")
            elif status := cell(cells, "status"):
                leave_out(n, "status", (
                    f"Die Einsendung ist verschlüsselt und nicht entschlüsselt (»{status}«): "
                    "sie enthält keine Antworten."
                ))  # fmt: skip
            elif version and version != q.version:
                leave_out(n, "version", (
                    f"Formularversion »{version}«; die Kampagne nutzt Version »{q.version}«: "
                    "die Antworten passen womöglich nicht zu ihren Fragen."
                ))  # fmt: skip
            else:
                if kobo_version := cell(cells, "kobo_version"):
                    kobo_versions[kobo_version] += 1
                consent: bool | None = None
                if q.consent_sensitive:
                    consent = consent_col is not None and _consented(cells[consent_col])
                raw, where = self.answers(n, cells, cols)
                edits = cell(cells, "edits")
                candidates.append(
                    _Candidate(
                        row=n,
                        instance=instance,
                        root=cell(cells, "key") or cell(cells, "root") or instance,
                        edits=int(edits) if edits.isdigit() else 0,
                        replaced=tuple(cell(cells, "deprecated").split()),
                        answers=self.clean(n, raw, where, consent),
                        consent=consent,
                        month=_month(cells, meta),
                    )
                )
        if len(kobo_versions) > 1:
            self.note(None, meta.get("kobo_version"), (
                f"Die Einsendungen stammen aus {len(kobo_versions)} Fassungen des Formulars in "
                f"KoboToolbox (__version__ {', '.join(sorted(kobo_versions))}); ihre Spalten "
                "passen zum Fragebogen."
            ), "changed")  # fmt: skip
        submissions = self.newest(candidates, lambda n, why: leave_out(n, id_role, why))
        return SubmissionPlan(
            filename=self.filename,
            table=t.name,
            source=_source(t, central, cols.labels),
            language=self.language,
            rows=len(t.rows),
            submissions=submissions,
            dropped=cols.dropped,
            findings=sorted(self.findings, key=lambda f: (f.row or 0, f.column or "")),
            left_out_rows=left_out,
        )

    def newest(
        self, candidates: list[_Candidate], leave_out: Callable[[int, str], None]
    ) -> list[Submission]:
        """One submission per instance and per interview: the same instance twice is left
        out once; of several versions of one interview (same ``KEY``) the newest stays
        (most edits, else the later row)."""
        first: dict[str, int] = {}
        keep: dict[str, _Candidate] = {}
        for c in candidates:
            instance = normalise_instance_id(c.instance)
            if instance in first:
                leave_out(c.row, f"Dieselbe Einsendung steht schon in Zeile {first[instance]}.")
                continue
            first[instance] = c.row
            root = normalise_instance_id(c.root)
            kept = keep.get(root)
            older: _Candidate | None = c
            if kept is None or kept.edits <= c.edits:
                older, keep[root] = kept, c
            if older is not None:
                why = "Eine neuere Fassung derselben Einsendung steht in der Datei."
                leave_out(older.row, why)
        chosen = sorted(keep.values(), key=lambda c: c.row)
        return [
            Submission(
                c.row,
                OfflineResponse(
                    instance_id=c.instance,
                    root_id=c.root,
                    rows=to_rows(self.q, c.answers),
                    language=self.language,
                    sensitive_consent=c.consent,
                    month=c.month,
                    replaced_ids=c.replaced,
                ),
                c.answers,
            )
            for c in chosen
        ]


def _month(cells: list[str], meta: Mapping[str, int]) -> str:
    """ "YYYY-MM" of the interview: its end, else its day, start or upload; else now."""
    for role in ("end", "today", "start", "submitted"):
        if role in meta and (m := _MONTH.match(cells[meta[role]])):
            return f"{m[1]}-{m[2]}"
    return datetime.now(UTC).strftime("%Y-%m")


_ERRORS = {
    "error_invalid_option": "Die Antwort gibt es bei dieser Frage nicht.",
    "error_number": "Die Antwort ist keine gültige Zahl.",
    "error_number_range": "Die Zahl liegt außerhalb des erlaubten Bereichs.",
    "error_too_long": "Der Text ist länger als erlaubt.",
    "error_too_many": "Es sind mehr Antworten gewählt als erlaubt.",
    "error_ranking_duplicate": "Eine Antwort steht in der Rangfolge doppelt.",
}


def _consented(value: str) -> bool:
    """The consent step (``acknowledge``): ODK writes ``OK`` when it is ticked."""
    return value.strip().lower() in {"ok", *_TRUE}


def _split_labels(text: str, labels: Mapping[str, str]) -> list[str] | None:
    """Codes of a labels export's multiple-choice cell ("Kosten Entfernung / Bus"): the
    one way to read it as option labels separated by spaces, ``None`` if there is none or
    more than one."""
    ends: dict[int, list[list[str]]] = {0: [[]]}
    for start in range(len(text) + 1):
        if start not in ends:
            continue
        if len(ends[start]) > 1:
            ends[start] = ends[start][:2]
        for label, code in labels.items():
            stop = start + len(label)
            if text.startswith(label, start) and (stop == len(text) or text[stop] == " "):
                nxt = stop + 1 if stop < len(text) else stop
                for way in ends[start]:
                    ends.setdefault(nxt, []).append([*way, code])
    ways = ends.get(len(text), [])
    return ways[0] if len(ways) == 1 else None
