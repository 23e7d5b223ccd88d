"""What the presentation competition adds to other channels' dashboards (registered in ReviewsConfig.ready()):
a group sees its session, slot time, venue, instructions and the file upload; an expert sees the sessions they
judge. Context keys start with `presentation_`."""

from . import presentation


def group_panel(request, group):
    slots = presentation.group_slots(application__group=group)
    if not slots:
        return None
    return {"dashboard_panels": ["reviews/presentation/_group_panel.html"], "presentation_slots": slots}


def expert_panel(request, expert):
    sessions = presentation.judge_sessions(request.user) if expert is not None else []
    if not sessions:
        return None
    return {"dashboard_panels": ["reviews/presentation/_judge_panel.html"], "presentation_sessions": sessions}
