"""The gallery in Django's admin: objects and releases to look at, categories to manage.

Objects, their images and releases are read-only here (``StaffAdminSite.register`` makes them so): the
staff workspace is their one way in, where every change is a service call with the acting user, the
four-eyes review, the safety scan and the audit event. Categories have no workspace page, so the admin
keeps them, through ``category_create`` and ``category_edit`` (permission ``gallery:category:manage``,
audited as ``category.create`` and ``category.edit``); a category is never deleted (objects keep it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import Form
from django.http import HttpRequest

from traceobject.accounts.admin_site import ServiceModelAdmin
from traceobject.core.permissions import Permission
from traceobject.gallery.models import Category, Object, ObjectImage, Release
from traceobject.gallery.services import category_create, category_edit


class ObjectImageInline(admin.TabularInline):
    model = ObjectImage
    fields = ("position", "alt_text", "status", "width", "height", "processed_at")
    readonly_fields = fields
    extra = 0


@admin.register(Object)
class ObjectAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "category", "status", "audience", "release")
    list_filter = ("status", "audience", "category", "release")
    search_fields = ("code", "title")
    inlines = [ObjectImageInline]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("name", "publish_at")


@admin.register(Category)
class CategoryAdmin(ServiceModelAdmin):
    permission = Permission.GALLERY_CATEGORY_MANAGE
    list_display = ("slug", "name", "position")
    fields = ("slug", "name", "position")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The slug names the category in URLs: set once.
        return ("slug",) if obj is not None else ()

    def service_save(self, request: HttpRequest, obj: Any, form: Form, change: bool) -> Category:
        data = form.cleaned_data
        if change:
            return category_edit(
                actor=request.user, category=obj, name=data["name"], position=data["position"]
            )
        return category_create(
            actor=request.user, slug=data["slug"], name=data["name"], position=data["position"]
        )
