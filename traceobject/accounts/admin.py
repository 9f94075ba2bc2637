"""Accounts stay out of Django's admin on purpose.

Accounts and second factors are changed on the staff side (``/staff/accounts/``), where every change
is checked against the roles and audited. The admin would offer an unaudited way around both, and
django-otp's device admin would even show every user's TOTP secret, so it is removed here (its app
is listed before this one, so its registration has already happened). Django's groups go too: roles
(``core.permissions``) decide what a member may do, and groups would grant nothing but confusion.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

for _model in (TOTPDevice, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
