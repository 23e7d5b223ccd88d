from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from core.clients import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # The same address axes counts failures against (X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies).
        return client_ip(request)

    def get_login_redirect_url(self, request):
        return reverse("accounts:dashboard")

    def get_signup_redirect_url(self, request):
        return reverse("accounts:dashboard")
