"""The leads tests' world (a published object, tips, two authorities, leads sent to PL and DE)."""

from tests.leads.conftest import (  # noqa: F401 - fixtures
    authorities,
    dispatched,
    loop,
    more_leads,
    proposal,
    tip_receipts,
    tips,
)
