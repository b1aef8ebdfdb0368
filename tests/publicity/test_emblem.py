"""The EU emblem: its official geometry, the generated outputs, and where it appears on
the survey's public pages (introduction and thank-you page, every language)."""

from __future__ import annotations

import math

import pytest
from lxml import etree
from pptx import Presentation

from publicity import emblem
from surveys.web.context import HERE
from tests.test_survey import Respondent, run_to_review, submit


def test_flag_is_3_to_2_with_twelve_stars_on_a_circle_of_a_third_of_the_height():
    e = emblem.emblem(90.0)
    assert (e.width, e.height) == (135.0, 90.0)
    assert len(e.stars) == 12
    for cx, cy in e.star_centres:
        assert math.hypot(cx - 67.5, cy - 45.0) == pytest.approx(30.0)  # 90 / 3
    angles = sorted(
        round(math.degrees(math.atan2(cx - 67.5, 45.0 - cy))) % 360 for cx, cy in e.star_centres
    )
    assert angles == list(range(0, 360, 30))  # like the hours on a clock face


def test_every_star_is_an_upright_regular_pentagram_of_a_eighteenth_of_the_height():
    e = emblem.emblem(90.0)
    for (cx, cy), pts in zip(e.star_centres, e.stars, strict=True):
        outer = [math.hypot(x - cx, y - cy) for x, y in pts[0::2]]
        inner = [math.hypot(x - cx, y - cy) for x, y in pts[1::2]]
        assert outer == pytest.approx([5.0] * 5)  # 90 / 18
        assert inner == pytest.approx([5.0 * 0.381966] * 5, rel=1e-5)
        top = pts[0]
        assert top[0] == pytest.approx(cx) and top[1] == pytest.approx(cy - 5.0)  # upright


def test_svg_has_the_blue_field_and_twelve_yellow_stars():
    root = etree.fromstring(emblem.svg(40).encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    rect = root.find("s:rect", ns)
    assert rect.get("fill") == "#003399" and rect.get("width") == "150"
    path = root.find("s:path", ns)
    assert path.get("fill") == "#FFCC00"
    assert path.get("d").count("M") == 12 and path.get("d").count("Z") == 12
    assert root.get("viewBox") == "0 0 150 100"


def test_static_emblem_of_the_survey_is_the_generated_svg():
    assert (HERE / "static" / "eu-emblem.svg").read_text() == emblem.svg(40) + "\n"


def test_slide_emblem_is_native_shapes_with_alt_text():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    group = emblem.add_to_slide(slide, 914400, 914400, 914400)
    shapes = list(group.shapes)
    assert len(shapes) == 13  # the field and twelve stars
    assert str(shapes[0].fill.fore_color.rgb) == "003399"
    assert {str(s.fill.fore_color.rgb) for s in shapes[1:]} == {"FFCC00"}
    assert group._element.nvGrpSpPr.cNvPr.get("descr") == emblem.ALT_TEXT
    assert shapes[0].width == 1371600 and shapes[0].height == 914400  # 3:2


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_introduction_and_thank_you_page_carry_the_emblem_and_statement(env, lang):
    _ctx, app = env
    r = Respondent(app, lang=lang)
    ui = app.routes[1].app.state.survey.config.ui
    for page in (r.page.text,):
        assert 'src="/u/_static/eu-emblem.svg"' in page
        assert ui.get("funding_eu", lang) in page and ui.get("funding_hessen", lang) in page
    if lang == "de":
        assert "Kofinanziert von der Europäischen Union" in r.page.text
        run_to_review(r)
        submit(r)
        assert r.path.endswith("/danke")
        assert 'src="/u/_static/eu-emblem.svg"' in r.page.text
        assert "Kofinanziert von der Europäischen Union" in r.page.text
    svg = r.c.get("/u/_static/eu-emblem.svg")
    assert svg.status_code == 200 and "#FFCC00" in svg.text


@pytest.fixture
def env(sqlite_ctx):
    from tests.test_survey import env as survey_env

    return survey_env.__wrapped__(sqlite_ctx)
