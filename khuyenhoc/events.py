"""The platform's event types: one constant per versioned contract in ``contracts/events``.

Pure (no broker code), so domain modules can name the events they raise.
"""

from khuyenhoc.envelope import EventType

REGISTERED = EventType("registration", "registered", 1)
WITHDRAWN = EventType("registration", "withdrawn", 1)
MEMBER_JOINED = EventType("registration", "member.joined", 1)
SCORED = EventType("scoring", "scored", 1)
RECOGNISED = EventType("scoring", "recognised", 1)
REVOKED = EventType("scoring", "revoked", 1)
# v2: no donor's name or contact (v1 carried them; retired, see contracts/README.md).
DONATED = EventType("fund", "donated", 2)
DONATED_V1 = EventType("fund", "donated", 1)
DISBURSED = EventType("fund", "disbursed", 1)

ALL_EVENT_TYPES: tuple[EventType, ...] = (
    REGISTERED,
    WITHDRAWN,
    MEMBER_JOINED,
    SCORED,
    RECOGNISED,
    REVOKED,
    DONATED,
    DISBURSED,
)
