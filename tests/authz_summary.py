"""Prints the size of the state cells of the authorization matrix (tests/test_authz_states.py) after a run that
includes them: "authz states: A actions × their states = C cells, W wrong outcomes". A pytest plugin (registered in
tests/conftest.py) so that it also counts under pytest-xdist, where the reports reach the controller."""

CELL = "test_authz_states.py::test_state_cell["

_outcomes: dict[str, bool] = {}


def pytest_runtest_logreport(report):
    if CELL not in report.nodeid:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _outcomes[report.nodeid] = report.passed and _outcomes.get(report.nodeid, True)


def pytest_terminal_summary(terminalreporter):
    if not _outcomes:
        return
    actions = {nodeid.split("[", 1)[1].split("|", 1)[0] for nodeid in _outcomes}
    wrong = sum(not passed for passed in _outcomes.values())
    terminalreporter.write_line(
        f"authz states: {len(actions)} actions × their states = {len(_outcomes)} cells, {wrong} wrong outcomes"
    )
