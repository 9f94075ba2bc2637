"""Accounts stay out of Django's admin on purpose.

Accounts and second factors are changed on the staff side (``/staff/accounts/``), where every change
is checked against the roles and audited. The admin would offer an unaudited way around both, and
django-otp's device admin would even show every user's TOTP secret, so it is removed here (its app
is listed before this one, so its registration has already happened).
"""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
