"""Staff pages of books and shared cases, and the group's consent page (included by notices/urls.py)."""

from django.urls import path

from . import views_books

urlpatterns = [
    path("books/", views_books.books_index, name="books_index"),
    path("books/edition/<int:edition_pk>/", views_books.books_edition, name="books_edition"),
    path("books/edition/<int:edition_pk>/compendium/", views_books.books_compendium, name="books_compendium"),
    path("books/edition/<int:edition_pk>/package/", views_books.books_package, name="books_package"),
    path("books/package/<int:pk>/", views_books.books_package_status, name="books_package_status"),
    path("books/package/<int:pk>/download/", views_books.books_package_download, name="books_package_download"),
    path("cases/staff/", views_books.cases_staff, name="cases_staff"),
    path("cases/staff/<int:pk>/publish/", views_books.cases_publish, name="cases_publish"),
    path("cases/consent/<int:application_pk>/", views_books.case_consent, name="case_consent"),
]
