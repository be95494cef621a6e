from django.contrib import admin
from django.urls import include, path

from stepwise.ops.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("stepwise.accounts.urls")),
    path("", include("stepwise.audit.urls")),
    path("", include("stepwise.front.urls")),
    path("", include("stepwise.responses.urls")),
    path("", include("stepwise.referrals.urls")),
    path("", include("stepwise.dashboard.urls")),
    path("", include("stepwise.privacy.urls")),
    path("", include("stepwise.cases.urls")),
    path("", include("stepwise.api.urls")),
    path("", include("stepwise.letters.urls")),
    path("", include("stepwise.certificates.urls")),
    path("", include("stepwise.readiness.urls")),
    path("", include("stepwise.onboarding.urls")),
]

handler500 = "stepwise.ops.views.server_error"
