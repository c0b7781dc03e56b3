"""The Chinese catalogue covers every string, and placeholders survive translation."""

import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w*\}")


def test_every_message_is_translated():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.percent_translated() == 100, [
        e.msgid for e in catalogue.untranslated_entries()
    ][:20]
    assert not catalogue.fuzzy_entries()


def test_placeholders_are_kept():
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue:
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        for text in translations:
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(text)), (
                entry.msgid
            )
