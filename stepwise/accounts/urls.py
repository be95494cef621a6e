from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor
from .forms import SignInForm
from .views import SignInView

urlpatterns = [
    path("sign-in/", SignInView.as_view(authentication_form=SignInForm), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("two-factor/missing/", two_factor.two_factor_missing, name="two_factor_missing"),
    path("two-factor/enrol/<str:token>/", two_factor.two_factor_enrol, name="two_factor_enrol"),
]
