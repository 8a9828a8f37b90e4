"""A pytest plugin for tests/sanitize/run.sh memcheck: of the recorded-trace cases
(tests/test_recorded.py), the first of each kind, so that every family runs under
valgrind at a cost that fits; the other tests run as they are."""


def pytest_collection_modifyitems(config, items):
    """Deselect every recorded-trace case but the first of its kind."""
    seen, kept, dropped = set(), [], []
    for item in items:
        kind = item.callspec.id.split("[", 1)[0] if item.originalname == "test_recorded" else None
        (dropped if kind is not None and kind in seen else kept).append(item)
        seen.add(kind)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
