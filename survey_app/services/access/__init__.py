"""Staff access: accounts, second factor, API keys, scopes, the audit log."""
