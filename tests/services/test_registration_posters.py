"""Registration posters: signed unit links, the count still to register, the A4 pages."""

from datetime import date

import pytest
from reportlab.lib.pagesizes import A4

from tests import factories as f
from tests.certificate_support import pdf_reader, qr_texts
from volunteer.documents.unit_poster import PosterRow, render_posters
from volunteer.extensions import db
from volunteer.models import UnitKind
from volunteer.services import registration_drive, registration_links, units
from volunteer.services.errors import ServiceError

URL = "https://volunteer.example.cn/auth/register?unit=7.0123456789abcdef"


@pytest.fixture
def tree(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    village = f.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    quiet = f.make_unit("WS-GLT-BLG", "巴音嘎查", town, UnitKind.VILLAGE)
    return {"banner": banner, "town": town, "village": village, "quiet": quiet}


# ---- signed links ----


def test_a_token_names_its_unit(tree):
    token = registration_links.unit_token_for_id(tree["town"].id)
    assert registration_links.unit_for_token(token) == tree["town"]


def test_a_token_edited_to_name_another_unit_is_refused(tree):
    token = registration_links.unit_token_for_id(tree["town"].id)
    signature = token.split(".")[1]
    assert registration_links.unit_for_token(f"{tree['village'].id}.{signature}") is None


@pytest.mark.parametrize("token", [None, "", "12", "abc.def", "0.0123456789abcdef", "1.ZZ"])
def test_malformed_tokens_name_no_unit(tree, token):
    assert registration_links.unit_for_token(token) is None


def test_a_token_signed_with_another_secret_is_refused(app, tree):
    token = registration_links.unit_token_for_id(tree["town"].id)
    app.config["SECRET_KEY"] = "another-secret"
    assert registration_links.unit_for_token(token) is None


def test_a_deactivated_unit_takes_nobody_in(tree):
    token = registration_links.unit_token_for_id(tree["quiet"].id)
    units.set_unit_active(tree["quiet"], False)
    assert registration_links.unit_for_token(token) is None


# ---- the count still to register ----


def test_a_unit_counts_its_own_unregistered_roster_people(tree):
    f.make_roster_entry(tree["town"], f.make_volunteer("已注册"))
    f.make_roster_entry(tree["town"], name="未注册甲")
    f.make_roster_entry(tree["town"], name="未注册乙")
    f.make_roster_entry(
        tree["town"], name="已离开", on_from=date(2020, 1, 1), on_until=date(2021, 1, 1)
    )
    f.make_roster_entry(tree["village"], name="村里的人")
    (gap,) = registration_drive.unregistered_by_unit(tree["town"], subtree=False)
    assert (gap.unit_id, gap.name, gap.unregistered) == (tree["town"].id, "嘎鲁图镇", 2)


def test_a_subtree_lists_every_active_unit_in_tree_order(tree):
    f.make_roster_entry(tree["village"], name="村里的人")
    f.make_roster_entry(tree["village"], f.make_volunteer("村里已注册"))
    units.set_unit_active(tree["quiet"], False)
    gaps = registration_drive.unregistered_by_unit(tree["town"], subtree=True)
    assert [(gap.name, gap.unregistered) for gap in gaps] == [("嘎鲁图镇", None), ("萨如拉嘎查", 1)]


def test_a_fully_registered_roster_counts_zero(tree):
    f.make_roster_entry(tree["village"], f.make_volunteer("村里已注册"))
    (gap,) = registration_drive.unregistered_by_unit(tree["village"], subtree=False)
    assert gap.unregistered == 0


def test_counting_takes_a_fixed_number_of_statements(tree, count_queries):
    for unit in tree.values():
        f.make_roster_entry(unit, name="某人")
    db.session.commit()
    with count_queries() as few:
        registration_drive.unregistered_by_unit(tree["town"], subtree=True)
    for _ in range(5):
        f.make_roster_entry(f.make_unit(parent=tree["quiet"]), name="某人")
    db.session.commit()
    with count_queries() as many:
        registration_drive.unregistered_by_unit(tree["town"], subtree=True)
    assert many.statements == few.statements


def test_an_inactive_unit_gets_no_poster(tree):
    units.set_unit_active(tree["quiet"], False)
    with pytest.raises(ServiceError):
        registration_drive.unregistered_by_unit(tree["quiet"], subtree=False)


# ---- the document ----


def row(name: str = "乌审旗教育体育局", missing: int | None = 37, url: str = URL) -> PosterRow:
    return PosterRow(name, url, missing, date(2026, 3, 5))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pdf_reader(pdf).pages]


def test_each_unit_gets_one_a4_page_with_its_name_count_and_date():
    pdf = render_posters([row(), row("图克镇", 0), row("萨如拉嘎查", None)])
    pages = pdf_reader(pdf).pages
    assert len(pages) == 3
    for page in pages:  # A4 in points, as PDF stores them (rounded)
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)
    first, fully, no_roster = page_texts(pdf)
    assert "乌审旗教育体育局" in first and "本单位还差 37 人完成注册" in first
    assert "人数统计截至2026年3月5日" in first
    assert "图克镇" in fully and "本单位在册人员已全部完成注册" in fully
    assert "萨如拉嘎查" in no_roster and "还差" not in no_roster


def test_the_qr_code_decodes_to_the_registration_link():
    other = URL.replace("unit=7.", "unit=8.")
    pdf = render_posters([row(), row("图克镇", url=other)])
    assert qr_texts(pdf, 0) == [URL]
    assert qr_texts(pdf, 1) == [other]


def test_a_long_unit_name_wraps_and_stays_on_its_page():
    name = "乌审旗嘎鲁图镇人民政府及其下属的某个名字特别长的事业单位服务中心"
    pdf = render_posters([row(name)])
    assert len(pdf_reader(pdf).pages) == 1
    assert qr_texts(pdf) == [URL]


def test_the_same_rows_give_the_same_bytes():
    assert render_posters([row()]) == render_posters([row()])
