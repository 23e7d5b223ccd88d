"""Objects of the joint-recommendation (联合推荐) pages for the authorization matrix. Prefixed "jt_".

jt_own_application: a tackling project of own_unit, led by own_recommender (recommender_user may invite).
jt_other_application: one of other_unit, led by other_recommender.
jt_own_invitation: other_recommender invites own_recommender to jt_other_application (recommender_user answers).
jt_other_invitation: own_recommender invites other_recommender to jt_own_application (not recommender_user's to
answer: a 404).
"""

from awards.enums import ProgrammeKind
from awards.models import Programme
from tests.authz_world import register_object
from tests.factories import RecommenderFactory, recommender_member


@register_object("jt_edition")
def _jt_edition(world):
    from tests.factories.recommenders import qc_edition

    return qc_edition()


def _application(world, unit_object):
    from tests.factories.recommenders import endorsed_application

    edition = world.get("jt_edition")
    # Endorsed as a QC entry, then the programme becomes a tackling one (consortia, joint recommendation).
    application = endorsed_application(edition=edition, unit=world.get(unit_object))
    Programme.objects.filter(pk=edition.programme_id).update(kind=ProgrammeKind.TACKLING)
    return application


@register_object("jt_own_application")
def _jt_own_application(world):
    return _application(world, "own_unit")


@register_object("jt_other_application")
def _jt_other_application(world):
    return _application(world, "other_unit")


@register_object("jt_third_recommender")
def _jt_third_recommender(world):
    return RecommenderFactory(name="上海市质量协会测试推荐单位")


def _invitation(world, application_object, lead_object, invited_object):
    from recommenders import services_joint

    lead = world.get(lead_object)
    return services_joint.corecommendation_invite(
        actor=recommender_member(lead, email=f"jt-lead-{lead.pk}@authz.test"),
        application=world.get(application_object),
        recommender=world.get(invited_object),
    )


@register_object("jt_own_invitation")
def _jt_own_invitation(world):
    return _invitation(world, "jt_other_application", "other_recommender", "own_recommender")


@register_object("jt_other_invitation")
def _jt_other_invitation(world):
    return _invitation(world, "jt_own_application", "own_recommender", "other_recommender")
