"""Appendix: method and participation, and every table with intervals and bases (the
main slides carry charts only). Tables here may be set smaller than on main slides."""

from __future__ import annotations

from analysis import published
from analysis.results import filter_results
from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import Slide, Table, Text
from reports.slides.common import Deck, cell, n_cell, share_cell, table_notes
from reports.slides.supply import barrier_text, offers_note

SECTION = "Anhang"
CI_HEAD = "In Klammern: 95-%-Konfidenzintervall. n = Zahl der Antworten (Basis)."


def _slide(title: str, blocks: list, footnotes: list[str], lead: str = "", **kw) -> Slide:  # type: ignore[type-arg]
    return Slide(
        title=f"Anhang: {title}",
        blocks=blocks,
        footnotes=footnotes,
        lead=lead,
        section=SECTION,
        **kw,
    )


def method(deck: Deck) -> Slide:
    """Participation against targets ("Zielerreichung"; a response rate only where the
    audience's size is known - for people invited by name finished ÷ invited) and the
    short method bullets."""
    rows = []
    pops = deck.res.population_sizes
    for c in deck.inp.campaigns:
        n = deck.n_by.get(c.audience, 0)
        small = fmt.missing(n) or 0 < n < an.MIN_CELL  # published count hidden below 5
        target = c.targets.get("total")
        has_target = isinstance(target, int | float) and target > 0
        reached = fmt.or_suppressed(fmt.share(n / target), small) if has_target else ""  # type: ignore[operator]
        population = pops.get(c.audience)
        rate = fmt.or_suppressed(fmt.share(n / population), small) if population else ""
        if c.invited:  # invited by name: finished ÷ invited, only from 5 and 5 on
            few = c.invited < an.MIN_CELL or (c.finished or 0) < an.MIN_CELL
            rate = fmt.or_suppressed(fmt.share((c.finished or 0) / c.invited), few)
        rows.append(
            [
                wording.audience_label(c.audience),
                fmt.or_suppressed(fmt.count(n), small),
                fmt.count(target) if has_target else fmt.NOT_AVAILABLE,
                reached or fmt.NOT_AVAILABLE,
                rate or fmt.NOT_AVAILABLE,
            ]
        )
    table = Table(
        ["Zielgruppe", "Antworten", "Zielzahl", "Zielerreichung", "Rücklaufquote"],
        rows,
        widths=[1.5, 1.0, 0.8, 1.4, 1.5],
        align="lrrrr",
        font_size=12,
    )
    fpc = (
        "; für "
        + ", ".join(
            f"{wording.audience_label(a)} (N{fmt.NBSP}={fmt.NBSP}{fmt.count(n)})"
            for a, n in pops.items()
        )
        + " mit Endlichkeitskorrektur"
        if pops
        else ""
    )
    weighted = deck.res.weighted
    bullets = [
        "Bedarf = Anteil, der ein Problem als mittel, groß oder sehr groß einstuft (3–5 auf "
        "der Skala 1–5); „weiß nicht“ zählt nicht mit. Für wen ein Bereich zählt, steht auf "
        "der nächsten Seite.",
        "95-%-Konfidenzintervalle: Wilson für Anteile, Newcombe für Differenzen, Bootstrap "
        f"für Mittelwerte{fpc}. Sie erfassen nur den Zufall, nicht die Selbstauswahl der "
        "Antwortenden.",
        "Gewichtet (Raking auf bekannte Randverteilungen)."
        if weighted
        else "Ungewichtet: Es liegen keine Randverteilungen der Zugewanderten vor. Die "
        "Ergebnisse beschreiben die Befragten, nicht alle Zugewanderten.",
        f"Datenschutz: Gruppen mit weniger als {an.MIN_CELL} Antworten werden nicht gezeigt "
        f"(„{fmt.SUPPRESSED}“).",
        "Freitexte sind noch nicht codiert und deshalb nicht Teil des Berichts.",
        "Überlappen sich Konfidenzintervalle, ist eine Rangfolge nicht sicher; Ränge stehen "
        "dann als Bereich da (z. B. „1–2“).",
    ]
    return _slide(
        "Beteiligung und Methode",
        [table, Text(bullets, font_size=14)],
        table_notes(rows),
        layout="even",
        notes=an.method_note.TARGETS + " Teilantworten werden nicht ausgewertet.",
    )


def method_notes(deck: Deck) -> list[Slide]:
    """What the numbers can and cannot say: bases, intervals, many comparisons, the rule
    for key findings, disclosure control (:mod:`analysis.method_note`, the same text as in
    the dashboard), on as many slides as the text needs at 14 pt."""
    bases = an.area_bases(deck.inp.taxonomy)
    paragraphs = an.method_note.method_paragraphs(
        bases, dict(deck.labels.areas), preliminary=deck.inp.preliminary
    )
    pages, page, length = [], [], 0
    for p in paragraphs:
        if page and length + len(p) > MAX_NOTE_CHARS:
            pages.append(page)
            page, length = [], 0
        page.append(p)
        length += len(p)
    pages.append(page)
    title = "Was die Zahlen sagen – und was nicht"
    return [
        _slide(
            f"{title} ({i} von {len(pages)})" if len(pages) > 1 else title,
            [Text(page, font_size=14)],
            [],
        )
        for i, page in enumerate(pages, 1)
    ]


MAX_NOTE_CHARS = 1300
"""About what a slide holds at 14 pt beside the footer."""


def needs_table(deck: Deck) -> Slide:
    order = an.area_order(deck.res)
    prev = an.by_level(an.totals(deck.res.needs, "need_prevalence"))
    sev = an.by_level(an.totals(deck.res.needs, "need_severe"))
    rows = [
        [
            deck.labels.area(a),
            share_cell(prev.get(a)),
            share_cell(sev.get(a)),
            n_cell(prev.get(a)),
            cell(prev.get(a), str(prev[a]["rank_label"]) if a in prev else ""),
        ]
        for a in order
    ]
    table = Table(
        ["Bereich", "Bedarf (KI)", "großes Problem (KI)", "n", "Rang"],
        rows,
        widths=[3.0, 1.8, 1.9, 0.7, 0.8],
        align="lrrrr",
        font_size=12,
    )
    return _slide("Bedarfe der Zugewanderten", [table], [CI_HEAD, *table_notes(rows)])


def perception_table(deck: Deck) -> Slide | None:
    p = deck.res.perception
    if p.empty:
        return None
    auds = [a for a in ("volunteer", "administration") if a in set(p["group"])]
    by = {(r["level"], r["group"]): r for _, r in p.iterrows()}
    rows = []
    for a in an.area_order(deck.res):
        row = [deck.labels.area(a)]
        for g in auds:
            r = by.get((a, g))
            row.append(
                cell(r, fmt.points_with_ci(r["estimate"], r["ci_low"], r["ci_high"]))
                if r is not None
                else ""
            )
        rows.append(row)
    table = Table(
        ["Bereich"] + [wording.audience_label(g) for g in auds],
        rows,
        widths=[2.8] + [2.4] * len(auds),
        align="l" + "r" * len(auds),
        font_size=12,
    )
    return _slide(
        "Wahrnehmung aller Bereiche",
        [table],
        [
            "Einschätzung minus Selbstauskunft der Zugewanderten in Prozentpunkten (Pp); "
            "in Klammern: 95-%-Konfidenzintervall (Newcombe).",
            *table_notes(rows),
        ],
    )


def supply_tables(deck: Deck) -> list[Slide]:
    out = []
    unc = an.uncovered(deck.res)
    if len(unc):
        rows = [
            [
                deck.labels.stadtteil(r["stadtteil"]),
                deck.labels.area(r["level"]),
                share_cell(r),
                n_cell(r),
                barrier_text(r["top_barriers"], deck),
            ]
            for _, r in unc.iterrows()
        ]
        out.append(
            _slide(
                "Bedarf ohne erreichbares Angebot",
                [
                    Table(
                        ["Stadtteil", "Bereich", "Bedarf (KI)", "n", "häufigste Hürden"],
                        rows,
                        widths=[1.4, 2.2, 1.7, 0.6, 3.0],
                        align="llrrl",
                        font_size=12,
                    )
                ],
                [CI_HEAD, *offers_note(deck)],
            )
        )
    sup = deck.res.supply
    st_codes = [s for s in deck.labels.stadtteile if s in set(sup["stadtteil"])]
    rows = []
    for area in an.area_order(deck.res):
        row = [deck.labels.area(area)]
        for s in st_codes:
            hit = sup[(sup["level"] == area) & (sup["stadtteil"] == s)]
            if hit.empty:
                row.append("")
                continue
            r = hit.iloc[0]
            row.append(cell(r, f"{fmt.share(r['estimate'])} [{int(r['n_offers_accessible'])}]"))
        rows.append(row)
    table = Table(
        ["Bereich"] + [deck.labels.stadtteil(s) for s in st_codes],
        rows,
        widths=[2.6] + [1.4] * len(st_codes),
        align="l" + "r" * len(st_codes),
        font_size=12,
    )
    out.append(
        _slide(
            "Bedarf und erreichbare Angebote je Stadtteil",
            [table],
            [
                "Anteil mit Bedarf, in eckigen Klammern die Zahl erreichbarer Angebote; "
                "[0] = kein erreichbares Angebot.",
                *table_notes(rows),
            ],
        )
    )
    return out


def admin_table(deck: Deck) -> Slide | None:
    grid = an.ip_grid(deck.res)
    if grid is None:
        return None
    rows = [
        [
            deck.labels.services.get(r["service"], r["service"]),
            fmt.scale_with_ci(r["importance"], r["importance_low"], r["importance_high"]),
            fmt.scale_with_ci(r["performance"], r["performance_low"], r["performance_high"]),
            wording.quadrant(str(r["classification"])),
        ]
        for _, r in grid.iterrows()
    ]
    # no exact n beside the staff's means: it would give one colleague's answer back when
    # two decks differ by one response (surveys.privacy.protected)
    table = Table(
        ["Leistung", "Wichtigkeit", "Umsetzung", "Einordnung"],
        rows,
        widths=[2.7, 1.7, 1.7, 2.6],
        align="lrrl",
        font_size=12,
    )
    return _slide(
        "Verwaltungsleistungen",
        [table],
        [
            "Mittelwerte auf der Skala 1–5, in Klammern: 95-%-Bootstrap-Intervall.",
            wording.QUADRANT_NOTE,
        ],
    )


def volunteers_table(deck: Deck) -> Slide | None:
    vol = deck.res.volunteers
    if vol.empty:
        return None
    need = an.largest_first(an.totals(vol, "vol_need_share"))
    rows = [
        [deck.labels.volunteer_needs.get(r["level"], r["level"]), share_cell(r), n_cell(r)]
        for _, r in need.iterrows()
    ]
    for _, r in an.totals(vol, "vol_continue_12m").head(1).iterrows():
        rows.append(["Engagement auch in zwölf Monaten", share_cell(r), n_cell(r)])
    for _, r in an.totals(vol, "vol_hours_month").head(1).iterrows():
        rows.append(
            [
                "Stunden pro Monat (Median)",
                cell(r, fmt.scale_with_ci(r["estimate"], r["ci_low"], r["ci_high"], 0)),
                n_cell(r),
            ]
        )
    table = Table(
        ["Ehrenamt", "Anteil (KI)", "n"], rows, widths=[3.6, 2.0, 0.7], align="lrr", font_size=12
    )
    return _slide("Ehrenamt", [table], [CI_HEAD, *table_notes(rows)])


def change_table(deck: Deck) -> Slide | None:
    if deck.inp.compare_wave is None:
        return None
    ch = an.by_level(deck.res.change)
    rows = []
    for a in an.area_order(deck.res):
        r = ch.get(a)
        if r is None:
            continue
        verdict = ""
        if not r["suppressed"]:
            direction = "gestiegen" if r["estimate"] > 0 else "gesunken"
            verdict = {
                "deutlich": f"deutlich {direction}",
                "Hinweis": f"Hinweis: {direction}?",
            }.get(str(r.get("evidence", "")), "keine deutliche Änderung")
        rows.append(
            [
                deck.labels.area(a),
                cell(r, fmt.points_with_ci(r["estimate"], r["ci_low"], r["ci_high"])),
                cell(r, verdict),
            ]
        )
    table = Table(
        ["Bereich", "Veränderung (KI)", "Einordnung"],
        rows,
        widths=[2.8, 2.6, 1.6],
        align="lrl",
        font_size=12,
    )
    return _slide(
        f"Veränderung seit Welle {deck.inp.compare_wave}",
        [table],
        [
            "Veränderung in Prozentpunkten (Pp) mit 95-%-Konfidenzintervall (Newcombe). "
            "„deutlich“: mehr als 5 Pp nach Korrektur für viele Vergleiche "
            "(Benjamini-Hochberg); „Hinweis“: nur ohne Korrektur auffällig.",
            *table_notes(rows),
        ],
    )


def breakdowns(deck: Deck) -> list[Slide]:
    out = []
    for gv, labels, title in (
        ("stadtteil", deck.labels.stadtteile, "Bedarf nach Stadtteil"),
        ("german_level", deck.labels.german_level, "Bedarf nach Deutschkenntnissen"),
    ):
        prev = filter_results(deck.res.needs, indicator="need_prevalence", group_var=gv)
        groups = [g for g in labels if g in set(prev["group"])]
        if "keine Angabe" in set(prev["group"]):
            groups.append("keine Angabe")
        by = {(r["level"], r["group"]): r for _, r in prev.iterrows()}
        rows = [
            [deck.labels.area(a)]
            + [
                cell(by[(a, g)], fmt.share(by[(a, g)]["estimate"])) if (a, g) in by else ""
                for g in groups
            ]
            for a in an.area_order(deck.res)
        ]
        n_row = ["n (Befragte mit Angabe)"]
        for g in groups:
            sub = prev[prev["group"] == g]
            n_row.append(
                fmt.SUPPRESSED
                if sub["suppressed"].all()
                else fmt.count(sub.loc[~sub["suppressed"], "n"].max())
            )
        rows.append(n_row)
        table = Table(
            ["Bereich", *[labels.get(g, g) for g in groups]],
            rows,
            widths=[2.6] + [1.3] * len(groups),
            align="l" + "r" * len(groups),
            font_size=11,
        )
        out.append(
            _slide(
                title,
                [table],
                [
                    "Anteil mit Bedarf (mittleres bis sehr großes Problem). "
                    "Konfidenzintervalle je Zelle im Dashboard; n: größte Basis.",
                    *table_notes(rows),
                ],
            )
        )
    return out


def responses(deck: Deck) -> Slide:
    """Published respondents by questionnaire language and by way of answering."""
    rows = []
    modes = {"online": "online", "assisted": "mit Unterstützung", "paper": "Papier",
             "offline": "Interview (offline)"}  # fmt: skip
    cols = [wording.audience_label(a) for a in published.AUDIENCES] + ["Gesamt"]
    for by, prefix, label_of in (
        ("language", "Sprache", deck.labels.languages),
        ("mode", "Weg", modes),
    ):
        table = deck.res.response_tables[by]
        for _, r in table[table[by] != "Gesamt"].iterrows():
            code = str(r[by])
            vals = []
            for c in cols:
                v = r.get(c, 0)
                vals.append(fmt.SUPPRESSED if isinstance(v, str) else fmt.count(v))
            rows.append([f"{prefix}: {label_of.get(code, code)}", *vals])
    return _slide(
        "Antworten nach Sprache und Weg",
        [Table(["", *cols], rows, widths=[3.0, 1.5, 1.5, 1.5, 1.2], align="lrrrr", font_size=11)],
        table_notes(rows),
    )
