"""A service whose jurisdiction nothing records speaks the installation's, not one in code."""

from stepwise.accounts.models import Organisation
from stepwise.onboarding.organisations import school_setup
from stepwise.referrals.selectors import inbox_pack
from tests.conftest import TODAY


def test_an_unplaced_service_in_a_kent_installation_uses_the_kent_pack(db):
    for n in (1, 2):
        school_setup(code=f"ENG-10{n}", name=f"School {n}", pack="kent", today=TODAY)
    school_setup(code="NZ-9", name="Other", pack="nz", today=TODAY)
    service = Organisation.objects.create(name="Service", kind=Organisation.Kind.SERVICE)
    assert inbox_pack(service).key == "kent"
