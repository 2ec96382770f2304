"""Paper questionnaires: import templates, reading files, typed entry and file import."""
