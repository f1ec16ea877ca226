"""The admin's sign-in with a second factor (django-otp), made usable in one step."""

from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice


class SingleDeviceAuthenticationForm(OTPAdminAuthenticationForm):
    """Uses the user's only authenticator app when none is chosen.

    django-otp lists a user's devices only after a first attempt; staff here have one
    TOTP app each, so they sign in with name, password and code at once.
    """

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Bitte den Code aus der Authenticator-App eingeben.",
        "device_required": "Bitte das Gerät für den zweiten Faktor auswählen.",
        "invalid_token": "Der Code ist ungültig oder abgelaufen. Bitte den aktuellen Code "
        "aus der Authenticator-App eingeben.",
    }

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True)[:2])
            if len(devices) == 1:
                device = devices[0]
        return device


class PortalOTPAdminSite(OTPAdminSite):
    login_form = SingleDeviceAuthenticationForm
