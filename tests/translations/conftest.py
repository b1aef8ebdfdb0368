"""Fixtures: the shipped newcomer questionnaire, interface strings and a data folder copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bedarfsradar import PROJECT_ROOT
from surveys.questionnaire.loader import load_bundle, load_taxonomy
from surveys.translations.status import load_ui_string_sets
from surveys.translations.ui_text import load_ui_text
from surveys.translations.workbook import write_workbook
from surveys.translations.workbook_import import plan_import, read_workbook

DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="session")
def shipped():
    """(bundle, ui_text, ui_sets) of the shipped newcomer questionnaire."""
    qdir = DATA / "questionnaires"
    bundle = load_bundle(qdir / "newcomer.yaml", qdir / "translations", load_taxonomy(
        DATA / "taxonomy.yaml"))  # fmt: skip
    return bundle, load_ui_text(DATA / "ui"), load_ui_string_sets(DATA / "ui")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ (without the database)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.db", "*.db-*", ".secret_key"))
    return target


class Workbook:
    """An exported workbook that a test edits like an interpreter would."""

    def __init__(self, path: Path, shipped, languages):
        self.path = path
        self.bundle, self.ui, self.ui_sets = shipped
        write_workbook(path, self.bundle, self.ui.strings["de"], self.ui_sets, languages)
        self.wb = load_workbook(path)

    def row_of(self, sheet: str, key: str) -> int:
        for row in self.wb[sheet].iter_rows(min_row=2):
            if row[0].value == key:
                return row[0].row
        raise KeyError(key)

    def set(self, sheet: str, key: str, column: str, value) -> int:
        col = {"key": "A", "translation": "D", "status": "E", "reviewed_by": "F",
               "source_hash": "G"}[column]  # fmt: skip
        row = self.row_of(sheet, key)
        self.wb[sheet][f"{col}{row}"] = value
        return row

    def get(self, sheet: str, key: str, column: str):
        col = {"source": "C", "translation": "D", "status": "E", "source_hash": "G"}[column]
        return self.wb[sheet][f"{col}{self.row_of(sheet, key)}"].value

    def plan(self, bundle=None, ui_sets=None):
        self.wb.save(self.path)
        return plan_import(read_workbook(self.path), bundle or self.bundle,
                           self.ui.strings["de"], ui_sets or self.ui_sets)  # fmt: skip


@pytest.fixture
def workbook(tmp_path, shipped):
    def make(languages=("ar", "fa", "ru", "tr")):
        return Workbook(tmp_path / "translations.xlsx", shipped, languages)

    return make
