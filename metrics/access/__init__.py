"""Who may do what: roles, accounts, sign-in sessions, identity providers, throttling, the audit log."""
