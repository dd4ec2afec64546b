"""The admin site: every staff account signs in with a password and a code from an authenticator
app (django-otp's TOTP). Staff whose session was not verified with a code are treated as if they
were not staff: every admin page sends them to the sign-in page."""

from django import forms
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice


class SignInForm(OTPAdminAuthenticationForm):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "class": "app-sign-in__code",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "aria-describedby": "otp-token-hint",  # the hint in templates/admin/login.html
            }
        ),
    )
    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required="Enter the 6-digit code from your authenticator app.",
        invalid_token="That code is not right, or has expired. Enter the code your app shows now.",
        device_required=(
            "This account has no authenticator app yet: ask a superuser to enrol one "
            "(manage.py enrol_totp)."
        ),
    )

    def _chosen_device(self, user):
        """Staff have one authenticator app each (enrol_totp), so the form asks for no choice."""
        chosen = super()._chosen_device(user)
        return chosen or TOTPDevice.objects.filter(user=user, confirmed=True).first()


class AdminSite(OTPAdminSite):
    login_form = SignInForm
    login_template = "admin/login.html"
