"""URLs of panels and the consensus meeting (included by reviews/urls.py under /reviews/panels/)."""

from django.urls import path

from . import views_panel as views

urlpatterns = [
    path("rounds/<int:pk>/", views.round_panels, name="round_panels"),
    path("rounds/<int:pk>/leader/", views.panel_leader, name="panel_leader"),
    path("<int:pk>/", views.panel_detail, name="panel_detail"),
    path("<int:pk>/conclude/<int:application_pk>/", views.panel_conclude, name="panel_conclude"),
]
