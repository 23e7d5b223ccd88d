"""URLs of 公示, 异议 and 结果公布 (included by notices/urls.py under /notices/results/)."""

from django.urls import path

from . import views_results as v

urlpatterns = [
    path("results/", v.public_index, name="results_public_index"),
    path("results/<int:edition_pk>/", v.public_publicity, name="results_publicity"),
    path("results/<int:edition_pk>/final/", v.public_final, name="results_final"),
    path("results/<int:edition_pk>/objection/", v.objection_new, name="objection_new"),
    path("results/objection/status/", v.objection_status, name="objection_status"),
    path("results/objection/request/<int:pk>/answer/", v.objection_answer, name="objection_answer"),
    path("staff/results/", v.staff_index, name="results_index"),
    path("staff/results/<int:edition_pk>/", v.staff_edition, name="results_edition"),
    path("staff/results/<int:edition_pk>/publish/", v.staff_publish, name="results_publish"),
    path("staff/results/<int:edition_pk>/finalise/", v.staff_finalise, name="results_finalise"),
    path("staff/results/<int:edition_pk>/document/", v.staff_document, name="results_document"),
    path(
        "staff/results/<int:edition_pk>/application/<int:application_pk>/revoke/",
        v.staff_revoke,
        name="results_revoke",
    ),
    path("staff/objections/<int:pk>/", v.staff_objection, name="objection_detail"),
    path("staff/objections/files/<int:pk>/", v.staff_objection_file, name="objection_file"),
]
