"""URLs of the pool part of reviews (included by reviews/urls.py)."""

urlpatterns = []
