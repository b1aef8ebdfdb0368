"""Commands ``translations export|import|status`` and ``xlsform export|import``.

Registered in :mod:`bedarfsradar.cli` through :func:`add_parsers` and :data:`COMMANDS`.
Imports validate everything first and change nothing without ``--yes``; exit code 4 when
the file has errors (nothing written), 0 otherwise.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bedarfsradar.context import AppContext, init_db
from surveys.questionnaire.loader import load_bundle
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses.storage import StorageError

if TYPE_CHECKING:
    from surveys.translations.workbook_import import ImportPlan

EXIT_DATA = 4
MAX_LISTED = 40


def _out(msg: str = "") -> None:
    print(msg, flush=True)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- translations -------------------------------------------------------------------------
def questionnaire_bundle(ctx: AppContext, questionnaire: str):  # type: ignore[no-untyped-def]
    qdir = ctx.settings.questionnaire_dir
    path = qdir / f"{questionnaire}.yaml"
    if not path.exists():
        raise LookupError(f"questionnaire {questionnaire!r} not found ({path})")
    return load_bundle(path, qdir / "translations", ctx.taxonomy)


RESULTS_QUESTIONNAIRE = "newcomer"
"""The results pages speak the newcomers' languages: their texts travel in this
questionnaire's workbook."""


def result_texts_for(ctx: AppContext, questionnaire: str):  # type: ignore[no-untyped-def]
    """The results pages' texts when ``questionnaire``'s workbook carries them, else None."""
    return ctx.result_texts if questionnaire == RESULTS_QUESTIONNAIRE else None


def cmd_translations_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from surveys.translations.status import load_ui_string_sets
    from surveys.translations.workbook import write_workbook

    bundle = questionnaire_bundle(ctx, args.questionnaire)
    ui = ctx.ui_text
    if args.languages:
        languages = [c.strip() for c in args.languages.split(",") if c.strip()]
    else:
        languages = sorted(bundle.translations)
    if not [c for c in languages if c != "de"]:
        raise LookupError(
            f"{args.questionnaire} has no translations yet: name the target languages, "
            "e.g. --languages en,ar"
        )
    try:
        path = write_workbook(
            Path(args.output),
            bundle,
            ui.strings["de"],
            load_ui_string_sets(ctx.settings.data_dir / "ui"),
            languages,
            results=result_texts_for(ctx, args.questionnaire),
        )
    except ValueError as exc:
        raise LookupError(str(exc)) from exc
    _out(f"workbook written: {path} ({', '.join(c for c in languages if c != 'de')})")
    return 0


def publish_translations(ctx: AppContext, questionnaire: str) -> tuple[int, list[str]]:
    """Store the questionnaire with its translation files as a version (a new immutable
    one only if the content changed) and move campaigns whose questions are identical
    onto it. Returns the version id and the campaigns moved."""
    result = init_db(ctx)
    version = result.versions.get(questionnaire)
    if version is None:  # a questionnaire beside the three audiences
        version = ctx.storage.store_questionnaire_version(
            ctx.municipality_id, questionnaire_bundle(ctx, questionnaire)
        )
    moved = []
    for campaign in ctx.storage.campaigns(ctx.municipality_id):
        if campaign.status == "closed":
            continue
        try:
            if ctx.storage.switch_campaign_version(campaign.slug, version):
                moved.append(campaign.slug)
                _carry_recordings(ctx, campaign.questionnaire_version_id, version)
        except StorageError:
            continue  # another questionnaire, or other questions: stays on its version
    return version, moved


def _carry_recordings(ctx: AppContext, old: int, new: int) -> None:
    """Recordings of texts the import left unchanged go with the campaign."""
    from surveys.translations.recordings import RecordingStore

    bundles = ctx.storage.questionnaire_bundle(old), ctx.storage.questionnaire_bundle(new)
    RecordingStore(ctx.db).carry_over(old, new, *bundles)


def plan_workbook(
    ctx: AppContext, path: Path, questionnaire: str | None = None
) -> tuple[QuestionnaireBundle, ImportPlan]:
    """Read and validate a returned workbook against the current files; writes nothing.
    Raises ``TranslationImportError`` for an unreadable workbook and ``LookupError``
    when the questionnaire is unknown or not named."""
    from surveys.translations.status import load_ui_string_sets
    from surveys.translations.workbook_import import plan_import, read_workbook

    content = read_workbook(path)
    questionnaire = questionnaire or content.questionnaire
    if not questionnaire:
        raise LookupError("the workbook does not name its questionnaire; use --questionnaire")
    bundle = questionnaire_bundle(ctx, questionnaire)
    ui_sets = load_ui_string_sets(ctx.settings.data_dir / "ui")
    results = result_texts_for(ctx, questionnaire)
    return bundle, plan_import(content, bundle, ctx.ui_text.strings["de"], ui_sets, results)


@dataclass(frozen=True)
class ImportResult:
    written: list[Path]
    version: int
    moved: list[str]
    """Open or draft campaigns switched to the new questionnaire version."""


def write_import(ctx: AppContext, bundle: QuestionnaireBundle, plan: ImportPlan) -> ImportResult:
    """Write a validated plan's translation files and publish them (``import --yes`` and
    the dashboard's confirm button)."""
    from surveys.translations.workbook_import import apply_import

    written = apply_import(
        plan,
        bundle,
        ctx.ui_text.strings["de"],
        ctx.settings.questionnaire_dir / "translations",
        ctx.settings.data_dir / "ui",
        results=result_texts_for(ctx, plan.questionnaire),
        results_dir=ctx.settings.data_dir / "results",
    )
    ctx.reload_ui_text()
    version, moved = publish_translations(ctx, plan.questionnaire)
    return ImportResult(written, version, moved)


def cmd_translations_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from surveys.translations.checks import TranslationImportError

    try:
        bundle, plan = plan_workbook(ctx, Path(args.file), args.questionnaire)
    except TranslationImportError as exc:
        for p in exc.problems:
            _out(str(p))
        _out("nothing changed")
        return EXIT_DATA
    except LookupError as exc:
        if "does not name" not in str(exc):
            raise
        _out(f"error: {exc}")
        return EXIT_DATA
    for lp in plan.languages.values():
        _out(lp.summary())
        old = bundle.translations.get(lp.language)
        listed = 0
        for kind, keys in (("+", lp.added), ("~", lp.changed), ("*", lp.status_changed)):
            for key in keys:
                if listed >= MAX_LISTED:
                    break
                listed += 1
                entry = lp.entries[key]
                before = (old.strings.get(key, "") if old else "") if kind == "~" else ""
                arrow = f"{_short(before, 30)!r} -> " if before else ""
                _out(f"  {kind} {key}: {arrow}{_short(entry.text)!r} [{entry.status}]")
    for problem in plan.problems:
        _out(str(problem))
    if not plan.ok:
        _out(f"{len(plan.errors)} error(s): nothing changed")
        return EXIT_DATA
    if not plan.has_changes:
        _out("no changes")
        return 0
    if not args.yes:
        _out("preview only: repeat with --yes to write the translation files and publish")
        return 0
    result = write_import(ctx, bundle, plan)
    for path in result.written:
        _out(f"written: {path}")
    moved = result.moved
    _out(f"questionnaire version {result.version}" + (f"; campaigns now on it: {', '.join(moved)}"
                                                     if moved else ""))  # fmt: skip
    _out("a running server shows new interface strings after a restart")
    return 0


def cmd_translations_status(ctx: AppContext, args: argparse.Namespace) -> int:
    from surveys.translations.status import coverage, load_ui_string_sets

    bundle = questionnaire_bundle(ctx, args.questionnaire)
    report = coverage(bundle, ctx.ui_text, load_ui_string_sets(ctx.settings.data_dir / "ui"))
    for c in report:
        shown = "offered" if c.offered else f"hidden: {c.hidden_reason}"
        _out(
            f"{c.language:8} {c.translated_pct:5.1f} % translated  {c.reviewed_pct:5.1f} % "
            f"reviewed  {c.outdated:3d} outdated  {shown}"
        )
    return 0


# -- XLSForm ------------------------------------------------------------------------------
def cmd_xlsform_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from surveys.xlsform import write_xlsform

    bundle = questionnaire_bundle(ctx, args.questionnaire)
    output = Path(args.output)
    audio = _export_recordings(ctx, bundle, output.with_name(output.stem + "-media"))
    path = write_xlsform(bundle, output, audio)
    _out(f"XLSForm geschrieben: {path} (Sprachen: {', '.join(bundle.languages())})")
    if audio:
        _out(
            f"{len(audio)} Aufnahmen im Ordner {output.stem}-media "
            "(für ODK: der Medienordner des Formulars)"
        )
    return 0


def _export_recordings(
    ctx: AppContext, bundle: QuestionnaireBundle, folder: Path
) -> dict[tuple[str, str], str]:
    """The recordings of the stored version with exactly this content, written to
    ``folder`` under content-addressed names; (language, key) -> file name."""
    from sqlalchemy.exc import SQLAlchemyError

    from surveys.translations.recordings import RecordingStore

    try:  # the export needs no database; without one there are no recordings
        version = ctx.storage.latest_version(ctx.municipality_id, bundle.questionnaire.id)
    except (SQLAlchemyError, LookupError):
        return {}
    if version is None:
        return {}
    if ctx.storage.questionnaire_bundle(version).content_hash() != bundle.content_hash():
        return {}
    store = RecordingStore(ctx.db)
    out = {}
    for (lang, key), ref in store.index(version).items():
        found = store.audio(version, ref.sha256)
        if found is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ref.url_name).write_bytes(found.data)
        out[(lang, key)] = ref.url_name
    return out


def cmd_xlsform_import(ctx: AppContext, args: argparse.Namespace) -> int:
    """Check an XLSForm; print every problem (refused: exit 4) or everything it leaves out
    or changes and the languages respondents will get; store it as a questionnaire version
    only with ``--yes``, and only once (the same content again: nothing stored)."""
    from surveys.translations.languages_report import language_states
    from surveys.xlsform import (
        KIND_TITLES,
        XLSFormError,
        product_texts,
        read_xlsform,
        write_yaml_files,
    )

    product = product_texts(ctx.ui_text.strings, ctx.bundles())
    try:
        result = read_xlsform(Path(args.file), audience=args.audience, product=product)
    except XLSFormError as exc:
        for p in exc.problems:
            _out(str(p) if p.kind == "error" else f"{KIND_TITLES[p.kind]}: {p}")
        errors = sum(1 for p in exc.problems if p.kind == "error")
        _out(f"{errors} Fehler: die Datei wird nicht übernommen, nichts wurde geändert.")
        return EXIT_DATA
    _out(result.summary())
    _out("Sprachen in der Umfrage:")
    for state in language_states(result.bundle, ctx.ui_text):
        _out(f"  {state.summary()}")
        for missing in state.missing[:MAX_LISTED]:
            place = result.where(missing.key)
            where = f"Blatt {place[0]}, Zeile {place[1]}: " if place else ""
            _out(f"    fehlt: {where}{missing}")
    for kind in ("left_out", "changed", "depends"):
        found = [f for f in result.findings if f.kind == kind]
        if found:
            _out(f"{KIND_TITLES[kind]} ({len(found)}):")
            for f in found:
                _out(f"  {f}")
    if not args.yes:
        _out(
            "Nur Vorschau: mit --yes als Fragebogen-Version speichern"
            + (" (die Liste oben gilt damit als bestätigt)." if result.findings else ".")
        )
        return 0
    if args.write_yaml:
        for path in write_yaml_files(result.bundle, Path(args.write_yaml)):
            _out(f"geschrieben: {path}")
    init_db(ctx)
    mid = ctx.municipality_id
    stored = ctx.storage.version_by_hash(mid, result.bundle.content_hash())
    if stored is not None:
        _out(f"schon gespeichert als Fragebogen-Version {stored}: nichts geändert")
        return 0
    version = ctx.storage.store_questionnaire_version(mid, result.bundle)
    _out(f"gespeichert als Fragebogen-Version {version}")
    _out(f"Welle anlegen: bedarfsradar campaign add KURZNAME --questionnaire {version} --title …")
    return 0


# -- registration -------------------------------------------------------------------------
def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = sub.add_parser("translations", help="translation workbooks for interpreters")
    tsub = t.add_subparsers(dest="action", required=True)
    e = tsub.add_parser("export", help="write an XLSX workbook, one sheet per language")
    e.add_argument("--questionnaire", default="newcomer")
    e.add_argument("--languages", help="comma-separated codes (default: all with a file)")
    e.add_argument("--output", required=True)
    i = tsub.add_parser("import", help="check a returned workbook; write with --yes")
    i.add_argument("file")
    i.add_argument("--questionnaire", help="default: the one named in the workbook")
    i.add_argument("--yes", action="store_true", help="write files and publish a version")
    s = tsub.add_parser("status", help="coverage per language and why a language is hidden")
    s.add_argument("--questionnaire", default="newcomer")

    x = sub.add_parser("xlsform", help="questionnaires in the XLSForm standard")
    xsub = x.add_subparsers(dest="action", required=True)
    xe = xsub.add_parser("export", help="write a questionnaire as XLSForm")
    xe.add_argument("--questionnaire", default="newcomer")
    xe.add_argument("--output", required=True)
    xi = xsub.add_parser("import", help="check an XLSForm; store a version with --yes")
    xi.add_argument("file")
    xi.add_argument("--audience", choices=["newcomer", "volunteer", "administration"],
                    help="target group (default: the workbook's, else newcomer)")  # fmt: skip
    xi.add_argument("--write-yaml", metavar="DIR", help="also write <id>.yaml and translations")
    xi.add_argument("--yes", action="store_true", help="confirm what is left out; store it")


def _translations(ctx: AppContext, args: argparse.Namespace) -> int:
    return {
        "export": cmd_translations_export,
        "import": cmd_translations_import,
        "status": cmd_translations_status,
    }[args.action](ctx, args)


def _xlsform(ctx: AppContext, args: argparse.Namespace) -> int:
    return {"export": cmd_xlsform_export, "import": cmd_xlsform_import}[args.action](ctx, args)


COMMANDS = {"translations": _translations, "xlsform": _xlsform}
