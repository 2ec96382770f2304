"""Plain functions shared by the blueprints and the CLI: no request objects here."""
