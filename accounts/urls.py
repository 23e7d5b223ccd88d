from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("waiting/", views.waiting, name="waiting"),
    path("roles/switch/", views.switch_role, name="switch_role"),
    path("register/unit/", views.register_unit, name="register_unit"),
    path("register/group/", views.register_group, name="register_group"),
    path("units/search/", views.unit_search, name="unit_search"),
    path("invitation/<uidb64>/<token>/", views.accept_invitation, name="accept_invitation"),
    path("group/<int:pk>/", views.GroupDashboardView.as_view(), name="group_dashboard"),
    path("group/<int:pk>/members/", views.group_members, name="group_members"),
    path("group/<int:pk>/decide/", views.group_decide, name="group_decide"),
    path("unit/<int:pk>/", views.UnitDashboardView.as_view(), name="unit_dashboard"),
    path("unit/<int:pk>/decide/", views.unit_decide, name="unit_decide"),
    path("recommender/<int:pk>/", views.RecommenderDashboardView.as_view(), name="recommender_dashboard"),
    path("expert/", views.expert_dashboard, name="expert_dashboard"),
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/units/", views.staff_units, name="staff_units"),
    path("staff/units/<int:pk>/direct/", views.staff_unit_direct, name="staff_unit_direct"),
    path("staff/groups/", views.staff_groups, name="staff_groups"),
    path("staff/recommenders/", views.staff_recommenders, name="staff_recommenders"),
    path("staff/recommenders/new/", views.staff_recommender_create, name="staff_recommender_create"),
    path("staff/recommenders/<int:pk>/active/", views.staff_recommender_active, name="staff_recommender_active"),
    path("staff/experts/", views.staff_experts, name="staff_experts"),
    path("staff/experts/invite/", views.staff_expert_invite, name="staff_expert_invite"),
    path("staff/users/", views.staff_users, name="staff_users"),
    path("staff/users/<int:pk>/", views.staff_user_detail, name="staff_user_detail"),
    path("staff/users/<int:pk>/active/", views.staff_user_active, name="staff_user_active"),
    path("staff/memberships/<int:pk>/active/", views.staff_membership_active, name="staff_membership_active"),
    path("staff/memberships/<int:pk>/decider/", views.staff_membership_decider, name="staff_membership_decider"),
    path("staff/audit/", views.staff_audit, name="staff_audit"),
]
