"""Shared plumbing of the Khuyến học platform: configuration, the event envelope, tenancy,
MongoDB storage, messaging topology, metrics. Domain rules live in their services, not here."""

import warnings

# nameko runs on eventlet, which warns on import that it is deprecated; the choice is recorded in
# the README, so operators need not read it on every command.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
