"""URLs of the expert part of reviews (included by reviews/urls.py)."""

urlpatterns = []
