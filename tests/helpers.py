"""Small helpers the test modules share."""

from django.contrib.messages import get_messages
from django.test import Client


def client_for(user) -> Client:
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    """The flash messages queued during the request of `response`."""
    return [str(m) for m in get_messages(response.wsgi_request)]
