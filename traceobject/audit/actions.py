"""Every audit action, as one typed enum whose labels a reader of the trail understands.

The stored action is the enum's VALUE, the short stable string that the hash chain covers
(``object.approve``). A value must never change once events carry it: changing it would make every
stored event unverifiable (its digest covers the string). A member may be renamed, and its label
reworded or translated, freely: only the display changes. ``audit_record`` accepts only members of
``AuditAction`` (typed, and checked at run time), so a misspelt free string cannot reach the trail.

An event whose stored action is not a member any more (written by an older or newer version) is shown
with its raw string rather than hidden.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """The actions the trail records. Values are stored and hashed: add members, never change a value."""

    # Accounts and sign-in
    AUTH_LOGIN = "auth.login", _("Logged in")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("Failed login")
    AUTH_LOGOUT = "auth.logout", _("Logged out")
    API_TOKEN_CREATE = "api.token_create", _("Created an API token")
    API_TOKEN_REVOKE = "api.token_revoke", _("Revoked an API token")
    API_AUTH_FAILED = "api.auth_failed", _("Refused an API token")
    AUTH_OTP_ENROLMENT_START = "auth.otp_enrolment_start", _("Started setting up a second factor")
    AUTH_OTP_ENROL = "auth.otp_enrol", _("Set up a second factor")
    USER_CREATE = "user.create", _("Created an account")
    USER_UPDATE = "user.update", _("Changed an account")
    USER_PASSWORD_CHANGE = "user.password_change", _("Changed their password")
    USER_OTP_RESET = "user.otp_reset", _("Reset a second factor")
    # Vault
    VAULT_GRANT = "vault.grant", _("Granted a vault key")
    VAULT_KEY_CREATE = "vault.key_create", _("Created a vault key")
    VAULT_KEY_PAIR_CREATE = "vault.key_pair_create", _("Created a personal key pair")
    VAULT_KEY_PAIR_RESET = "vault.key_pair_reset", _("Reset a personal key pair")
    VAULT_ESCROW = "vault.escrow", _("Moved the private key into escrow")
    VAULT_ROTATION_START = "vault.rotation_start", _("Started a key rotation")
    VAULT_ROTATION_RESUME = "vault.rotation_resume", _("Resumed a key rotation")
    VAULT_ROTATION_FINISH = "vault.rotation_finish", _("Finished a key rotation")
    # Objects, images, releases
    OBJECT_CREATE = "object.create", _("Created an object")
    OBJECT_EDIT = "object.edit", _("Edited an object")
    OBJECT_SUBMIT = "object.submit", _("Submitted an object for review")
    OBJECT_APPROVE = "object.approve", _("Approved an object (publication review)")
    OBJECT_REJECT = "object.reject", _("Sent an object back to its author")
    OBJECT_PUBLISH = "object.publish", _("Published an object")
    OBJECT_WITHDRAW = "object.withdraw", _("Withdrew an object")
    IMAGE_UPLOAD = "image.upload", _("Uploaded an image")
    IMAGE_EDIT = "image.edit", _("Edited an image (crop, redactions)")
    IMAGE_REMOVE = "image.remove", _("Removed an image")
    IMAGE_SCAN = "image.scan", _("Ran the safety scan")
    IMAGE_REPROCESS = "image.reprocess", _("Processed an image again")
    RELEASE_CREATE = "release.create", _("Created a release")
    RELEASE_SCHEDULE = "release.schedule", _("Scheduled a release")
    CATEGORY_CREATE = "category.create", _("Created a category")
    CATEGORY_EDIT = "category.edit", _("Changed a category")
    # Objects in other languages (gallery.translations)
    TRANSLATION_CREATE = "translation.create", _("Added a translation of an object")
    TRANSLATION_EDIT = "translation.edit", _("Edited a translation of an object")
    TRANSLATION_DELETE = "translation.delete", _("Deleted a translation of an object")
    TRANSLATION_PROPOSE = "translation.propose", _("Proposed a translation of a published object")
    TRANSLATION_APPROVE = "translation.approve", _("Approved a translation (four eyes)")
    TRANSLATION_REJECT = "translation.reject", _("Sent a translation back to its writer")
    TRANSLATION_DISCARD = "translation.discard", _("Discarded a proposed translation")
    # Tips and triage
    TIP_OPEN = "tip.open", _("Opened a tip")
    TIPS_VIEW = "tips.view", _("Viewed a list of tips")
    BARRIERS_VIEW = "barriers.view", _("Read accessibility barrier reports")
    TIP_NOTE_ADD = "tip.note_add", _("Added a note to a tip")
    TIP_QUESTION = "tip.question", _("Asked the tipster a question")
    TIP_QUESTIONS_RESEALED = "tip.questions_resealed", _("Re-sealed a tip's questions")
    TIPS_STATUS = "tips.status", _("Changed the status of tips")
    TIPS_CLUSTER_STATUS = "tips.cluster_status", _("Changed the status of a cluster's tips")
    TIPS_ASSIGN = "tips.assign", _("Assigned tips")
    TIPS_LABEL_ADD = "tips.label_add", _("Labelled tips")
    TIPS_LABEL_REMOVE = "tips.label_remove", _("Removed a label from tips")
    TIPS_OTHER = "tips.other", _("Moved tips to other reports")
    TIPS_NOT_OTHER = "tips.not_other", _("Moved tips back from other reports")
    CONSENSUS_EXPORT = "consensus.export", _("Exported an object's consensus (CSV)")
    RETENTION_CONTACTS = "retention.contacts", _("Deleted expired contact details")
    RETENTION_WITHDRAWN = "retention.withdrawn", _("Deleted the tips of withdrawn objects")
    # Determinations, leads, authorities
    DETERMINATION_PROPOSE = "determination.propose", _("Proposed a determination")
    DETERMINATION_CONFIRM = "determination.confirm", _("Confirmed a determination")
    DETERMINATION_REJECT = "determination.reject", _("Rejected a determination")
    LEAD_OPEN = "lead.open", _("Opened a lead")
    LEAD_EXPORT = "lead.export", _("Exported a lead")
    LEAD_SEND = "lead.send", _("Sent a lead")
    LEAD_ACKNOWLEDGE = "lead.acknowledge", _("Acknowledged a lead")
    LEAD_OUTCOME = "lead.outcome", _("Reported an outcome")
    LEAD_OUTCOME_CORRECT = "lead.outcome_correct", _("Corrected an outcome")
    LEADS_EXPORT = "leads.export", _("Exported a list of leads (CSV)")
    DETERMINATIONS_EXPORT = "determinations.export", _("Exported the determinations (CSV)")
    PARTNER_OBJECT_REPORT = "partner.object_report", _("Reported what they recognise on an object (partner)")
    AUTHORITY_SAVE = "authority.save", _("Saved an authority")
    AUTHORITY_DEMO_LOAD = "authority.demo_load", _("Loaded the demo authorities")
    # The trail itself
    AUDIT_EXPORT = "audit.export", _("Exported the audit trail")
    AUDIT_ANCHOR = "audit.anchor", _("Anchored the audit trail (its head copied outside)")


def action_label(action: str) -> str:
    """The translated label, or the raw action when it is not (or no longer) a member."""
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action
