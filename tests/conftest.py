import os
from collections import Counter

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ORACLE_VERSIONS = pytest.StashKey[dict]()
RECORDED_SET = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, config):
    """Say how many conformance cases ran against recorded traces and against
    live frameworks, and which."""
    recorded, live = (_outcomes(terminalreporter.stats, name) for name in ("test_recorded.py", "test_conformance.py"))
    if not any(recorded.values()) and not any(live.values()):
        return
    terminalreporter.section("conformance")
    if any(recorded.values()):
        terminalreporter.write_line(f"{_counted(recorded)} conformance cases against recorded traces:")
        terminalreporter.write_line(f"  {config.stash.get(RECORDED_SET, '')}")
        terminalreporter.write_line(f"  families passed: {_families(terminalreporter.stats, 'test_recorded.py')}")
    if any(live.values()):
        terminalreporter.write_line(f"{_counted(live)} conformance cases against live oracles:")
        from conformance.report import framework

        for driver, versions in sorted(config.stash.get(ORACLE_VERSIONS, {}).items()):
            terminalreporter.write_line(f"  {driver}: {framework(versions)} ({versions['libc']}, "
                                        f"{versions['machine']})")


def _outcomes(stats: dict, test_file: str) -> dict[str, int]:
    return {outcome: sum(test_file in report.nodeid for report in stats.get(outcome, ()))
            for outcome in ("passed", "failed", "skipped")}


def _families(stats: dict, test_file: str) -> str:
    """'64 (keras 6, tf1 8, ...)': the kinds with a passing case, by namespace."""
    kinds = {report.nodeid.split("[", 1)[1].split("[", 1)[0] for report in stats.get("passed", ())
             if test_file in report.nodeid}
    namespaces = Counter(kind.split(".", 1)[0] for kind in kinds)
    return f"{len(kinds)} ({', '.join(f'{namespace} {n}' for namespace, n in sorted(namespaces.items()))})"


def _counted(outcomes: dict[str, int]) -> str:
    return ", ".join(f"{n} {outcome}" for outcome, n in outcomes.items())


def require_framework(name: str):
    """Import a framework for a test: skipped when it is not installed, unless
    PYSCHED_REQUIRE_FRAMEWORKS=1 (as .ci/run sets), when its absence fails."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as missing:
        if os.environ.get("PYSCHED_REQUIRE_FRAMEWORKS") == "1":
            pytest.fail(f"{name} is required here: {missing}")
        pytest.skip(f"{name} is not installed: {missing}")
