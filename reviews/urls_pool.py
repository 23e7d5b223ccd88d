"""URLs of the pool part of reviews (included by reviews/urls.py under /reviews/pool/)."""

from django.urls import path

from . import views_pool

urlpatterns = [
    path("", views_pool.pool_home, name="pool_home"),
    path("<int:programme_pk>/", views_pool.pool_list, name="pool_list"),
    path("<int:programme_pk>/add/", views_pool.pool_add, name="pool_add"),
    path("entry/<int:pk>/", views_pool.pool_edit, name="pool_edit"),
    path("<int:programme_pk>/import/", views_pool.pool_import_upload, name="pool_import"),
    path("<int:programme_pk>/import/confirm/", views_pool.pool_import_confirm, name="pool_import_confirm"),
    path("<int:programme_pk>/import/template.xlsx", views_pool.pool_template, name="pool_template"),
]
