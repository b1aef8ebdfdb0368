"""Freitext (guide/admin): free-text answers with suggested need areas, coding by the
guide, a blind second-coder mode, coder agreement and the coded areas as results.

Texts are shown only through ``st.dataframe``/``st.text`` (never as Markdown or HTML).
Every view of raw text is recorded in the audit log, once per session and selection.
Blind mode lists the answers someone else has coded and this user has not, without
anyone's codes, keyword suggestions, agreement or results, so the second judgement is
independent. Numbers: :func:`analysis.coding.coder_agreement`,
:func:`analysis.published.themes_view` (protected like every count).
"""

import streamlit as st

from analysis.coding import NO_AREA, coded_table, coder_agreement
from analysis.published import themes_view
from bedarfsradar import audit
from dashboard import auth, charts, data
from dashboard.labels import AUDIENCES, labels
from surveys.free_text.codes import save_code

user = auth.require("admin", "guide")
ctx = data.context()
L = labels()
AREA_NAMES = {**L.areas, NO_AREA: "kein Bedarfsfeld"}
QUESTIONS = {"helps_most": "Was am meisten helfen würde", "barriers_other": "Andere Hürde"}
st.title("Freitext")

texts = data.free_texts(data.data_version())
protected = data.protected_audiences()
texts = texts[~texts["audience"].isin(protected)]
if texts.empty:
    st.info("Noch keine Freitext-Antworten.")
    st.stop()

cols = st.columns(2)
audience = cols[0].selectbox(
    "Zielgruppe", ["", *AUDIENCES], key="audience", format_func=lambda a: AUDIENCES.get(a, "alle")
)
blind = cols[1].toggle(
    "Zweitcodierung (blind)",
    key="blind",
    help="Zeigt nur Antworten, die jemand anderes codiert hat und Sie noch nicht – "
    "ohne fremde Codes und ohne Vorschläge.",
)
if audience:
    texts = texts[texts["audience"] == audience]
all_codes = data.codes()
mine = all_codes[all_codes["coder"] == user.username].set_index("answer_id")
if blind:
    others = set(all_codes.loc[all_codes["coder"] != user.username, "answer_id"])
    texts = texts[texts["answer_id"].isin(others) & ~texts["answer_id"].isin(mine.index)]
if texts.empty:
    if saved := st.session_state.pop("free_text_saved", None):
        st.success(saved)
    st.info("Keine Antworten für diese Auswahl." if not blind else "Nichts zu zweitcodieren.")
    st.stop()

viewed = st.session_state.setdefault("free_text_viewed", set())
if (audience, blind) not in viewed:
    audit.record(ctx.db, user.municipality_id, user.username, "view.free_text",
                 rows=len(texts), audience=audience or "alle", blind=blind)  # fmt: skip
    viewed.add((audience, blind))

table = texts.assign(
    Zielgruppe=texts["audience"].map(AUDIENCES),
    Sprache=texts["language"].map(L.language),
    Frage=texts["question_id"].map(lambda q: QUESTIONS.get(q, q)),
    Vorschlag=texts["suggested"].map(lambda codes: ", ".join(AREA_NAMES[c] for c in codes)),
    Code=texts["answer_id"].map(
        lambda a: AREA_NAMES.get(mine.at[a, "area"] or NO_AREA) if a in mine.index else ""
    ),
    Thema=texts["answer_id"].map(lambda a: mine.at[a, "theme"] or "" if a in mine.index else ""),
).rename(columns={"answer_id": "Nr.", "text": "Text"})
shown = ["Nr.", "Zielgruppe", "Sprache", "Frage", "Text", "Vorschlag", "Code", "Thema"]
if blind:
    shown.remove("Vorschlag")
st.dataframe(table[shown], hide_index=True, key="texts")
st.caption(
    "„Code“ und „Thema“: Ihre eigene Codierung. Vorschläge stammen aus einer "
    "Stichwortliste je Sprache und ersetzen keine Entscheidung."
)
st.header("Codieren")
if saved := st.session_state.pop("free_text_saved", None):
    st.success(saved)
ids = texts["answer_id"].tolist()
open_ids = [a for a in ids if a not in mine.index]
if st.session_state.get("answer") not in ids:  # filter changed: start at the first open one
    st.session_state["answer"] = open_ids[0] if open_ids else ids[0]
answer_id = st.selectbox("Antwort Nr.", ids, key="answer")
row = texts.set_index("answer_id").loc[answer_id]
st.text(row["text"])
choices = list(AREA_NAMES)
mode = "-blind" if blind else ""  # own widget state: the open view must not leak its default
if answer_id in mine.index:
    default = mine.at[answer_id, "area"] or NO_AREA
elif not blind and row["suggested"]:
    default = row["suggested"][0]
else:
    default = NO_AREA
area_key, theme_key = f"area-{answer_id}{mode}", f"theme-{answer_id}{mode}"
st.selectbox(
    "Bedarfsfeld", choices, choices.index(default), format_func=AREA_NAMES.get, key=area_key
)
own_theme = mine.at[answer_id, "theme"] or "" if answer_id in mine.index else ""
st.text_input("Thema (optional)", own_theme, key=theme_key, max_chars=100)


def _save(answer_id: int, next_id: int | None) -> None:
    """Store the code, then move on to the next uncoded answer (runs before the rerun)."""
    area = st.session_state[area_key]
    save_code(ctx.db, user.municipality_id, int(answer_id), user.username,
              None if area == NO_AREA else area, st.session_state[theme_key],
              areas=list(L.areas))  # fmt: skip
    st.session_state["free_text_saved"] = f"Gespeichert: Nr. {answer_id} – {AREA_NAMES[area]}."
    if next_id is not None:
        st.session_state["answer"] = next_id


later = [a for a in open_ids if a > answer_id] or [a for a in open_ids if a != answer_id]
st.button(
    "Code speichern", key="save", on_click=_save, args=(answer_id, later[0] if later else None)
)

if blind:
    st.stop()
st.header("Übereinstimmung der Codierenden")
agreement = coder_agreement(all_codes)
if agreement.units == 0:
    st.info("Noch keine Antwort ist von zwei Personen codiert (Modus „Zweitcodierung“).")
else:
    m = st.columns(3)
    m[0].metric("Doppelt codierte Antworten", agreement.units)
    m[1].metric("Krippendorffs α (nominal)", f"{agreement.alpha:.2f}".replace(".", ","))
    m[2].metric("Übereinstimmung", f"{agreement.percent:.0%}".replace("%", " %"))
    st.caption("α ab 0,80 gilt als verlässlich, ab 0,67 als vorläufig brauchbar.")

st.header("Codierte Bedarfsfelder und Themen")
results = themes_view(all_codes, data.free_texts(data.data_version()), "audience")
if results.empty:
    st.info("Noch keine Codes.")
else:
    charts.show(
        None, coded_table(results, L.areas, AUDIENCES), "freitext-codes.csv", user, key="coded"
    )
    st.caption(
        "Je Antwort zählt der Code der Mehrheit (bei Gleichstand der zuerst "
        "gespeicherte). Anteile: an allen codierten Antworten der Gruppe."
    )

themes = data.protected_themes(data.data_version())
staff = "Verwaltung" + (" und der Ehrenamtlichen" if "volunteer" in protected else "")
st.header(f"Freitexte der {staff}")
st.write(
    "Diese Freitexte liest niemand einzeln, auch nicht zum Codieren. Gezeigt werden nur die "
    "Bedarfsfelder, die eine Stichwortliste in ihnen findet, und nur, wo mindestens 5 Texte "
    "dasselbe Feld nennen."
)
if themes.empty:
    st.info("Noch kein Bedarfsfeld mit mindestens 5 Nennungen.")
else:
    table = coded_table(themes, L.areas, AUDIENCES)
    charts.show(None, table, "freitext-geschuetzt.csv", user, key="protected")
