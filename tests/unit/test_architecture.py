"""Domain rules and use cases import no transport and no database driver, so nameko/eventlet
(both unmaintained) or pymongo can be replaced without touching them."""

import subprocess
import sys

import pytest

PURE_MODULES = [
    "services.registration.domain",
    "services.registration.branches",
    "services.registration.hierarchy",
    "services.registration.service",
    "services.registration.schemas",
    "services.scoring.domain",
    "services.scoring.service",
    "services.scoring.engine",
    "services.scoring.computed",
    "services.fund.ledger",
    "services.notification.domain",
    "services.notification.sms",
    "services.notification.signing",
    "services.notification.service",
    "services.notification.reminders",
    "services.fund.domain",
    "services.fund.publication",
    "services.fund.service",
    "services.fund.schemas",
    "services.fund.documents",
    "khuyenhoc.envelope",
    "khuyenhoc.events",
    "khuyenhoc.tenancy",
    "khuyenhoc.text",
    "khuyenhoc.validation",
]
FORBIDDEN = ("eventlet", "nameko", "kombu", "pymongo")


@pytest.mark.parametrize("module", PURE_MODULES)
def test_module_imports_no_io_framework(module):
    # a fresh interpreter: this test process has them all loaded already
    probe = f"import sys, {module}; print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"{module} pulls in {done.stdout.strip()}"
