"""Officer accounts and sign-in sessions (issue 15): see :mod:`.domain`."""
