"""Shared plumbing of the Khuyến học platform: configuration, the event envelope, tenancy,
MongoDB storage, messaging topology, metrics. Domain rules live in their services, not here."""
