"""Languages: Dari is its own option; XLSForm language columns map to our codes and back."""

from __future__ import annotations

import pytest

from surveys.questionnaire.languages import PREFERRED_ORDER, code_for_name, is_known, language
from surveys.xlsform._texts import code_of, column_label


def test_dari_is_its_own_right_to_left_language_in_the_language_list():
    dari = language("prs")
    assert (dari.native_name, dari.direction, dari.html_lang) == ("دری", "rtl", "prs")
    assert (
        "prs" in PREFERRED_ORDER and PREFERRED_ORDER.index("prs") == PREFERRED_ORDER.index("fa") + 1
    )
    assert language("fa").native_name == "فارسی / دری"  # Farsi serves Dari until it has its own
    assert code_for_name("Dari") == code_for_name("دری") == "prs"


@pytest.mark.parametrize("code", PREFERRED_ORDER)
def test_each_survey_language_goes_to_an_xlsform_column_and_back(code):
    assert code_of(column_label(code)) == code


@pytest.mark.parametrize(
    ("name", "code"),
    [("English", "en"), ("Français (fr)", "fr"), ("EN", "en"), ("Persian (fa)", "fa"),
     ("Farsi", "fa"), ("Leichte Sprache (de-x-ls)", "de-x-ls"), ("Deutsch (de)", "de"),
     ("Tigrinya (ti)", "ti"), ("Klingon", None), ("Lang1 (xx)", None)],
)  # fmt: skip
def test_language_names_found_in_real_forms_map_to_codes(name, code):
    assert code_of(name) == code
    assert code is None or is_known(code)
