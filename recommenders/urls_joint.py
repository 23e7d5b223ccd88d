"""URLs of 联合推荐 (joint recommendation), in the "recommenders" namespace."""

from django.urls import path

from . import views_joint as views

urlpatterns = [
    path("recommender/application/<int:pk>/joint/invite/", views.joint_invite, name="joint_invite"),
    path("recommender/<int:recommender_pk>/joint/", views.joint_invitations, name="joint_invitations"),
    path("recommender/joint/<int:pk>/decide/", views.joint_decide, name="joint_decide"),
]
