"""Translation hygiene: the template is not stale and Vietnamese translates every string."""

import subprocess
import sys

from babel.messages.pofile import read_po

from support import PROJECT

TRANSLATIONS = PROJECT / "survey_app" / "translations"


def _ids(path):
    with open(path, "rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(f) if m.id}


def test_messages_pot_is_up_to_date(tmp_path):
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "--no-location", "--omit-header", "-o", str(fresh), "."],
        cwd=PROJECT, check=True, capture_output=True,
    )
    stale = set(_ids(fresh)) ^ set(_ids(TRANSLATIONS / "messages.pot"))
    assert not stale, f"run `make messages`: these strings differ: {sorted(stale)}"


def test_every_string_has_a_vietnamese_translation():
    catalog = _ids(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po")
    expected = set(_ids(TRANSLATIONS / "messages.pot"))
    untranslated = sorted(
        key for key in expected
        if key not in catalog or not catalog[key].string or catalog[key].fuzzy
    )
    assert not untranslated, f"add Vietnamese for: {untranslated}"


def test_the_catalogue_keeps_no_obsolete_string():
    catalog = set(_ids(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"))
    obsolete = sorted(catalog - set(_ids(TRANSLATIONS / "messages.pot")))
    assert not obsolete, f"no longer in the code, remove from the .po: {obsolete}"


def test_one_word_for_a_link_in_vietnamese():
    """"Đường dẫn" everywhere (staff and citizen pages alike), never "đường liên kết"."""
    catalog = _ids(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po")
    texts = [m.string if isinstance(m.string, str) else " ".join(m.string)
             for m in catalog.values()]
    texts += [p.read_text(encoding="utf-8") for folder in ("survey_app/templates",
                                                            "questionnaires")
              for p in (PROJECT / folder).rglob("*") if p.suffix in {".html", ".yaml"}]
    assert not [t for t in texts if "liên kết" in t.lower()]
