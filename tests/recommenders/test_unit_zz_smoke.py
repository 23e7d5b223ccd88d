import pytest
from documents.services import document_build_now
from tests.factories.recommenders import *

@pytest.mark.django_db
def test_chain():
    e = qc_edition()
    a = submitted_application(edition=e)
    c = contact_of(a.unit)
    self_evaluated(a, c)
    import time; t=time.time()
    d = document_build_now(kind="scoring_opinion_form", obj=a)
    print(d.status, d.error, time.time()-t)
    open("/tmp/sof.pdf","wb").write(d.file.read())
