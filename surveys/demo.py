"""Deterministic synthetic demo data: two waves, three audiences, planted structure.

Every response goes through the real path (``clean_answers`` → ``Storage``), so demo data
obeys skip logic and validation like real answers. The planted facts — which the
analysis must find and ``tests/test_demo.py`` checks in the raw data — are listed in
``surveys/demo_facts.md`` beside this file:

1. Housing and language are the most severe newcomer needs.
2. Administration underestimates housing and belonging compared with newcomers.
3. Mobility is a need in Hallgarten that no offer in or for Hallgarten covers.
4. Volunteers most often ask for supervision and coordination.
5. Childcare need falls between wave 1 and wave 2: the Kita-Brückenangebot started in
   2026-07, between the waves.

Realistic noise: "weiß nicht" and "betrifft mich nicht" answers, skipped items, optional
questions left out, sensitive questions only after consent, free texts in seven
languages, assisted and paper interviews.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses.answers import clean_answers, to_rows
from surveys.responses.storage import RECORD_KEY_RANGE, CampaignInfo, Storage

SEED = 20260301
STADTTEILE = ["oestrich", "mittelheim", "winkel", "hallgarten"]
STADTTEIL_P = [0.36, 0.20, 0.30, 0.14]

# Mean latent severity (1–5) of newcomers per need area, before modifiers.
NEWCOMER_SEVERITY = {
    "housing": 3.95,
    "language": 3.75,
    "work": 3.2,
    "authorities": 3.05,
    "childcare": 3.2,
    "belonging": 2.95,
    "information": 2.7,
    "money": 2.6,
    "health": 2.6,
    "mobility": 2.3,
    "education": 2.4,
    "family": 2.1,
    "leisure": 2.0,
}
# What volunteers and administration believe (same scale, "for the newcomers you know").
VOLUNTEER_SEVERITY = {**NEWCOMER_SEVERITY, "language": 4.0, "belonging": 2.8, "housing": 3.7}
ADMIN_SEVERITY = {
    **NEWCOMER_SEVERITY,
    "housing": 2.5,
    "belonging": 1.8,
    "authorities": 3.2,
    "language": 3.6,
    "opening": 3.0,
}

ORIGINS = {  # origin region: (probability, languages answered in with weights)
    "middle_east": (0.32, {"ar": 0.8, "de": 0.15, "en": 0.05}),
    "afghanistan_iran": (0.18, {"fa": 0.85, "de": 0.1, "en": 0.05}),
    "ukraine_eastern_europe": (0.24, {"uk": 0.65, "ru": 0.3, "de": 0.05}),
    "turkey": (0.10, {"tr": 0.8, "de": 0.2}),
    "africa": (0.07, {"en": 0.6, "de": 0.4}),
    "asia_other": (0.05, {"en": 0.7, "de": 0.3}),
    "other": (0.04, {"de": 0.5, "en": 0.3, "de-x-ls": 0.2}),
}

FREE_TEXTS = {
    "de": [
        "Eine größere Wohnung für meine Familie.",
        "Ein Deutschkurs am Abend, weil ich tagsüber arbeite.",
        "Ein Bus am Abend von Hallgarten nach Oestrich.",
        "Jemand, der mir die Briefe vom Amt erklärt.",
        "Ein Kita-Platz für meine Tochter.",
        "Kontakt mit Nachbarn, ich bin oft allein.",
    ],
    "de-x-ls": ["Hilfe bei Briefen.", "Eine Wohnung.", "Deutsch lernen mit Kinder-Betreuung."],
    "ar": [
        "أحتاج إلى شقة أكبر لعائلتي.",
        "دورة لغة ألمانية في المساء.",
        "مساعدة في فهم الرسائل من الدوائر الرسمية.",
        "مكان في الروضة لابني.",
    ],
    "fa": [
        "یک آپارتمان مناسب برای خانواده‌ام.",
        "کلاس زبان آلمانی با مهدکودک.",
        "کسی که در اداره برایم ترجمه کند.",
        "اتوبوس بیشتر از هالگارتن.",
    ],
    "uk": [
        "Допомога з пошуком житла.",
        "Визнання мого диплома медсестри.",
        "Курси німецької мови ввечері.",
        "Більше автобусів з Гальгартена.",
    ],
    "ru": [
        "Помощь с поиском квартиры.",
        "Работа по специальности.",
        "Курсы немецкого для продолжающих (B2).",
    ],
    "tr": ["Daha büyük bir ev.", "Akşam Almanca kursu.", "Resmi mektupları anlamak için yardım."],
    "en": [
        "Help finding an apartment.",
        "Recognition of my engineering degree.",
        "Evening German classes after work.",
        "Someone to go with me to the doctor.",
    ],
}


@dataclass(frozen=True)
class DemoCampaigns:
    newcomer: tuple[CampaignInfo, CampaignInfo]
    volunteer: tuple[CampaignInfo, CampaignInfo]
    administration: tuple[CampaignInfo, CampaignInfo]


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return str(rng.choice(keys, p=p / p.sum()))


def _severity(rng: np.random.Generator, mean: float, person: float, noise: float = 0.85) -> str:
    value = int(np.clip(np.rint(mean + person + rng.normal(0, noise)), 1, 5))
    return str(value)


def _maybe(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def _month(rng: np.random.Generator, wave: int) -> str:
    return str(
        rng.choice(
            ["2026-03", "2026-04", "2026-05"] if wave == 1 else ["2026-09", "2026-10", "2026-11"]
        )
    )


def newcomer_answers(rng: np.random.Generator, wave: int) -> tuple[dict[str, Any], str, bool]:
    """One newcomer's answers, the language they answered in and their sensitive consent."""
    origin = _pick(rng, {k: v[0] for k, v in ORIGINS.items()})
    language = _pick(rng, ORIGINS[origin][1])
    stadtteil = str(rng.choice(STADTTEILE, p=STADTTEIL_P))
    children = _maybe(rng, 0.55)
    years = _pick(rng, {"lt1": 0.2, "y1_3": 0.4, "y3_6": 0.25, "gt6": 0.15})
    german = _pick(
        rng,
        {"none": 0.15, "a1_a2": 0.45, "b1_b2": 0.32, "c1p": 0.08}
        if years in ("lt1", "y1_3")
        else {"none": 0.04, "a1_a2": 0.3, "b1_b2": 0.5, "c1p": 0.16},
    )
    a: dict[str, Any] = {"stadtteil": stadtteil, "children": "yes" if children else "no"}
    if _maybe(rng, 0.05):
        a.pop("stadtteil")
    if children:
        ages = [
            c
            for c, p in (("under3", 0.35), ("age3_6", 0.45), ("age6_10", 0.4), ("age11_17", 0.3))
            if _maybe(rng, p)
        ]
        a["children_ages"] = ages or ["age3_6"]

    person = rng.normal(0, 0.45)
    for area, mean in NEWCOMER_SEVERITY.items():
        m = mean
        if area == "language":
            m += {"none": 0.6, "a1_a2": 0.3, "b1_b2": -0.3, "c1p": -1.5}[german]
        if area == "authorities" and years == "lt1":
            m += 0.4
        if area == "mobility" and stadtteil == "hallgarten":
            m += 1.6
        if area == "childcare":
            if not children:
                a[f"need.{area}"] = "na" if _maybe(rng, 0.8) else "1"
                continue
            if wave == 2:
                m -= 1.0
        if area in ("education", "family") and not children and _maybe(rng, 0.5):
            a[f"need.{area}"] = "na"
            continue
        r = rng.random()
        if r < 0.04:
            a[f"need.{area}"] = "dk"
        elif r < 0.07:
            continue  # item skipped
        else:
            a[f"need.{area}"] = _severity(rng, m, person)

    rated = {k.split(".")[1]: int(v) for k, v in a.items() if k.startswith("need.") and v.isdigit()}
    if rated and _maybe(rng, 0.9):
        order = sorted(rated, key=lambda k: -rated[k] - rng.random() * 0.9)
        a["top3"] = order[: int(rng.choice([1, 2, 3, 3, 3]))]

    for area, sev in rated.items():
        if sev >= 3 and _maybe(rng, 0.9):
            p_unknown = 0.75 if (area == "mobility" and stadtteil == "hallgarten") else 0.4
            if area == "childcare" and wave == 2:
                p_unknown = 0.2
            a[f"offer.{area}"] = _pick(
                rng,
                {"unknown": p_unknown, "known": 0.25, "used_helped": 0.25, "used_not_helped": 0.1},
            )
    barriers = {
        "not_known": 0.45,
        "language": 0.4 if german in ("none", "a1_a2") else 0.15,
        "time": 0.2,
        "cost": 0.15,
        "distance": 0.55 if stadtteil == "hallgarten" else 0.15,
        "childcare": 0.3 if children else 0.02,
        "papers": 0.1,
        "fear": 0.05,
        "other": 0.03,
    }
    chosen = [b for b, p in barriers.items() if _maybe(rng, p)]
    if chosen:
        a["barriers"] = chosen
        if "other" in chosen:
            a["barriers_other"] = "Öffnungszeiten passen nicht zur Schicht"
    if children:
        ages = a.get("children_ages", [])
        if "under3" in ages or "age3_6" in ages:
            a["childcare_status"] = _pick(
                rng,
                {
                    "has_place": 0.4 if wave == 1 else 0.6,
                    "waiting": 0.35 if wave == 1 else 0.2,
                    "dont_know_how": 0.15,
                    "not_wanted": 0.1,
                },
            )
        if "age6_10" in ages or "age11_17" in ages:
            a["school_help"] = _pick(rng, {"yes": 0.35, "partly": 0.4, "no": 0.25})
    for row, mean in (
        ("understood", 3.1),
        ("letters", 2.3),
        ("appointment", 2.9),
        ("respect", 3.9),
        ("referral", 2.8),
    ):
        if _maybe(rng, 0.9):
            a[f"admin_exp.{row}"] = "dk" if _maybe(rng, 0.05) else _severity(rng, mean, 0)
    for qid, value in (
        ("origin_region", origin),
        ("years_de", years),
        ("german_level", german),
        (
            "age_band",
            _pick(rng, {"age18_29": 0.3, "age30_44": 0.42, "age45_64": 0.23, "age65p": 0.05}),
        ),
        ("gender", _pick(rng, {"female": 0.47, "male": 0.51, "diverse": 0.02})),
    ):
        if _maybe(rng, 0.93):
            a[qid] = value
    consent = _maybe(rng, 0.6)
    if consent:
        a["residence_status"] = (
            "temporary_protection"
            if origin == "ukraine_eastern_europe" and _maybe(rng, 0.8)
            else _pick(
                rng,
                {
                    "asylum_pending": 0.2,
                    "protection": 0.35,
                    "work_study": 0.15,
                    "family": 0.15,
                    "settled": 0.1,
                    "other": 0.05,
                },
            )
        )
        a["health_insurance"] = _pick(rng, {"yes": 0.85, "no": 0.05, "unsure": 0.1})
    a["volunteer_interest"] = _pick(rng, {"yes": 0.25, "maybe": 0.4, "no": 0.35})
    if _maybe(rng, 0.35):
        a["helps_most"] = str(rng.choice(FREE_TEXTS.get(language, FREE_TEXTS["de"])))
    return a, language, consent


def _belief_mean(area: str, mean: float, wave: int) -> float:
    """What volunteers and staff believe about the newcomers they know. They saw the
    Kita-Brückenangebot start between the waves too, so their childcare belief falls with
    the newcomers' own need (fact 5): no perception gap is planted for childcare."""
    return mean - 1.0 if area == "childcare" and wave == 2 else mean


def volunteer_answers(rng: np.random.Generator, wave: int) -> dict[str, Any]:
    a: dict[str, Any] = {}
    fields = [
        f
        for f, p in (
            ("language_cafe", 0.45),
            ("sponsorship", 0.35),
            ("homework", 0.2),
            ("accompaniment", 0.4),
            ("club", 0.15),
            ("church", 0.25),
            ("translation", 0.1),
        )
        if _maybe(rng, p)
    ]
    a["vol_field"] = fields or ["other"]
    a["stadtteil"] = str(rng.choice([*STADTTEILE, "outside"], p=[0.33, 0.2, 0.3, 0.12, 0.05]))
    a["hours_month"] = str(int(np.clip(rng.lognormal(np.log(12), 0.6), 1, 120)))
    a["years_active"] = _pick(rng, {"lt1": 0.2, "y1_3": 0.35, "gt3": 0.45})
    a["recruited"] = _pick(
        rng,
        {
            "friends": 0.3,
            "church": 0.2,
            "club": 0.1,
            "town": 0.15,
            "press": 0.1,
            "social_media": 0.05,
            "own": 0.1,
        },
    )
    person = rng.normal(0, 0.35)
    for area, mean in VOLUNTEER_SEVERITY.items():
        m = _belief_mean(area, mean, wave)
        a[f"need.{area}"] = "dk" if _maybe(rng, 0.08) else _severity(rng, m, person, 0.7)
    wants = {
        "supervision": 0.58,
        "coordination": 0.52,
        "training": 0.33,
        "information": 0.3,
        "expenses": 0.22,
        "networking": 0.22,
        "recognition": 0.18,
        "insurance": 0.08,
    }
    chosen = [w for w, p in wants.items() if _maybe(rng, p)][:3]
    if chosen:
        a["vol_needs"] = chosen
    a["continue_12m"] = _pick(
        rng, {"5": 0.4, "4": 0.3, "3": 0.15, "2": 0.07, "1": 0.03, "dk": 0.05}
    )
    a["age_band"] = _pick(rng, {"age18_29": 0.1, "age30_44": 0.2, "age45_64": 0.35, "age65p": 0.35})
    if _maybe(rng, 0.4):
        a["helps_most"] = str(
            rng.choice(
                [
                    "Eine feste Ansprechperson bei der Stadt, die koordiniert.",
                    "Supervision – manche Geschichten nehme ich mit nach Hause.",
                    "Eine aktuelle Liste, wer wofür zuständig ist.",
                    "Mehr Wohnungen – da können wir als Ehrenamtliche wenig tun.",
                    "Fahrdienst für Termine in Wiesbaden.",
                ]
            )
        )
    return a


def administration_answers(rng: np.random.Generator, wave: int) -> dict[str, Any]:
    a: dict[str, Any] = {
        "department": _pick(
            rng,
            {
                "buergerbuero": 0.3,
                "ordnungsamt": 0.2,
                "soziales": 0.2,
                "kita_schule": 0.15,
                "bauen_wohnen": 0.05,
                "kreis": 0.05,
                "other": 0.05,
            },
        ),
        "contact_freq": _pick(rng, {"daily": 0.3, "weekly": 0.4, "monthly": 0.2, "rarely": 0.1}),
    }
    person = rng.normal(0, 0.3)
    for area, mean in ADMIN_SEVERITY.items():
        m = _belief_mean(area, mean, wave)
        a[f"need.{area}"] = "dk" if _maybe(rng, 0.1) else _severity(rng, m, person, 0.7)
    grid = {
        "interpreting": (4.5, 2.2),
        "translated_forms": (4.2, 2.0),
        "plain_letters": (3.9, 2.4),
        "intercultural_training": (3.3, 2.8),
        "referral_routes": (4.1, 3.7),
        "time_per_case": (4.4, 2.3),
        "appointments": (3.4, 3.9),
        "digital_services": (2.9, 2.5),
    }
    for svc, (imp, perf) in grid.items():
        a[f"ip_importance.{svc}"] = "dk" if _maybe(rng, 0.04) else _severity(rng, imp, 0, 0.6)
        a[f"ip_performance.{svc}"] = "dk" if _maybe(rng, 0.08) else _severity(rng, perf, 0, 0.6)
    needs = [
        n
        for n, p in (
            ("interpreter_pool", 0.6),
            ("translated_forms", 0.45),
            ("referral_list", 0.35),
            ("more_time", 0.4),
            ("training", 0.25),
            ("contact_person", 0.3),
            ("plain_language", 0.2),
        )
        if _maybe(rng, p)
    ]
    if needs:
        a["admin_needs"] = needs[:3]
    return a


# Responses per audience and wave (newcomer ≈ 420, volunteer ≈ 60, administration ≈ 25).
SIZES = {"newcomer": (232, 188), "volunteer": (32, 28), "administration": (13, 12)}
TARGETS = {
    "newcomer": {"total": 600},
    "volunteer": {"total": 90},
    "administration": {"total": 30, "population": 30},
}
TITLES = {"newcomer": "Zugewanderte", "volunteer": "Ehrenamtliche", "administration": "Verwaltung"}
SLUGS = {"newcomer": "zugewanderte", "volunteer": "ehrenamt", "administration": "verwaltung"}
WAVE_TITLES = {1: "Welle 1 – Frühjahr 2026", 2: "Welle 2 – Herbst 2026"}


def _stadtteil_map(codes: Sequence[str]) -> list[str]:
    """Oestrich-Winkel's four Stadtteile as another town's codes (the last stays last)."""
    if not codes:
        return list(STADTTEILE)
    return [codes[0], codes[1 % len(codes)], codes[2 % len(codes)], codes[-1]]


def generate(
    storage: Storage,
    municipality_id: int,
    bundles: dict[str, QuestionnaireBundle],
    version_ids: dict[str, int],
    seed: int = SEED,
    scale: float = 1.0,
    stadtteile: Sequence[str] = (),
) -> dict[str, int]:
    """Create the six demo campaigns and fill them; returns responses stored per audience.

    Wave 1 campaigns are closed after filling, wave 2 stays open. ``scale`` multiplies the
    number of responses (benchmarks). ``stadtteile``: another town's Stadtteil codes
    (default: Oestrich-Winkel's); the last one plays Hallgarten's part (planted fact 3)."""
    towns = dict(zip(STADTTEILE, _stadtteil_map(stadtteile), strict=True))
    rng = np.random.default_rng(seed)
    # record keys from their own generator: reproducible published tables, and the answers
    # stay the same draws as before keys existed
    key_rng = np.random.default_rng([seed, 31])
    stored: dict[str, int] = {}
    for audience, (n1, n2) in SIZES.items():
        q = bundles[audience].questionnaire
        stored[audience] = 0
        for wave, n in ((1, n1), (2, n2)):
            campaign = storage.create_campaign(
                municipality_id,
                slug=f"{SLUGS[audience]}-w{wave}",
                title=f"{WAVE_TITLES[wave]} ({TITLES[audience]})",
                questionnaire_version_id=version_ids[audience],
                wave=wave,
                targets=TARGETS[audience],
                opens_on="2026-03-01" if wave == 1 else "2026-09-01",
                closes_on="2026-05-31" if wave == 1 else "2026-12-15",
            )
            for _ in range(round(n * scale)):
                language, consent, mode = "de", None, "online"
                if audience == "newcomer":
                    answers, language, consent = newcomer_answers(rng, wave)
                    mode = _pick(rng, {"online": 0.75, "assisted": 0.15, "paper": 0.10})
                elif audience == "volunteer":
                    answers = volunteer_answers(rng, wave)
                else:
                    answers = administration_answers(rng, wave)
                if answers.get("stadtteil") in towns:
                    answers["stadtteil"] = towns[answers["stadtteil"]]
                cleaned, errors = clean_answers(q, answers, sensitive_consent=consent)
                if errors:  # the generator must only produce valid answers
                    raise AssertionError(f"demo answers invalid: {errors}")
                client_uuid = str(
                    uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | stored[audience])
                )
                storage.complete_response(
                    campaign,
                    client_uuid,
                    to_rows(q, cleaned),
                    language,
                    mode,
                    sensitive_consent=consent,
                    month=_month(rng, wave),
                    record_key=int(key_rng.integers(0, RECORD_KEY_RANGE)),
                )
                stored[audience] += 1
            if wave == 1:
                storage.set_campaign_status(campaign.slug, "closed")
    return stored


# -- the staff campaign's invitations (surveys.invitations) ----------------------------------
STAFF_DEPARTMENTS = {  # department on the guide's list: people
    "Bürgerbüro": 12,
    "Ordnungsamt": 8,
    "Soziales": 8,
    "Kita- und Schulverwaltung": 6,
    "Bauen und Wohnen": 3,
    "Kreisverwaltung": 3,
}
FIRST_NAMES = ["Anna", "Bernd", "Carla", "Deniz", "Elena", "Frank", "Gül", "Hannes", "Ines",
               "Jonas", "Katrin", "Lukas", "Maria", "Nils", "Olga", "Paul", "Rana", "Stefan",
               "Tanja", "Uwe"]  # fmt: skip
LAST_NAMES = ["Becker", "Schmitt", "Weber", "Yılmaz", "Wagner", "Klein", "Hoffmann", "Schulz",
              "Koch", "Bauer", "Richter", "Wolf", "Neumann", "Schröder", "Zimmermann",
              "Braun", "Krüger", "Hartmann", "Lange", "Kaya"]  # fmt: skip
STAFF_INVITED_ON = "2026-09-01"
STAFF_REMINDED_ON = "2026-09-15"


class _DemoMailServer:
    """Accepts every demo message and sends none anywhere; refuses ``bounce`` (550)."""

    def __init__(self, bounce: str):
        self.bounce = bounce

    def __enter__(self) -> _DemoMailServer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, message: Any, to_address: str) -> Any:
        from surveys.invitations.mail import Outcome

        if to_address == self.bounce:
            return Outcome("bounced", "550 5.1.1 Postfach unbekannt")
        return Outcome("sent")


def invite_staff(
    storage: Storage,
    secret: str,
    slug: str,
    finished: int,
    seed: int = SEED,
    domain: str = "oestrich-winkel.example",
) -> dict[str, int]:
    """The demo's staff campaign of invited people: 40 on the list (4 without e-mail, one
    address bounces and gets a letter), invited on 2026-09-01, reminded on 2026-09-15 -
    exactly those not finished by then - and ``finished`` of them finished (the campaign's
    responses; the demo marks them finished without any link to a response, as the
    survey does). Returns the counts."""
    from datetime import date

    from surveys.invitations.lists import Person
    from surveys.invitations.mail import SmtpConfig
    from surveys.invitations.sending import Mailings
    from surveys.invitations.store import InvitationStore

    rng = np.random.default_rng([seed, 40])
    campaign = storage.campaign(slug)
    store = InvitationStore(storage.db, secret)
    every = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    names = [every[int(i)] for i in rng.choice(len(every), size=40, replace=False)]
    departments = [d for d, n in STAFF_DEPARTMENTS.items() for _ in range(n)]
    people = []
    for i, (name, department) in enumerate(zip(names, departments, strict=True)):
        address = name.lower().replace(" ", ".").replace("ı", "i").replace("ü", "ue")
        address = address.replace("ö", "oe").replace("ä", "ae")
        email = None if i % 10 == 9 else f"{address}@{domain}"
        people.append(Person(name, email, department, i + 2))
    store.add(campaign, people)
    bounce = next(p.email for p in people if p.email)
    mailings = Mailings(storage.db, store, SmtpConfig(host="demo", sender="demo@example"), "")
    invited = date.fromisoformat(STAFF_INVITED_ON)
    mailings.run(mailings.plan(campaign, "invitation", "demo", today=invited).id,
                 transport=lambda: _DemoMailServer(bounce))  # fmt: skip
    mailings.letters(campaign, "demo", today=invited)
    reached = store.people(campaign.id)
    order = [int(i) for i in rng.permutation(reached["id"].to_numpy())[:finished]]
    early, late = order[: finished * 7 // 12], order[finished * 7 // 12 :]

    def finish(ids: list[int]) -> None:
        tokens = {int(i): store.hash_of(store.token(campaign.id, int(i))) for i in ids}
        for digest in tokens.values():
            with storage.db.write_cursor() as cur:
                store.finisher(campaign.id, digest)(cur)

    finish(early)
    reminder = mailings.plan(
        campaign, "reminder", "demo", today=date.fromisoformat(STAFF_REMINDED_ON)
    )
    mailings.run(reminder.id, transport=lambda: _DemoMailServer(bounce))
    finish(late)
    counts = store.counts(campaign.id)
    return {"invited": counts.invited, "finished": counts.finished, "reminded": reminder.planned}
