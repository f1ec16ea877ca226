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
