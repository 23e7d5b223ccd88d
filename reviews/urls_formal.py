"""URLs of the formal part of reviews (included by reviews/urls.py)."""

urlpatterns = []
