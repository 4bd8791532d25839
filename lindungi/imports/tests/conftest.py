# The placement fixtures (people with passports, employers, job orders with an SIP2MI) are shared
# with the placement import tests.
from lindungi.placements.tests.conftest import make_employer, make_job_order, make_person  # noqa: F401
