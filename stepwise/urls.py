from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("stepwise.accounts.urls")),
    path("", include("stepwise.audit.urls")),
    path("", include("stepwise.front.urls")),
]
