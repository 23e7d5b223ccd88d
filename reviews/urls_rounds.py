"""URLs of the rounds part of reviews (included by reviews/urls.py)."""

urlpatterns = []
