import os

from hypothesis import HealthCheck, settings

# Modest example counts keep the suite fast; CI replays the same examples every run (derandomize) so a failure
# there is reproducible. No example database: nothing is written into the work tree. The pools are filtered for
# shapes worth testing (some draws are discarded): that is expected, not a health problem.
settings.register_profile(
    "dev",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
