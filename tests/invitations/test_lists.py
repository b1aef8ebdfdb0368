"""The list of people: CSV (German Excel's semicolons and Windows-1252 too), XLSX and typed
lines; every problem in German with its row before anything is stored."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from surveys.invitations.lists import InvitationListError, parse_list
from surveys.invitations.store import InvitationStore
from tests.invitations.conftest import make_staff


def test_german_excel_csv_with_header_in_another_order():
    data = "Bereich;Name;E-Mail\nBürgerbüro;Jörg Weiß;joerg@stadt.example\nKita;Ute Groß;\n"
    parsed = parse_list(data.encode("cp1252"), "liste.csv")
    assert parsed.ok
    assert [(p.name, p.email, p.department) for p in parsed.people] == [
        ("Jörg Weiß", "joerg@stadt.example", "Bürgerbüro"),
        ("Ute Groß", None, "Kita"),
    ]


def test_xlsx_without_header_takes_name_email_department():
    book = Workbook()
    sheet = book.active
    sheet.append(["Anna Roth", "anna@stadt.example", "Soziales"])
    sheet.append(["Ben Sommer", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_list(buffer.getvalue(), "liste.xlsx")
    assert parsed.ok and [p.row for p in parsed.people] == [1, 2]
    assert parsed.people[1].email is None


def test_every_bad_row_is_named_and_nothing_is_accepted():
    text = (
        "Name,E-Mail,Bereich\n"
        "Anna Roth,anna@stadt.example,Soziales\n"
        "Ben,ben@stadt,\n"  # no dot in the domain
        ",carl@stadt.example,\n"
        "Anna Roth,ANNA@stadt.example,Soziales\n"
        "Dora Ernst,,Kita\n"
        "Dora Ernst,,Kita\n"
        "Eva\nFuchs,eva fuchs@stadt.example,\n"
    )
    parsed = parse_list(text.encode(), "liste.csv")
    assert not parsed.ok
    assert [str(p) for p in parsed.problems] == [
        "Zeile 3: „ben@stadt“ ist keine gültige E-Mail-Adresse.",
        "Zeile 4: Der Name fehlt.",
        "Zeile 5: Die E-Mail-Adresse ANNA@stadt.example steht schon in Zeile 2.",
        "Zeile 7: Dora Ernst steht ohne E-Mail-Adresse schon in Zeile 6.",
        "Zeile 9: „eva fuchs@stadt.example“ ist keine gültige E-Mail-Adresse.",
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"x" * 2_000_001, "liste.csv", "Die Datei ist zu groß (höchstens 2 MB)."),
        (b"PK\x03\x04kaputt", "liste.xlsx", "Die Excel-Datei lässt sich nicht lesen"),
        (b"%PDF-1.4", "liste.pdf", "Bitte eine CSV- oder Excel-Datei (.xlsx) hochladen."),
        (b"\n\n", "liste.csv", "Die Liste ist leer."),
    ],
)
def test_unreadable_files_are_refused_whole(data, name, message):
    parsed = parse_list(data, name)
    assert not parsed.people and message in str(parsed.problems[0])


def test_people_already_invited_are_duplicates_and_a_list_with_problems_stores_nothing(sqlite_ctx):
    staff = make_staff(sqlite_ctx)
    store = InvitationStore(sqlite_ctx.db, sqlite_ctx.settings.effective_secret_key)
    parsed = store.check_list(
        staff.campaign.id, "Neu Person; neu@stadt.example\nX; anna.becker@stadt.example"
    )
    assert [str(p) for p in parsed.problems] == [
        "Zeile 2: anna.becker@stadt.example ist zu dieser Befragung schon eingeladen."
    ]
    before = len(store.people(staff.campaign.id))
    with pytest.raises(InvitationListError):
        store.add(staff.campaign, [*parse_list("Neu Person; neu@stadt.example").people,
                                   *parse_list("Y; anna.becker@stadt.example").people])  # fmt: skip
    assert len(store.people(staff.campaign.id)) == before


def test_newcomers_are_never_invited_by_name(sqlite_ctx):
    mid = sqlite_ctx.municipality_id
    version = sqlite_ctx.storage.latest_version(mid, "newcomer")
    campaign = sqlite_ctx.storage.create_campaign(mid, "neu", "Neu", version)
    store = InvitationStore(sqlite_ctx.db, "s")
    with pytest.raises(InvitationListError, match="nur für die Befragungen der Ehrenamtlichen"):
        store.add(campaign, parse_list("Anna; anna@stadt.example").people)
