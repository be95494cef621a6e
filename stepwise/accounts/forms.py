"""The sign-in form: a password, and for case staff and admins an authenticator already set up."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .two_factor import has_authenticator, needs_two_factor

NO_AUTHENTICATOR = (
    "Your role needs a code from an authenticator app as well as your password, and you have "
    "not set one up. Ask an administrator of your organisation for an enrolment link."
)


class SignInForm(AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        """Refuse someone whose role needs two factors and who has no authenticator yet.

        Their authenticator is set up only through an enrolment link (accounts.enrolment),
        never by a password alone.
        """
        super().confirm_login_allowed(user)
        if needs_two_factor(user) and not has_authenticator(user):
            raise ValidationError(NO_AUTHENTICATOR, code="no_authenticator")
