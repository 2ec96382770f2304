"""Fill msgstr entries of a catalog from a {msgid: msgstr} JSON file; list what is left.

Usage: python tools/fill_translations.py survey_app/translations/vi/LC_MESSAGES/messages.po T.json
(after `make messages`, which extracts new strings into the catalogs).
"""

import json
import sys

from babel.messages.pofile import read_po, write_po

po_path, table_path = sys.argv[1], sys.argv[2]
with open(po_path, "rb") as f:
    catalog = read_po(f)
catalog.fuzzy = False
with open(table_path, encoding="utf-8") as f:
    table = json.load(f)
missing = []
for message in catalog:
    if not message.id:
        continue
    key = message.id if isinstance(message.id, str) else message.id[0]
    if key in table:
        message.string = table[key]
        message.flags.discard("fuzzy")
    elif not message.string:
        missing.append(key)
with open(po_path, "wb") as f:
    write_po(f, catalog, omit_header=False, no_location=True, width=100)
print("untranslated:", json.dumps(missing, ensure_ascii=False, indent=1))
