"""Django's admin: the superuser's stopgap for creating objects until the staff workspace exists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from traceobject.core.errors import ApplicationError
from traceobject.gallery.models import Category, Object, ObjectImage, Release
from traceobject.imaging.sanitize import inspect
from traceobject.imaging.services import object_image_add


class ObjectAdminForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        help_text="Add an image: it is re-encoded and stripped of all metadata before anything is public.",
    )

    class Meta:
        model = Object
        fields = (
            "code",
            "title",
            "category",
            "description",
            "questions",
            "hints",
            "status",
            "audience",
            "release",
            "related",
            "case_reference",
            "is_demo",
        )

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload:
            data = upload.read()
            try:
                inspect(data, max_pixels=settings.IMAGE_MAX_PIXELS)
            except ApplicationError as exc:
                raise ValidationError(exc.message) from exc
            self._upload_bytes = data
        return upload


class ObjectImageInline(admin.TabularInline):
    model = ObjectImage
    fields = ("position", "alt_text", "width", "height", "processed_at")
    readonly_fields = ("width", "height", "processed_at")
    extra = 0


@admin.register(Object)
class ObjectAdmin(admin.ModelAdmin):
    form = ObjectAdminForm
    list_display = ("code", "title", "category", "status", "audience", "release")
    list_filter = ("status", "audience", "category", "release")
    search_fields = ("code", "title")
    filter_horizontal = ("related",)
    inlines = [ObjectImageInline]

    def save_model(self, request: HttpRequest, obj: Object, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        data = getattr(form, "_upload_bytes", None)
        if data:
            object_image_add(obj=obj, data=data)


admin.site.register(Category)
admin.site.register(Release)
