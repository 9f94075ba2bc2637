"""What the apps above the vault give it to call: explicit hooks, registered in their ``AppConfig.ready``.

The vault sits below ``accounts``, ``tips``, ``triage`` and ``leads`` and imports none of them. Where it
must act on their data it uses what the models declare (``fields.SealedField``: which columns are sealed,
to which key, which column is a copy of which, and the path to an authority) and, for what only the
owning app understands, a step that app registers here. Today that is one escrow step: tips splits the
contact details of old tips out of their sealed payload, a format only tips knows.
"""

from __future__ import annotations

from collections.abc import Callable

from nacl.public import PrivateKey

# ``step(private)`` re-seals, with the deployment's tip key given to the escrow, what its app must bring
# up to date, and returns how many records it changed. It must be safe to run twice.
EscrowStep = Callable[[PrivateKey], int]

_escrow_steps: dict[str, EscrowStep] = {}


def escrow_step_register(name: str, step: EscrowStep) -> None:
    """Called from an app's ``ready()``; ``name`` is the key of its count in the escrow's report."""
    _escrow_steps[name] = step


def escrow_steps() -> dict[str, EscrowStep]:
    return dict(_escrow_steps)
