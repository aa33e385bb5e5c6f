"""The HTTP server's access log without ``/graphql``'s query strings.

A GET to ``/graphql`` carries its query and variables in the address, and they may hold
personal data (names, phone numbers, ID numbers). eventlet's server (under nameko) writes each
request line to the ``nameko.web.server`` logger; this filter rewrites such lines to
``/graphql?[redacted]`` before any handler sees them.
"""

from __future__ import annotations

import logging
import re

SERVER_LOGGER = "nameko.web.server"
REDACTED = "[redacted]"
_QUERY_STRING = re.compile(r"(/graphql/?)\?[^\s\"]*")


def redact(line: str) -> str:
    return _QUERY_STRING.sub(rf"\1?{REDACTED}", line)


class RedactGraphqlQueries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = redact(text)
        if redacted != text:
            record.msg, record.args = redacted, None
        return True


def install(logger_name: str = SERVER_LOGGER) -> None:
    """Once per process (the gateway's module does it on import)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactGraphqlQueries) for f in logger.filters):
        logger.addFilter(RedactGraphqlQueries())
