"""Staff URLs for an object's images and its safety scan, included at /staff/ in the ``staff``
namespace beside the gallery's object pages."""

from django.urls import URLPattern, URLResolver, path

from traceobject.imaging import staff_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("objects/<str:code>/images/", views.object_images, name="object_images"),
    path("objects/<str:code>/images/<int:image_id>/", views.object_image_edit, name="object_image_edit"),
    path(
        "objects/<str:code>/images/<int:image_id>/original.jpg",
        views.object_image_original,
        name="object_image_original",
    ),
    path(
        "objects/<str:code>/images/<int:image_id>/remove/",
        views.object_image_remove,
        name="object_image_remove",
    ),
    path("objects/<str:code>/scan/", views.object_scan, name="object_scan"),
]
