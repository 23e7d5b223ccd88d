from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import PermissionRequiredMixin, permission_required

from core import roles
from core.audit import audit_for
from core.exceptions import BusinessRuleError
from core.pagecache import cached_page
from core.views import paginate

from . import filters, selectors, services
from .enums import ApprovalStatus, Role
from .forms import (
    DecisionForm,
    ExpertInviteForm,
    GrantRoleForm,
    GroupForm,
    GroupMemberFormSet,
    GroupUnitChoiceForm,
    RecommenderForm,
    UnitForm,
)
from .middleware import SESSION_KEY
from .models import Membership

User = get_user_model()


def dashboard_url(membership: Membership) -> str:
    """Each role lands on its own dashboard."""
    if membership.role == Role.STAFF:
        return reverse("accounts:staff_dashboard")
    if membership.role == Role.RECOMMENDER:
        return reverse("accounts:recommender_dashboard", args=[membership.recommender_id])
    if membership.role == Role.UNIT:
        return reverse("accounts:unit_dashboard", args=[membership.unit_id])
    if membership.role == Role.GROUP:
        return reverse("accounts:group_dashboard", args=[membership.group_id])
    return reverse("accounts:expert_dashboard")


@login_required
def dashboard(request):
    if request.active_membership:
        return redirect(dashboard_url(request.active_membership))
    if request.user.is_superuser:
        return redirect("accounts:staff_dashboard")
    if roles.memberships(request.user):
        return redirect("accounts:waiting")
    return render(request, "accounts/choose_channel.html")


@login_required
def waiting(request):
    waiting_for = []
    for membership in selectors.waiting_memberships(request.user):
        org = membership.organisation
        if membership.role == Role.UNIT:
            approver = org.recommender or _("the association's secretariat")
        elif membership.role == Role.GROUP:
            approver = (
                org.unit
                if org.unit.is_approved
                else _("%(recommender)s, then your unit")
                % {"recommender": org.unit.recommender or _("the association's secretariat")}
            )
        else:
            approver = _("the association's secretariat")
        waiting_for.append({"membership": membership, "organisation": org, "approver": approver})
    if not waiting_for and request.active_membership:
        return redirect(dashboard_url(request.active_membership))
    return render(request, "accounts/waiting.html", {"waiting_for": waiting_for})


@require_POST
@login_required
def switch_role(request):
    try:
        membership_id = int(request.POST.get("membership", ""))
    except ValueError as exc:
        raise Http404 from exc
    membership = next((m for m in roles.usable(request.user) if m.pk == membership_id), None)
    if membership is None:
        raise PermissionDenied
    request.session[SESSION_KEY] = membership.pk
    messages.info(request, _("You now act as %(role)s.") % {"role": membership})
    return redirect(dashboard_url(membership))


@login_required
def register_unit(request):
    form = UnitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_register(actor=request.user, data=form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Unit “%(unit)s” registered; it now waits for approval.") % {"unit": unit})
            return redirect("accounts:waiting")
    return render(request, "accounts/unit_register.html", {"form": form})


@login_required
def register_group(request):
    choice = GroupUnitChoiceForm(request.POST if request.method == "POST" else None, prefix="choice")
    group_form = GroupForm(request.POST if request.method == "POST" else None, prefix="group")
    unit_form = UnitForm(request.POST if request.method == "POST" else None, prefix="unit")
    wants_new_unit = request.method == "POST" and request.POST.get("choice-request_new_unit") == "on"
    if request.method == "POST":
        valid = choice.is_valid() & group_form.is_valid()
        if wants_new_unit:
            valid &= unit_form.is_valid()
        if valid:
            try:
                group = services.group_register(
                    actor=request.user,
                    unit=None if wants_new_unit else choice.cleaned_data["unit"],
                    new_unit=unit_form.cleaned_data if wants_new_unit else None,
                    data=group_form.cleaned_data,
                )
            except BusinessRuleError as error:
                choice.add_error(None, error.message)
            else:
                messages.success(
                    request, _("QC group “%(group)s” registered; it now waits for approval.") % {"group": group}
                )
                return redirect("accounts:waiting")
    chosen = choice.cleaned_data.get("unit") if choice.is_bound and hasattr(choice, "cleaned_data") else None
    return render(
        request,
        "accounts/group_register.html",
        {
            "choice": choice,
            "group_form": group_form,
            "unit_form": unit_form,
            "wants_new_unit": wants_new_unit,
            "chosen_unit": chosen,
        },
    )


@require_GET
@login_required
def unit_search(request):
    units, total = selectors.approved_units_search(request.GET.get("q", ""))
    return render(
        request,
        "accounts/_unit_search_results.html",
        {"units": units, "total": total, "more": total - len(units), "q": request.GET.get("q", "")},
    )


class GroupDashboardView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "accounts.view_group"

    def get_permission_object(self):
        if not hasattr(self, "_group"):
            self._group = selectors.group_for(self.request.user, self.kwargs["pk"])
        return self._group

    def get(self, request, pk):
        group = self.get_permission_object()
        context = {"group": group, "members": group.members.all(), "audit": audit_for(group)[:20]}
        context.update(group_dashboard_extras(request, group))
        return render(request, "accounts/group_dashboard.html", context)


def group_dashboard_extras(request, group) -> dict:
    """Later channels add their panels through `accounts.dashboards` hooks; see `accounts/dashboards.py`."""
    from .dashboards import extras_for

    return extras_for("group", request, group)


@login_required
def group_members(request, pk):
    group = selectors.group_for(request.user, pk)
    if not request.user.has_perm("accounts.change_group", group):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("add_row"):
        # "Add a member" without JavaScript: the same rows as typed, plus one empty row; nothing is saved yet.
        data = request.POST.copy()
        raw_total = data.get("members-TOTAL_FORMS", "")
        total = int(raw_total) if raw_total.isdigit() else 0
        data["members-TOTAL_FORMS"] = str(min(total + 1, GroupMemberFormSet.max_num))
        formset = GroupMemberFormSet(data, instance=group, prefix="members")
        return render(request, "accounts/group_members.html", {"group": group, "formset": formset})
    formset = GroupMemberFormSet(request.POST if request.method == "POST" else None, instance=group, prefix="members")
    if request.method == "POST" and formset.is_valid():
        services.group_members_save(actor=request.user, group=group, formset=formset)
        messages.success(request, _("Members saved."))
        return redirect("accounts:group_dashboard", pk=group.pk)
    return render(request, "accounts/group_members.html", {"group": group, "formset": formset})


class UnitDashboardView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "accounts.view_unit"

    def get_permission_object(self):
        if not hasattr(self, "_unit"):
            self._unit = selectors.unit_for(self.request.user, self.kwargs["pk"])
        return self._unit

    def get(self, request, pk):
        from .dashboards import extras_for

        unit = self.get_permission_object()
        context = {
            "unit": unit,
            "groups": selectors.unit_groups(unit),
            "audit": selectors.unit_activity(unit),
            "decision_form": DecisionForm(),
        }
        context.update(extras_for("unit", request, unit))
        return render(request, "accounts/unit_dashboard.html", context)


class RecommenderDashboardView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "accounts.view_recommender"

    def get_permission_object(self):
        if not hasattr(self, "_recommender"):
            self._recommender = selectors.recommender_by_pk(self.kwargs["pk"])
        return self._recommender

    def get(self, request, pk):
        from .dashboards import extras_for

        recommender = self.get_permission_object()
        units = paginate(request, selectors.recommender_units(recommender))
        context = {
            "recommender": recommender,
            "units": units,
            "pending_units": selectors.recommender_pending_units(recommender),
        }
        context.update(extras_for("recommender", request, recommender))
        return render(request, "accounts/recommender_dashboard.html", context)


@login_required
def expert_dashboard(request):
    if not request.user.has_perm("accounts.access_expert_channel"):
        raise PermissionDenied
    from .dashboards import extras_for

    expert = selectors.expert_of(request.user)
    context = {"expert": expert}
    context.update(extras_for("expert", request, expert))
    return render(request, "accounts/expert_dashboard.html", context)


def _back(request, fallback):
    target = request.POST.get("next") or request.headers.get("Referer")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
@login_required
def unit_decide(request, pk):
    unit = selectors.unit_by_pk(pk)
    if not request.user.has_perm("accounts.approve_unit", unit):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid decision."))
        return _back(request, "accounts:dashboard")
    try:
        services.unit_set_status(
            actor=request.user, unit=unit, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(obj)s” is now: %(status)s.")
            % {"obj": unit, "status": ApprovalStatus(form.cleaned_data["status"]).label},
        )
    return _back(request, "accounts:dashboard")


@require_POST
@login_required
def group_decide(request, pk):
    group = selectors.group_by_pk(pk)
    if not request.user.has_perm("accounts.approve_group", group):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid decision."))
        return _back(request, "accounts:dashboard")
    try:
        services.group_set_status(
            actor=request.user, group=group, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(obj)s” is now: %(status)s.")
            % {"obj": group, "status": ApprovalStatus(form.cleaned_data["status"]).label},
        )
    return _back(request, "accounts:dashboard")


def accept_invitation(request, uidb64, token):
    """An invited user (recommender contact, expert) sets a password through the emailed link."""
    user = selectors.user_from_uid(uidb64)
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        messages.success(request, _("Your password is set. Welcome to the SAQ Portal."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user})


# --- Staff console (秘书处) -------------------------------------------------------------------------------------


staff_required = permission_required("accounts.access_staff_console", raise_exception=True)


@login_required
@staff_required
def staff_dashboard(request):
    from .dashboards import extras_for

    pending = selectors.pending_for(request.user)
    context = {
        "pending_units": pending["units"][:10],
        "pending_unit_count": pending["units"].count(),
        "pending_groups": pending["groups"][:10],
        "pending_group_count": pending["groups"].count(),
        "counts": selectors.staff_counts(),
    }
    context.update(extras_for("staff", request, None))
    context["staff_section"] = "home"
    return render(request, "accounts/staff_dashboard.html", context)


def staff_list(request, *, filterset_class, queryset, template: str, section: str, **extra):
    """Every staff console list: its FilterSet over the selector's queryset, one page of the result.

    The template renders `form` with accounts/_staff_filter.html (the search box, then each filter's select) and
    `page`; the rows' related objects come from the selector, so a page costs the same queries however long."""
    filterset = filterset_class(request.GET or None, queryset=queryset)
    context = {"staff_section": section, "form": filterset.form, "page": paginate(request, filterset.qs), **extra}
    return render(request, template, context)


@login_required
@staff_required
@cached_page
def staff_units(request):
    return staff_list(
        request,
        filterset_class=filters.UnitFilter,
        queryset=selectors.staff_units(request.user),
        template="accounts/staff_units.html",
        section="units",
        decision_form=DecisionForm(),
    )


def _apply_and_say(request, service, **kwargs) -> None:
    """Run a staff setting's service as the signed-in user and say how it went: its refusal, or "Saved."."""
    try:
        service(actor=request.user, **kwargs)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))


@require_POST
@login_required
@staff_required
def staff_unit_direct(request, pk):
    unit = selectors.unit_by_pk(pk)
    _apply_and_say(request, services.unit_confirm_direct, unit=unit, confirmed=request.POST.get("confirmed") == "1")
    return _back(request, "accounts:staff_units")


@login_required
@staff_required
def staff_groups(request):
    return staff_list(
        request,
        filterset_class=filters.GroupFilter,
        queryset=selectors.staff_groups(request.user),
        template="accounts/staff_groups.html",
        section="groups",
        decision_form=DecisionForm(),
    )


@login_required
@staff_required
def staff_recommenders(request):
    return staff_list(
        request,
        filterset_class=filters.RecommenderFilter,
        queryset=selectors.staff_recommenders(),
        template="accounts/staff_recommenders.html",
        section="recommenders",
    )


@login_required
@staff_required
def staff_recommender_create(request):
    form = RecommenderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommender = services.recommender_create(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                contact_mobile=data["contact_mobile"] or None,
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("“%(name)s” created; its contact has been invited by email.") % {"name": recommender}
            )
            return redirect("accounts:staff_recommenders")
    return render(request, "accounts/staff_recommender_form.html", {"staff_section": "recommenders", "form": form})


@require_POST
@login_required
@staff_required
def staff_recommender_active(request, pk):
    recommender = selectors.recommender_by_pk(pk)
    _apply_and_say(
        request,
        services.recommender_set_active,
        recommender=recommender,
        is_active=request.POST.get("active") == "1",
        note=request.POST.get("note", ""),
    )
    return _back(request, "accounts:staff_recommenders")


@login_required
@staff_required
def staff_experts(request):
    return staff_list(
        request,
        filterset_class=filters.ExpertFilter,
        queryset=selectors.staff_experts(),
        template="accounts/staff_experts.html",
        section="experts",
    )


@login_required
@staff_required
def staff_expert_invite(request):
    form = ExpertInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expert_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                mobile=data["mobile"] or None,
                organisation_name=data["organisation_name"],
                title=data["title"],
                specialities=data["specialities"],
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Expert %(name)s invited.") % {"name": data["full_name"]})
            return redirect("accounts:staff_experts")
    return render(request, "accounts/staff_expert_form.html", {"staff_section": "experts", "form": form})


@login_required
@staff_required
def staff_users(request):
    return staff_list(
        request,
        filterset_class=filters.UserFilter,
        queryset=selectors.staff_users(),
        template="accounts/staff_users.html",
        section="users",
    )


@login_required
@staff_required
def staff_user_detail(request, pk):
    person = selectors.user_by_pk(pk)
    form = GrantRoleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_role_grant(
                actor=request.user,
                user=person,
                role=data["role"],
                recommender=data.get("recommender"),
                unit=data.get("unit"),
                can_decide=data.get("can_decide") or None,
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:staff_user_detail", pk=person.pk)
    memberships = selectors.user_memberships(person)
    return render(
        request,
        "accounts/staff_user_detail.html",
        {
            "staff_section": "users",
            "person": person,
            "memberships": memberships,
            "form": form,
            "audit": audit_for(person)[:50],
        },
    )


@require_POST
@login_required
@staff_required
def staff_user_active(request, pk):
    person = selectors.user_by_pk(pk)
    _apply_and_say(request, services.user_set_active, user=person, is_active=request.POST.get("active") == "1")
    return redirect("accounts:staff_user_detail", pk=person.pk)


@require_POST
@login_required
@staff_required
def staff_membership_active(request, pk):
    membership = selectors.membership_by_pk(pk)
    _apply_and_say(
        request, services.membership_set_active, membership=membership, is_active=request.POST.get("active") == "1"
    )
    return redirect("accounts:staff_user_detail", pk=membership.user_id)


@require_POST
@login_required
@staff_required
def staff_membership_decider(request, pk):
    """Staff let a recommending organisation's member decide for it, or make them a reviewer (scores only)."""
    membership = selectors.membership_by_pk(pk)
    _apply_and_say(
        request,
        services.membership_set_decider,
        membership=membership,
        can_decide=request.POST.get("can_decide") == "1",
    )
    return redirect("accounts:staff_user_detail", pk=membership.user_id)


@login_required
@staff_required
def staff_audit(request):
    return staff_list(
        request,
        filterset_class=filters.AuditFilter,
        queryset=selectors.staff_audit_entries(),
        template="accounts/staff_audit.html",
        section="audit",
    )
