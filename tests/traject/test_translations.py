import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr texts, flags) of every entry of the Dutch catalogue."""
    text = CATALOGUE.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        found = re.search(r'^msgid "(.*)"((?:\n".*")*)', block, re.M)
        if found is None:
            continue
        msgid = "".join([found[1], *re.findall(r'"(.*)"', found[2])])
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        flags = re.findall(r"^#, (.*)$", block, re.M)
        translated = [
            "".join([first, *re.findall(r'"(.*)"', rest)]) for first, rest in strings
        ]
        yield msgid, translated, flags


class DutchCatalogueTests(SimpleTestCase):
    def test_every_message_is_translated_and_none_is_fuzzy(self):
        missing = [
            msgid
            for msgid, translated, flags in entries()
            if msgid and (not all(translated) or any("fuzzy" in f for f in flags))
        ]

        self.assertEqual(missing, [])

    def test_compiled_catalogue_is_up_to_date(self):
        compiled = CATALOGUE.with_suffix(".mo")
        result = subprocess.run(
            ["msgfmt", "--check", "-o", "-", str(CATALOGUE)],
            capture_output=True,
            check=True,
        )

        self.assertEqual(result.stdout, compiled.read_bytes())
