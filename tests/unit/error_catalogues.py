"""Every catalogue of error keys a client of the gateway may meet, as contracts/errors.md lists
them: (section title, {key: Vietnamese text}). The generic keys every service's catalogue holds
(``khuyenhoc.validation.GENERIC_MESSAGES``) are listed once, in their own section."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.messages import MESSAGES as GATEWAY
from khuyenhoc.sheets.messages import CELL_PROBLEMS, FILE_PROBLEMS
from khuyenhoc.validation import GENERIC_MESSAGES, MessageCatalogue
from services.fund.messages import MESSAGES as FUND
from services.fund.messages import REFUSALS as FUND_REFUSALS
from services.notification.messages import ERRORS as NOTIFICATION
from services.registration.accounts.messages import MESSAGES as ACCOUNTS
from services.registration.messages import MESSAGES as REGISTRATION
from services.scoring.messages import MESSAGES as SCORING
from services.scoring.messages import SHEET_REASONS as SCORING_SHEET_REASONS


def own(catalogue: MessageCatalogue) -> dict[str, str]:
    """A service's keys, without the generic ones it holds unchanged."""
    return {
        key: text for key, text in catalogue.messages.items() if GENERIC_MESSAGES.get(key) != text
    }


CATALOGUES: dict[str, Mapping[str, str]] = {
    "khuyenhoc/validation.py: GENERIC_MESSAGES": GENERIC_MESSAGES,
    "gateway/messages.py: MESSAGES": GATEWAY,
    "services/registration/messages.py: MESSAGES": own(REGISTRATION),
    "services/registration/accounts/messages.py: MESSAGES": ACCOUNTS,
    "services/scoring/messages.py: MESSAGES": own(SCORING),
    "services/scoring/messages.py: SHEET_REASONS": SCORING_SHEET_REASONS,
    "services/fund/messages.py: MESSAGES": own(FUND),
    "services/fund/messages.py: REFUSALS": FUND_REFUSALS,
    "services/notification/messages.py: ERRORS": NOTIFICATION,
    "khuyenhoc/sheets/messages.py: CELL_PROBLEMS": CELL_PROBLEMS,
    "khuyenhoc/sheets/messages.py: FILE_PROBLEMS": FILE_PROBLEMS,
}
