"""Starting a survey wave (campaign) with any stored questionnaire version.

One way for the dashboard ("Neue Welle anlegen" on Kampagnen) and the command line
(``bedarfsradar campaign add``):

- :func:`questionnaire_choices` lists every stored version of the town — the built-in
  questionnaires, every XLSForm import and every translation import — with its languages,
  their review state and, for each language respondents will not get, why (down to the
  missing texts, :mod:`surveys.translations.languages_report`);
- :func:`create_campaign` checks a :class:`CampaignRequest` and stores the campaign; bad
  input raises :class:`CampaignSetupError` with a German message for the guide. A
  questionnaire whose languages are incomplete is not refused: the campaign offers the
  complete languages only, and :class:`CampaignCreated` says which texts the others lack.
  A questionnaire no language of which is complete is refused.
- Who may do it: admins always; guides unless the admin has switched it off for the town
  (table ``setting``, key :data:`GUIDES_KEY`), :func:`may_manage_campaigns`. Whoever may
  create waves may also open and close them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import Setting
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses.storage import (
    MODES,
    CampaignExists,
    CampaignInfo,
    Storage,
    StorageError,
    VersionInfo,
)
from surveys.translations.languages_report import LanguageState, language_states
from surveys.translations.ui_text import UiText

BUILT_IN = ("newcomer", "volunteer", "administration")
"""The questionnaires that ship with the product (``data/questionnaires``)."""
GUIDES_KEY = "campaign_creation"
"""Setting ``{"guides": bool}``: may guides create, open and close waves (default yes)."""
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
AUDIENCE_NAMES = {
    "newcomer": "Zugewanderte",
    "volunteer": "Ehrenamtliche",
    "administration": "Verwaltung",
}


class CampaignSetupError(ValueError):
    """A campaign that cannot be created as asked; the message is German, for the guide."""


# -- who may ------------------------------------------------------------------------------
def guides_may_create(db: Database, municipality_id: int) -> bool:
    with db.read() as s:
        value = s.scalar(
            select(Setting.value).where(
                Setting.municipality_id == municipality_id, Setting.key == GUIDES_KEY
            )
        )
    return bool(value.get("guides", True)) if isinstance(value, dict) else True


def set_guides_may_create(db: Database, municipality_id: int, allowed: bool) -> None:
    with db.write() as s:
        found = s.scalar(
            select(Setting).where(
                Setting.municipality_id == municipality_id, Setting.key == GUIDES_KEY
            )
        )
        if found is None:
            s.add(Setting(municipality_id=municipality_id, key=GUIDES_KEY,
                          value={"guides": allowed}))  # fmt: skip
        else:
            found.value = {"guides": allowed}


def may_manage_campaigns(role: str, db: Database, municipality_id: int) -> bool:
    """Admins always; guides unless the admin has restricted it."""
    return role == "admin" or (role == "guide" and guides_may_create(db, municipality_id))


# -- which questionnaire ------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionnaireChoice:
    version: VersionInfo
    languages: list[LanguageState]

    @property
    def built_in(self) -> bool:
        return self.version.questionnaire_id in BUILT_IN

    @property
    def offered(self) -> list[LanguageState]:
        return [lang for lang in self.languages if lang.offered]

    @property
    def label(self) -> str:
        """One line for a list: number, title, origin, audience, offered languages."""
        v = self.version
        origin = "mitgeliefert" if self.built_in else "importiert"
        names = ", ".join(lang.name for lang in self.offered) or "keine vollständige Sprache"
        return (
            f"Nr. {v.id} · {v.title} ({v.questionnaire_id}, {origin}, "
            f"{AUDIENCE_NAMES.get(v.audience, v.audience)}) · Sprachen: {names}"
        )


def questionnaire_choices(
    storage: Storage,
    municipality_id: int,
    ui: UiText,
    bundle_of: Callable[[int], QuestionnaireBundle] | None = None,
) -> list[QuestionnaireChoice]:
    """Every stored version of the town, newest first, with its languages.
    ``bundle_of``: how to read a version (the dashboard passes a cached reader)."""
    read = bundle_of or storage.questionnaire_bundle
    out = []
    for info in storage.questionnaire_versions(municipality_id):
        try:
            bundle = read(info.id)
        except StorageError:
            continue  # fails its content hash: never offered
        out.append(QuestionnaireChoice(info, language_states(bundle, ui)))
    return out


def find_version(storage: Storage, municipality_id: int, wanted: str) -> int:
    """A version by its number ("4") or the newest of a questionnaire ("newcomer")."""
    versions = storage.questionnaire_versions(municipality_id)
    if wanted.isdigit():
        if any(v.id == int(wanted) for v in versions):
            return int(wanted)
        raise CampaignSetupError(f"Fragebogen-Version {wanted} gibt es nicht.")
    for v in versions:
        if v.questionnaire_id == wanted:
            return v.id
    known = ", ".join(sorted({v.questionnaire_id for v in versions}))
    raise CampaignSetupError(f"Fragebogen »{wanted}« ist nicht gespeichert (gespeichert: {known}).")


# -- the request --------------------------------------------------------------------------
def parse_date(text: str, label: str) -> date | None:
    """A date typed as TT.MM.JJJJ (or YYYY-MM-DD on the command line), ``None`` when
    empty; raises :class:`CampaignSetupError` naming the field."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CampaignSetupError(
        f"{label}: „{text}“ ist kein gültiges Datum. Bitte als TT.MM.JJJJ eingeben, "
        "z. B. 01.03.2027."
    )


@dataclass(frozen=True)
class CampaignRequest:
    slug: str
    title: str
    version_id: int
    wave: int | None = None
    """None: one more than the highest wave so far."""
    opens_on: date | None = None
    closes_on: date | None = None
    modes: Sequence[str] = MODES
    targets: dict[str, int] = field(default_factory=dict)
    open_now: bool = False
    """Open at once; otherwise a draft, opened later on the Kampagnen page."""


def check_request(request: CampaignRequest) -> None:
    if not request.title.strip():
        raise CampaignSetupError("Bitte einen Titel angeben, z. B. „Welle 3 – Frühjahr 2027“.")
    if not SLUG.fullmatch(request.slug):
        raise CampaignSetupError(
            f"Kurzname „{request.slug}“: bitte 2 bis 63 Zeichen aus a–z, 0–9 und „-“, am Anfang "
            "ein Buchstabe oder eine Ziffer (er steht im Link der Umfrage)."
        )
    if not request.modes or set(request.modes) - set(MODES):
        raise CampaignSetupError("Bitte mindestens einen Weg wählen (online, begleitet, Papier).")
    if request.opens_on and request.closes_on and request.closes_on < request.opens_on:
        raise CampaignSetupError("Das Ende liegt vor dem Start. Bitte die Daten prüfen.")
    if request.wave is not None and not 1 <= request.wave <= 99:
        raise CampaignSetupError("Die Welle ist eine Zahl von 1 bis 99.")


@dataclass(frozen=True)
class CampaignCreated:
    campaign: CampaignInfo
    languages: list[LanguageState]

    @property
    def offered(self) -> list[LanguageState]:
        return [lang for lang in self.languages if lang.offered]

    @property
    def hidden(self) -> list[LanguageState]:
        return [lang for lang in self.languages if not lang.offered]

    def messages(self, max_texts: int = 10) -> list[str]:
        """German lines: the languages respondents get, and for each other language of
        the questionnaire why not, with the missing texts (at most ``max_texts`` each)."""
        lines = [
            f"Die Umfrage wird angeboten auf: {', '.join(lang.name for lang in self.offered)}."
        ]
        for lang in self.hidden:
            lines.append(f"Nicht angeboten: {lang.name} – {'; '.join(lang.reasons)}.")
            lines += [f"  fehlt: {m}" for m in lang.missing[:max_texts]]
            if len(lang.missing) > max_texts:
                lines.append(f"  … und {len(lang.missing) - max_texts} weitere")
        return lines


def create_campaign(
    storage: Storage,
    municipality_id: int,
    request: CampaignRequest,
    ui: UiText,
    bundle: QuestionnaireBundle | None = None,
) -> CampaignCreated:
    """Check and store the campaign (draft unless ``open_now``); raises
    :class:`CampaignSetupError`. ``bundle``: the version's content if already read."""
    check_request(request)
    known = {v.id for v in storage.questionnaire_versions(municipality_id)}
    if request.version_id not in known:
        raise CampaignSetupError(f"Fragebogen-Version {request.version_id} gibt es nicht.")
    bundle = bundle or storage.questionnaire_bundle(request.version_id)
    languages = language_states(bundle, ui)
    if not any(lang.offered for lang in languages):
        reasons = "; ".join(f"{lang.name}: {', '.join(lang.reasons)}" for lang in languages)
        raise CampaignSetupError(
            "Dieser Fragebogen ist in keiner Sprache vollständig und kann nicht angeboten "
            f"werden ({reasons}). Bitte zuerst die fehlenden Texte übersetzen (Seite "
            "Übersetzungen)."
        )
    wave = request.wave
    if wave is None:
        wave = max((c.wave for c in storage.campaigns(municipality_id)), default=0) + 1
    try:
        campaign = storage.create_campaign(
            municipality_id,
            request.slug,
            request.title.strip(),
            request.version_id,
            wave=wave,
            status="open" if request.open_now else "draft",
            targets=dict(request.targets),
            opens_on=request.opens_on.isoformat() if request.opens_on else None,
            closes_on=request.closes_on.isoformat() if request.closes_on else None,
            modes=list(request.modes),
        )
    except CampaignExists:
        raise CampaignSetupError(
            f"Den Kurznamen „{request.slug}“ gibt es schon. Bitte einen anderen wählen."
        ) from None
    return CampaignCreated(campaign, languages)
