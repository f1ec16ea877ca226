"""The admin site, with a second factor (django-otp) when settings.OTP_REQUIRED, made
usable in one step."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
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


class PortalAdminSite(OTPAdminSite):
    """`admin.site` (see iserlohn_digital.apps.PortalAdminConfig).

    With settings.OTP_REQUIRED (the default whenever DEBUG is off) it is django-otp's
    OTPAdminSite: staff sign in with password and TOTP code at once (see README:
    enrol_totp) and only verified users get in. Without it, it is Django's AdminSite.
    The setting is read on every request, not once at startup.
    """

    site_header = "Iserlohn digital – Redaktion"
    site_title = "Iserlohn digital"
    index_title = "Inhalte der Digitalisierungsstrategie"
    # "Meine Aufgaben" above the list of contents (workspace app).
    index_template = "workspace/admin_index.html"

    def __init__(self, name="admin"):
        # OTPAdminSite names itself "otpadmin"; the URLs stay in the "admin" namespace.
        super().__init__(name)

    @property
    def login_form(self):
        if settings.OTP_REQUIRED:
            return SingleDeviceAuthenticationForm
        return AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.OTP_REQUIRED else None

    def has_permission(self, request):
        if settings.OTP_REQUIRED:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
