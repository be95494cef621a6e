from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/v1/docs/assets/<str:name>", views.api_docs_asset, name="api_docs_asset"),
    path("organisations/<int:org_id>/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "organisations/<int:org_id>/api-tokens/<int:pk>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
]
