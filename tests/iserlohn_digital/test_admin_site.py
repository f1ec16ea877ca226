"""admin.site is the portal's site (AdminConfig.default_site); the second factor is asked
exactly when settings.OTP_REQUIRED."""

import pytest
from django.contrib import admin
from django.urls import reverse

from iserlohn_digital.otp import PortalAdminSite, SingleDeviceAuthenticationForm

pytestmark = pytest.mark.django_db

PASSWORD = "ein-langes-passwort-123"


def test_the_default_site_is_the_portal_site_in_the_admin_namespace():
    assert isinstance(admin.site._wrapped, PortalAdminSite)
    assert admin.site.name == "admin"
    assert reverse("admin:index") == "/admin/"
    assert admin.site.site_header == "Iserlohn digital – Redaktion"


def test_with_otp_required_staff_need_the_second_factor(client, django_user_model, settings):
    settings.OTP_REQUIRED = True
    user = django_user_model.objects.create_user("red", password=PASSWORD, is_staff=True)
    client.force_login(user)  # password only
    assert client.get(reverse("admin:index")).status_code == 302
    login = client.get(reverse("admin:login"))
    assert isinstance(login.context["form"], SingleDeviceAuthenticationForm)
    assert "otp_token" in login.context["form"].fields
    assert "Iserlohn digital – Redaktion" in login.content.decode()


def test_without_otp_required_the_password_suffices(client, django_user_model, settings):
    settings.OTP_REQUIRED = False
    django_user_model.objects.create_user("red", password=PASSWORD, is_staff=True)
    login = client.get(reverse("admin:login"))
    assert "otp_token" not in login.context["form"].fields
    response = client.post(reverse("admin:login"), {"username": "red", "password": PASSWORD})
    assert response.status_code == 302
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Inhalte der Digitalisierungsstrategie" in index.content.decode()


def totp_code(device):
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_the_only_authenticator_app_is_used_without_choosing_it(
    client, django_user_model, settings
):
    """django-otp alone would answer "Please select a device" (device_required)."""
    settings.OTP_REQUIRED = True
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_user("red", password=PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    data = {"username": "red", "password": PASSWORD, "otp_token": totp_code(device)}
    assert client.post(reverse("admin:login"), data).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_two_authenticator_apps_the_device_must_be_chosen(client, django_user_model, settings):
    settings.OTP_REQUIRED = True
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_user("red", password=PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    TOTPDevice.objects.create(user=user, name="Zweite App", confirmed=True)
    data = {"username": "red", "password": PASSWORD, "otp_token": totp_code(device)}
    response = client.post(reverse("admin:login"), data)
    assert response.status_code == 200
    assert "Bitte das Gerät für den zweiten Faktor auswählen." in response.content.decode()


def test_the_admin_speaks_german_where_django_has_no_german_yet(admin_client_logged_in):
    # A select without a default and the date widgets' time zone note (Django 6.1 strings
    # translated in locale/de).
    page = admin_client_logged_in.get(reverse("admin:measures_statusupdate_add")).content.decode()
    assert "– bitte auswählen –" in page and "Select an option" not in page
    catalog = admin_client_logged_in.get(reverse("admin:jsi18n")).content.decode()
    assert "Zeiten gelten in der Zeitzone" in catalog
