from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from traceobject.core.permissions import Role


class User(AbstractUser):
    """A staff member. The public never has an account.

    One role per account keeps the permission question simple; a partner is bound to the country
    of its authority (the authority directory itself comes with the leads).
    """

    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO country, for partners only.")
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner") | ~models.Q(country=""),
                name="partner_has_country",
            )
        ]
