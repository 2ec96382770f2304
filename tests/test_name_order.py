"""Names in lists follow the page's language: people and agencies in Vietnamese order on
Vietnamese pages, in English order on English pages."""

from __future__ import annotations

import pytest
from seeding import load_reference

from survey_app import formatting

PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Đỗ Thị Ánh", "Lê Văn Anh", "Bùi Minh Đức",
          "Phạm Thị Dung"]


def test_a_vietnamese_list_of_people_is_by_given_name_an_english_one_by_family_name():
    # Vietnamese: the given name (last word) first, in Vietnamese collation (Đ after D).
    assert formatting.sort_people(PEOPLE, str, "vi") == [
        "Nguyễn Văn An", "Lê Văn Anh", "Đỗ Thị Ánh", "Trần Thị Bình", "Phạm Thị Dung",
        "Bùi Minh Đức"]
    # English: the family name (written first), "Đỗ" with the D's.
    assert formatting.sort_people(PEOPLE, str, "en") == [
        "Bùi Minh Đức", "Đỗ Thị Ánh", "Lê Văn Anh", "Nguyễn Văn An", "Phạm Thị Dung",
        "Trần Thị Bình"]
    # The same given name: the whole name decides.
    assert formatting.sort_people(["Trần Văn An", "Lê Văn An"], str, "vi") == [
        "Lê Văn An", "Trần Văn An"]


@pytest.fixture
def people(app, runner, staff):
    load_reference(app, runner)
    staff.create("admin", "admin")
    from survey_app.extensions import db
    from survey_app.services.access import accounts

    with app.app_context():
        for number, name in enumerate(PEOPLE):
            accounts.create_user(f"user{number}", staff.PASSWORD, "viewer", name)
        db.session.commit()
    staff.login("admin")
    return staff.client


def _order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def test_the_users_page_lists_people_in_the_pages_order(people):
    vi = people.get("/staff/users?lang=vi").get_data(as_text=True)
    assert _order(vi, PEOPLE) == formatting.sort_people(PEOPLE, str, "vi")
    en = people.get("/staff/users?lang=en").get_data(as_text=True)
    assert _order(en, PEOPLE) == formatting.sort_people(PEOPLE, str, "en")
    assert _order(vi, PEOPLE) != _order(en, PEOPLE)
    audit_en = people.get("/staff/audit?lang=en").get_data(as_text=True)
    assert _order(audit_en, PEOPLE) == formatting.sort_people(PEOPLE, str, "en")


def test_agency_and_sector_choices_follow_the_page_language(people):
    en = people.get("/staff/users/new?lang=en").get_data(as_text=True)
    # English names, in English order (in Vietnamese order "Y tế" comes last).
    assert ">Đất đai<" not in en
    assert (en.index(">Construction<") < en.index(">Education and training<")
            < en.index(">Health<") < en.index(">Investment<") < en.index(">Land<"))
    vi = people.get("/staff/users/new?lang=vi").get_data(as_text=True)
    assert vi.index(">Đất đai<") < vi.index(">Giáo dục và đào tạo<") < vi.index(">Y tế<")
