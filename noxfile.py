"""The version matrix: one nox session per framework version under test. Each
installs pysched and that framework in its own virtual environment and records
the oracles' traces as the trace set named after the session
(``conformance/traces/sets/<session>.json``); ``python -m conformance diff A B``
then compares two of them.

    nox -l                                       # the sessions
    nox -s torch-2.14.1                          # record one
    python -m conformance diff torch-2.13.0 torch-2.14.1

Run sessions one at a time on a machine (they share conformance/traces/values);
CI runs them in parallel on separate runners (.github/workflows/matrix.yml).
"""

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

# Off TensorFlow, Keras 3 runs the eager cases (graph execution and seed 003's
# classes need TensorFlow).
KERAS_EAGER = ["keras.*,eager]@keras3", "keras.*@keras3.resume"]

# session: (packages, drivers, case patterns, environment)
MATRIX = {
    "torch-2.13.0": (["torch==2.13.0", "transformers==5.23.0"], ["torch"], ["*"], {}),
    "torch-2.14.1": (["torch==2.14.1", "transformers==5.23.0"], ["torch"], ["*"], {}),
    "keras-3.15.1": (["tensorflow-cpu==2.21.0", "keras==3.15.1"], ["keras3"], ["*"], {}),
    # TensorFlow 2.21 needs Keras 3.12 or later; 3.10.0 (May 2025) runs on TensorFlow 2.19.
    "keras-3.10.0": (["tensorflow-cpu==2.19.0", "keras==3.10.0"], ["keras3"], ["*"], {}),
    "tf-keras-2.21.0": (["tf-keras==2.21.0"], ["tf_keras"], ["*"], {}),
    "keras-3.15.1-jax": (["keras==3.15.1", "jax==0.10.2", "jaxlib==0.10.2"], ["keras3"], KERAS_EAGER,
                         {"KERAS_BACKEND": "jax"}),
    "keras-3.15.1-torch": (["keras==3.15.1", "torch==2.13.0"], ["keras3"], KERAS_EAGER, {"KERAS_BACKEND": "torch"}),
}


def recorder(name: str, packages: list[str], drivers: list[str], cases: list[str], env: dict):
    def record(session: nox.Session) -> None:
        session.install("-e", ".", *packages)
        session.run("python", "-m", "conformance", "record", "--name", name, "--frameworks", *drivers,
                    "--cases", *cases, env={"TF_CPP_MIN_LOG_LEVEL": "3", **env})

    record.__doc__ = f"record {', '.join(packages)} as the trace set {name}"
    return record


for _name, _settings in MATRIX.items():
    nox.session(name=_name)(recorder(_name, *_settings))


# The comparisons the README reports: what changed between versions and backends.
DRIFT = [
    ("torch-2.13.0", "torch-2.14.1"),
    ("keras-3.10.0", "keras-3.15.1"),
    ("keras-3.15.1", "keras-3.15.1-jax"),
    ("keras-3.15.1", "keras-3.15.1-torch"),
    ("keras-3.15.1", "tf-keras-2.21.0", "--ignore-oracle"),
    *((name, "pinned") for name in ("torch-2.13.0", "keras-3.15.1", "tf-keras-2.21.0")),
]


@nox.session
def drift(session: nox.Session) -> None:
    """compare the recorded sets pairwise (conformance/reports/diff/<a>--<b>/)"""
    session.install("-e", ".")
    for a, b, *options in DRIFT:
        session.run("python", "-m", "conformance", "diff", a, b, *options, success_codes=[0, 1])
