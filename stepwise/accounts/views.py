"""Signing in: Django's sign-in page, remembering when the user last signed in before."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse

# The session key of the user's previous sign-in (ISO 8601), so a page can say what is
# new since then; Django's own `last_login` already holds this sign-in once it is done.
PREVIOUS_SIGN_IN = "previous_sign_in"


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        previous = form.get_user().last_login
        response = super().form_valid(form)
        if previous is not None:
            self.request.session[PREVIOUS_SIGN_IN] = previous.isoformat()
        return response
