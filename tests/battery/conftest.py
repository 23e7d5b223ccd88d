"""The reliability/security battery (issue 13): fuzzed forms, hostile uploads, export cells and PDF rendering.

Hypothesis runs under the "battery" profile: no deadline (a loaded CI machine must not turn slowness into a
failure), no example database (runs are reproducible from the seed alone, nothing is written to the worktree) and
`derandomize` so every run draws the same examples. HYPOTHESIS_EXAMPLES lowers the examples per form (default 200).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "battery",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "200")),
    deadline=None,
    database=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
