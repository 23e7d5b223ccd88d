from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import PermissionRequiredMixin, permission_required

from core import roles
from core.audit import audit_for
from core.exceptions import BusinessRuleError
from core.views import paginate

from . import selectors, services
from .enums import ApprovalStatus, Role
from .forms import (
    DecisionForm,
    ExpertInviteForm,
    GrantRoleForm,
    GroupForm,
    GroupMemberFormSet,
    GroupUnitChoiceForm,
    RecommenderForm,
    StaffSearchForm,
    UnitForm,
)
from .middleware import SESSION_KEY
from .models import Expert, Membership, QCGroup, Recommender, Unit

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
    form = UnitForm(request.POST or None)
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
    choice = GroupUnitChoiceForm(request.POST or None, prefix="choice")
    group_form = GroupForm(request.POST or None, prefix="group")
    unit_form = UnitForm(request.POST or None, prefix="unit")
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
    formset = GroupMemberFormSet(request.POST or None, instance=group, prefix="members")
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
            self._recommender = get_object_or_404(Recommender, pk=self.kwargs["pk"])
        return self._recommender

    def get(self, request, pk):
        from .dashboards import extras_for

        recommender = self.get_permission_object()
        units = paginate(request, selectors.recommender_units(recommender))
        context = {
            "recommender": recommender,
            "units": units,
            "pending_units": recommender.units.filter(status=ApprovalStatus.PENDING),
        }
        context.update(extras_for("recommender", request, recommender))
        return render(request, "accounts/recommender_dashboard.html", context)


@login_required
def expert_dashboard(request):
    if not request.user.has_perm("accounts.access_expert_channel"):
        raise PermissionDenied
    from .dashboards import extras_for

    expert = get_object_or_404(Expert, user=request.user)
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
    unit = get_object_or_404(Unit, pk=pk)
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
    group = get_object_or_404(QCGroup.objects.select_related("unit"), pk=pk)
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
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
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
        "counts": {
            "recommenders": Recommender.objects.count(),
            "units": Unit.objects.filter(status=ApprovalStatus.APPROVED).count(),
            "groups": QCGroup.objects.filter(status=ApprovalStatus.APPROVED).count(),
            "experts": Expert.objects.filter(is_active=True).count(),
        },
    }
    context.update(extras_for("staff", request, None))
    context["staff_section"] = "home"
    return render(request, "accounts/staff_dashboard.html", context)


@login_required
@staff_required
def staff_units(request):
    form = StaffSearchForm(request.GET or None)
    units = selectors.units_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            units = units.filter(name__icontains=data["q"]) | units.filter(credit_code__iexact=data["q"])
        if data["status"]:
            units = units.filter(status=data["status"])
        if data["recommender"]:
            units = units.filter(recommender=data["recommender"])
    page = paginate(request, units.order_by("status", "name"))
    return render(
        request,
        "accounts/staff_units.html",
        {"staff_section": "units", "form": form, "page": page, "decision_form": DecisionForm()},
    )


@require_POST
@login_required
@staff_required
def staff_unit_direct(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    try:
        services.unit_confirm_direct(actor=request.user, unit=unit, confirmed=request.POST.get("confirmed") == "1")
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return _back(request, "accounts:staff_units")


@login_required
@staff_required
def staff_groups(request):
    form = StaffSearchForm(request.GET or None)
    groups = selectors.groups_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            groups = groups.filter(name__icontains=data["q"]) | groups.filter(unit__name__icontains=data["q"])
        if data["status"]:
            groups = groups.filter(status=data["status"])
        if data["recommender"]:
            groups = groups.filter(unit__recommender=data["recommender"])
    page = paginate(request, groups.order_by("status", "name"))
    return render(
        request,
        "accounts/staff_groups.html",
        {"staff_section": "groups", "form": form, "page": page, "decision_form": DecisionForm()},
    )


@login_required
@staff_required
def staff_recommenders(request):
    form = StaffSearchForm(request.GET or None)
    recommenders = selectors.staff_recommenders()
    if form.is_valid():
        if form.cleaned_data["q"]:
            recommenders = recommenders.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            recommenders = recommenders.filter(kind=form.cleaned_data["kind"])
    return render(
        request,
        "accounts/staff_recommenders.html",
        {"staff_section": "recommenders", "form": form, "page": paginate(request, recommenders)},
    )


@login_required
@staff_required
def staff_recommender_create(request):
    form = RecommenderForm(request.POST or None)
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
    recommender = get_object_or_404(Recommender, pk=pk)
    try:
        services.recommender_set_active(
            actor=request.user,
            recommender=recommender,
            is_active=request.POST.get("active") == "1",
            note=request.POST.get("note", ""),
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return _back(request, "accounts:staff_recommenders")


@login_required
@staff_required
def staff_experts(request):
    form = StaffSearchForm(request.GET or None)
    experts = selectors.staff_experts()
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        experts = experts.filter(user__full_name__icontains=q) | experts.filter(organisation_name__icontains=q)
    return render(
        request,
        "accounts/staff_experts.html",
        {"staff_section": "experts", "form": form, "page": paginate(request, experts)},
    )


@login_required
@staff_required
def staff_expert_invite(request):
    form = ExpertInviteForm(request.POST or None)
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
    form = StaffSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    users = selectors.staff_users(
        search=data.get("q", ""), role=data.get("role", ""), active=request.GET.get("active", "")
    )
    return render(
        request, "accounts/staff_users.html", {"staff_section": "users", "form": form, "page": paginate(request, users)}
    )


@login_required
@staff_required
def staff_user_detail(request, pk):
    person = get_object_or_404(User, pk=pk)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_grant(
                actor=request.user,
                email=person.email,
                full_name=person.full_name,
                mobile=person.mobile,
                role=data["role"],
                recommender=data.get("recommender") if data["role"] == Role.RECOMMENDER else None,
                unit=data.get("unit") if data["role"] == Role.UNIT else None,
                can_decide=(data.get("can_decide") or None) if data["role"] == Role.RECOMMENDER else None,
            )
            if data["role"] == Role.EXPERT:
                Expert.objects.get_or_create(user=person, defaults={"organisation_name": "-"})
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:staff_user_detail", pk=person.pk)
    memberships = person.memberships.select_related("recommender", "unit", "group")
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
    person = get_object_or_404(User, pk=pk)
    try:
        services.user_set_active(actor=request.user, user=person, is_active=request.POST.get("active") == "1")
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("accounts:staff_user_detail", pk=person.pk)


@require_POST
@login_required
@staff_required
def staff_membership_active(request, pk):
    membership = get_object_or_404(Membership, pk=pk)
    try:
        services.membership_set_active(
            actor=request.user, membership=membership, is_active=request.POST.get("active") == "1"
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("accounts:staff_user_detail", pk=membership.user_id)


@require_POST
@login_required
@staff_required
def staff_membership_decider(request, pk):
    """Staff let a recommending organisation's member decide for it, or make them a reviewer (scores only)."""
    membership = get_object_or_404(Membership, pk=pk)
    try:
        services.membership_set_decider(
            actor=request.user, membership=membership, can_decide=request.POST.get("can_decide") == "1"
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("accounts:staff_user_detail", pk=membership.user_id)


@login_required
@staff_required
def staff_audit(request):
    from core.models import AuditEntry

    entries = AuditEntry.objects.select_related("actor", "content_type")
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(action__icontains=q) | entries.filter(object_repr__icontains=q)
    return render(
        request, "accounts/staff_audit.html", {"staff_section": "audit", "page": paginate(request, entries), "q": q}
    )
