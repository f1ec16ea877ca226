"""The admin's sign-in (password and second factor) never fails, whatever is posted."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase


class AdminLoginFuzzTest(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(username=st.text(max_size=40), password=st.text(max_size=40))
    def test_admin_login_never_fails(self, username, password):
        response = self.client.post("/admin/login/", {"username": username, "password": password})
        self.assertLess(response.status_code, 500)
