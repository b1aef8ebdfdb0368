"""Translations of a questionnaire that lives only in the database (an XLSForm import).

The built-in questionnaires keep their translations in ``data/questionnaires/translations``
(:mod:`bedarfsradar.cli_translations`); an imported one has no files. Its returned
workbook is checked exactly the same way (:func:`surveys.translations.workbook_import.plan_import`)
and then stored as a new questionnaire version with the new translations; interface
strings in the same workbook still go to ``data/ui``. Campaigns of that questionnaire that
are not closed move onto the new version when their questions are identical (stored
answers stay valid), with the recordings of unchanged texts — as after a file import.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bedarfsradar.cli_translations import ImportResult, _carry_recordings
from bedarfsradar.context import AppContext
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses.storage import StorageError

if TYPE_CHECKING:
    from surveys.translations.workbook_import import ImportPlan


def plan_stored(
    ctx: AppContext, path: Path, version_id: int
) -> tuple[QuestionnaireBundle, ImportPlan]:
    """Read and check a returned workbook against a stored version; writes nothing."""
    from surveys.translations.status import load_ui_string_sets
    from surveys.translations.workbook_import import plan_import, read_workbook

    bundle = ctx.storage.questionnaire_bundle(version_id)
    ui_sets = load_ui_string_sets(ctx.settings.data_dir / "ui")
    return bundle, plan_import(read_workbook(path), bundle, ctx.ui_text.strings["de"], ui_sets)


def write_stored(
    ctx: AppContext, version_id: int, bundle: QuestionnaireBundle, plan: ImportPlan
) -> ImportResult:
    """Store the checked translations as a new version and move open campaigns onto it."""
    from surveys.translations.workbook_import import apply_import, new_translation

    written = apply_import(
        plan, bundle, ctx.ui_text.strings["de"], None, ctx.settings.data_dir / "ui"
    )
    if written:
        ctx.reload_ui_text()
    q = bundle.questionnaire
    translations = dict(bundle.translations)
    for code, lp in plan.languages.items():
        if lp.has_changes and lp.touches_questionnaire():
            translations[code] = new_translation(q, lp)
    new = bundle.model_copy(update={"translations": translations})
    mid = ctx.municipality_id
    version = ctx.storage.store_questionnaire_version(mid, new)
    moved = []
    same = {v.id for v in ctx.storage.questionnaire_versions(mid) if v.questionnaire_id == q.id}
    for campaign in ctx.storage.campaigns(mid):
        if campaign.status == "closed" or campaign.questionnaire_version_id not in same:
            continue
        old = campaign.questionnaire_version_id
        try:
            if ctx.storage.switch_campaign_version(campaign.slug, version):
                moved.append(campaign.slug)
                _carry_recordings(ctx, old, version)
        except StorageError:
            continue
    return ImportResult(written, version, moved)
