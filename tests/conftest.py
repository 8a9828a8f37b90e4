import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ORACLE_VERSIONS = pytest.StashKey[dict]()


def pytest_terminal_summary(terminalreporter, config):
    """Say how many conformance cases ran against live frameworks, and which."""
    stats = terminalreporter.stats
    outcomes = {outcome: sum("test_conformance.py" in report.nodeid for report in stats.get(outcome, ()))
                for outcome in ("passed", "failed", "skipped")}
    if not any(outcomes.values()):
        return
    terminalreporter.section("conformance")
    terminalreporter.write_line(", ".join(f"{n} {outcome}" for outcome, n in outcomes.items())
                                + " conformance cases against live oracles")
    from conformance.report import framework

    for driver, versions in sorted(config.stash.get(ORACLE_VERSIONS, {}).items()):
        terminalreporter.write_line(f"  {driver}: {framework(versions)} ({versions['libc']}, {versions['machine']})")
