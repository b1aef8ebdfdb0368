"""Offline interviews against the database: what an import would add, replace or skip
(:func:`preview_import`) and the import itself in one transaction (:func:`store_import`).
Reading the files: :mod:`surveys.xlsform.submissions`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveys.responses.offline import Decision, OfflineOutcome
    from surveys.responses.storage import CampaignInfo, Storage
from surveys.xlsform._submission_reader import (
    SubmissionPlan,
    read_submissions,
)


# -- with the database ------------------------------------------------------------------------
@dataclass
class ImportPreview:
    """A plan with what the database would make of each of its submissions."""

    campaign: CampaignInfo
    plan: SubmissionPlan
    decisions: list[Decision]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("new", "replace", "known", "deleted"), 0)
        for d in self.decisions:
            out[d.status] += 1
        return out

    def outcome_text(self) -> str:
        c = self.counts()
        parts = [f"{c['new']} neu", f"{c['replace']} ersetzen eine frühere Fassung"]
        parts.append(f"{c['known']} schon importiert")
        if c["deleted"]:
            parts.append(f"{c['deleted']} gehören zu inzwischen gelöschten Antworten")
        return "Beim Speichern: " + ", ".join(parts) + "."


class CampaignRefused(ValueError):
    """The campaign cannot take offline interviews now (German message, for the guide)."""


def _campaign(storage: Storage, slug: str) -> CampaignInfo:
    from surveys.responses.offline import OFFLINE_MODE
    from surveys.responses.storage import CampaignNotFound

    try:
        campaign = storage.campaign(slug)
    except CampaignNotFound:
        raise CampaignRefused(f"Die Kampagne »{slug}« gibt es nicht.") from None
    if OFFLINE_MODE not in campaign.modes:
        raise CampaignRefused(
            f"Die Kampagne »{campaign.title}« nimmt keine Interviews (offline) an: bei ihr "
            "sind nur diese Wege eingestellt: " + ", ".join(campaign.modes) + "."
        )
    if campaign.status != "open":
        raise CampaignRefused(
            f"Die Kampagne »{campaign.title}« ist nicht offen. Interviews werden wie jede "
            "Antwort nur in eine offene Kampagne übernommen: bitte sie für den Import öffnen."
        )
    return campaign


def preview_import(
    storage: Storage, campaign_slug: str, data: bytes, filename: str, *, language: str
) -> ImportPreview:
    """Read a file for a campaign and classify its submissions against the database;
    raises :class:`SubmissionsError` (the file is refused) or :class:`CampaignRefused`."""
    campaign = _campaign(storage, campaign_slug)
    bundle = storage.questionnaire_bundle(campaign.questionnaire_version_id)
    plan = read_submissions(data, filename, bundle, language=language)
    decisions = storage.offline_decisions(
        campaign.municipality_id, [s.response for s in plan.submissions]
    )
    return ImportPreview(campaign, plan, decisions)


def store_import(storage: Storage, preview: ImportPreview) -> OfflineOutcome:
    """Store the plan's submissions in one transaction (classified again inside it, so an
    import in between changes nothing twice); raises :class:`CampaignRefused` when the
    campaign was closed since the preview."""
    from surveys.responses.storage import CampaignClosed

    try:
        return storage.store_offline(
            preview.campaign, [s.response for s in preview.plan.submissions]
        )
    except CampaignClosed:
        raise CampaignRefused(
            f"Die Kampagne »{preview.campaign.title}« wurde inzwischen geschlossen: nichts "
            "wurde gespeichert."
        ) from None
