"""The public pages, under the language prefixes: one namespace, ``gallery`` (its historical name),
composed here at the project level from the apps that own the pages, so that no app's URL module has to
import a higher app (docs/architecture.md, Layers)."""

from django.urls import include, path

app_name = "gallery"

urlpatterns = [
    path("", include("traceobject.stats.urls")),  # the home page (gallery and figures), results/
    path("", include("traceobject.tips.urls")),  # objects/<code>/ with its tip form, follow-up/
    path("", include("traceobject.gallery.urls")),  # identified/, about/, privacy/ …
]
