"""Objects of the certificate pages for the authorization matrix (tests/authz_matrix.yaml). "own" is a certified
application of own_group (with its certificate and a finished batch), "other" one of other_group. Prefixed "ct_"."""

from tests.authz_world import register_object


@register_object("ct_pair")
def _ct_pair(world):
    """Two certified applications of ct_edition (one level scheme per edition), re-homed to own_group and
    other_group (the factory made its own organisations)."""
    from applications.models import Application
    from tests.factories.certificates import confirmed_applications

    applications = confirmed_applications(world.get("ct_edition"), 2)
    for application, group_object in zip(applications, ("own_group", "other_group"), strict=True):
        group = world.get(group_object)
        Application.objects.filter(pk=application.pk).update(group=group, unit=group.unit)
        application.refresh_from_db()
    return applications


@register_object("ct_edition")
def _ct_edition(world):
    from tests.factories.certificates import certificate_template
    from tests.factories.recommenders import qc_edition

    edition = qc_edition()
    certificate_template(edition)
    return edition


@register_object("ct_programme")
def _ct_programme(world):
    return world.get("ct_edition").programme


@register_object("ct_own_application")
def _ct_own_application(world):
    return world.get("ct_pair")[0]


@register_object("ct_other_application")
def _ct_other_application(world):
    return world.get("ct_pair")[1]


@register_object("ct_batch")
def _ct_batch(world):
    from notices import certificates
    from notices.models import CertificateBatch
    from tests.factories import staff_user

    world.get("ct_own_application")
    world.get("ct_other_application")
    edition = world.get("ct_edition")
    batch = certificates.certificate_batch_start(actor=staff_user(), edition=edition, queue=False)
    while certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=0, lanes=1):
        pass
    return CertificateBatch.objects.get(pk=batch.pk)


@register_object("ct_number")
def _ct_number(world):
    world.get("ct_batch")
    return world.get("ct_own_application").certificate.number


@register_object("ct_own_certified")
def _ct_own_certified(world):
    world.get("ct_batch")
    return world.get("ct_own_application")


@register_object("ct_other_certified")
def _ct_other_certified(world):
    world.get("ct_batch")
    return world.get("ct_other_application")
