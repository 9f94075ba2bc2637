"""What each audit action means, in words a reader of the trail understands.

The stored action stays the short stable string that the hash chain covers (``object.approve``); only
its display is translated, so a relabelling never touches the chain. An action missing here (a new one
added without its label) is shown as its raw string rather than hidden: ``tests/audit`` checks that every
action the code records has a label.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    # Accounts and sign-in
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Failed login"),
    "auth.logout": _("Logged out"),
    "auth.otp_enrolment_start": _("Started setting up a second factor"),
    "auth.otp_enrol": _("Set up a second factor"),
    "user.create": _("Created an account"),
    "user.update": _("Changed an account"),
    "user.password_change": _("Changed their password"),
    "user.otp_reset": _("Reset a second factor"),
    # Vault
    "vault.grant": _("Granted a vault key"),
    "vault.key_create": _("Created a vault key"),
    "vault.key_pair_create": _("Created a personal key pair"),
    "vault.key_pair_reset": _("Reset a personal key pair"),
    "vault.escrow": _("Moved the private key into escrow"),
    "vault.rotation_start": _("Started a key rotation"),
    "vault.rotation_resume": _("Resumed a key rotation"),
    "vault.rotation_finish": _("Finished a key rotation"),
    # Objects, images, releases
    "object.create": _("Created an object"),
    "object.edit": _("Edited an object"),
    "object.submit": _("Submitted an object for review"),
    "object.approve": _("Approved an object (publication review)"),
    "object.reject": _("Sent an object back to its author"),
    "object.publish": _("Published an object"),
    "object.withdraw": _("Withdrew an object"),
    "image.upload": _("Uploaded an image"),
    "image.edit": _("Edited an image (crop, redactions)"),
    "image.remove": _("Removed an image"),
    "image.scan": _("Ran the safety scan"),
    "image.reprocess": _("Processed an image again"),
    "release.create": _("Created a release"),
    "release.schedule": _("Scheduled a release"),
    "category.create": _("Created a category"),
    "category.edit": _("Changed a category"),
    # Tips and triage
    "tip.open": _("Opened a tip"),
    "tips.view": _("Viewed a list of tips"),
    "barriers.view": _("Read accessibility barrier reports"),
    "tip.note_add": _("Added a note to a tip"),
    "tip.question": _("Asked the tipster a question"),
    "tip.questions_resealed": _("Re-sealed a tip's questions"),
    "tips.status": _("Changed the status of tips"),
    "tips.cluster_status": _("Changed the status of a cluster's tips"),
    "tips.assign": _("Assigned tips"),
    "tips.label_add": _("Labelled tips"),
    "tips.label_remove": _("Removed a label from tips"),
    "tips.other": _("Moved tips to other reports"),
    "tips.not_other": _("Moved tips back from other reports"),
    "retention.contacts": _("Deleted expired contact details"),
    "retention.withdrawn": _("Deleted the tips of withdrawn objects"),
    # Determinations, leads, authorities
    "determination.propose": _("Proposed a determination"),
    "determination.confirm": _("Confirmed a determination"),
    "determination.reject": _("Rejected a determination"),
    "lead.open": _("Opened a lead"),
    "lead.export": _("Exported a lead"),
    "lead.send": _("Sent a lead"),
    "lead.acknowledge": _("Acknowledged a lead"),
    "lead.outcome": _("Reported an outcome"),
    "lead.outcome_correct": _("Corrected an outcome"),
    "partner.object_report": _("Reported what they recognise on an object (partner)"),
    "authority.save": _("Saved an authority"),
    "authority.demo_load": _("Loaded the demo authorities"),
    # The trail itself
    "audit.export": _("Exported the audit trail"),
}


def action_label(action: str) -> str:
    """The translated label, or the raw action when it has none (never hidden, never an error)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
