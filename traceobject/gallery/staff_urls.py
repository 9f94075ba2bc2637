"""Staff URLs for objects and releases, included at /staff/ in the ``staff`` namespace (the image
pages' URLs are in ``imaging/staff_urls.py``)."""

from django.urls import URLPattern, URLResolver, path

from traceobject.gallery import staff_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("objects/", views.object_list, name="object_list"),
    path("objects/new/", views.object_create, name="object_create"),
    path("objects/<str:code>/", views.object_detail, name="object_detail"),
    path("objects/<str:code>/edit/", views.object_edit, name="object_edit"),
    path("objects/<str:code>/submit/", views.object_submit, name="object_submit"),
    path("objects/<str:code>/review/", views.object_review, name="object_review"),
    path("objects/<str:code>/withdraw/", views.object_withdraw, name="object_withdraw"),
    path("objects/<str:code>/languages/<str:language>/", views.object_translation, name="object_translation"),
    path(
        "objects/<str:code>/languages/<str:language>/delete/",
        views.object_translation_delete,
        name="object_translation_delete",
    ),
    path(
        "objects/<str:code>/languages/<str:language>/review/",
        views.object_translation_review,
        name="object_translation_review",
    ),
    path("translations/review/", views.translation_review_list, name="translation_review_list"),
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_create, name="release_create"),
    path("releases/<int:release_id>/", views.release_detail, name="release_detail"),
    path("releases/<int:release_id>/assign/", views.release_assign, name="release_assign"),
    path("releases/<int:release_id>/schedule/", views.release_schedule, name="release_schedule"),
]
