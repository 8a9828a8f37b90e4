"""Extremes (issue 7, item 6): the largest and smallest steps, parameters at
the limits of float32 and float64, 10**8-step evaluations, allocations that
cannot succeed, deep compositions, a replayed recursion asked for a huge step,
and hostile spec files through the command line. Each gives a value or a clear
error, never a crash, a hang, a traceback or a silent inf/NaN."""

import json
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import pysched
from pysched import _family
from pysched._params import Integer, Real

from examples import EXAMPLES, spec

COMMAND = Path(sys.executable).with_name("pysched")
LF = {"kind": "seed.lf", "lr0": 0.01, "epochs": 30, "lrf": 0.01}


def lf(step: int) -> float:
    """seed.lf as the seed's lambda computes it in Python (LambdaLR: lr0 * lf(x))."""
    return 0.01 * (((1 + math.cos(step * math.pi / 30)) / 2) * (1 - 0.01) + 0.01)


# ---- steps --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [0, 1, 2**31, 2**53 - 1, 2**53])
def test_steps_up_to_2_53_are_exact(step):
    s = pysched.schedule(LF)
    assert s(step) == lf(step)
    assert s(np.array([step], dtype=np.int64))[0] == lf(step)
    assert s(np.array([step], dtype=np.uint64))[0] == lf(step)
    assert s(range(step, step + 1))[0] == lf(step)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_every_family_is_finite_or_refuses_at_the_largest_steps(kind):
    s = pysched.schedule(spec(kind))
    for step in (0, 1, 2**31, 2**53):
        try:
            value = s(np.array([step]))
        except ValueError as error:
            assert str(error).startswith(kind) and str(step) in str(error)
        else:
            assert value.dtype == np.dtype(s.dtype) and np.isfinite(value).all()


BEYOND = [2**53 + 1, 2**53 + 2, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**30, -1, -(2**63)]


@pytest.mark.parametrize("step", BEYOND)
def test_a_step_past_the_exact_range_is_a_clear_error(step):
    s = pysched.schedule(LF)
    message = rf"seed.lf: steps must be in \[0, 2\*\*53\], got {step} at index 0"
    with pytest.raises(ValueError, match=message):
        s(step)
    with pytest.raises(ValueError, match=message):
        s([step])
    if -(2**63) <= step < 2**64:
        with pytest.raises(ValueError, match=message):
            s(np.array([step], dtype=np.int64 if step < 2**63 else np.uint64))


def test_a_float_step_past_2_53_is_refused_even_when_it_looks_whole():
    with pytest.raises(ValueError, match=r"steps must be in \[0, 2\*\*53\]"):
        pysched.schedule(LF)(np.array([2.0**60]))


# ---- a replayed recursion asked for a huge step --------------------------------------------------------------------

REPLAY_BOUND = 2**27  # PSK_MAX_REPLAY: changing steps a stepped form replays per call
REPLAY_PROBE = textwrap.dedent("""
    import json, numpy as np, pysched
    s = pysched.schedule({"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 1000, "eta_min": 0.001,
                          "closed_form": False})
    outcomes = []
    for steps in ([2**27, 2**27 + 1], 2**53):
        try:
            outcomes.append(np.asarray(s(steps)).tolist())
        except ValueError as error:
            outcomes.append(str(error))
    print(json.dumps(outcomes))
""")


def test_a_replayed_recursion_stops_at_its_bound_with_a_clear_error():
    """One call replays the steps up to 2**27 once: the step at the bound gets
    its value, the next one the error; 2**53 fails after the same bounded work
    (a generous timeout: about 4 s of replay each on an idle core)."""
    done = subprocess.run([sys.executable, "-c", REPLAY_PROBE], capture_output=True, text=True, timeout=600,
                          check=True)
    array_call, huge = json.loads(done.stdout)
    reach = ("is beyond the stepped form's reach: it replays every step that changes the learning rate, "
             "at most 2**27 of them (closed forms have no limit)")
    assert array_call == f"torch.CosineAnnealingLR: step {REPLAY_BOUND + 1} {reach}"
    assert huge == f"torch.CosineAnnealingLR: step {2**53} {reach}"


def test_the_step_at_the_replay_bound_has_its_value():
    s = pysched.schedule({"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 1000, "eta_min": 0.001,
                          "closed_form": False})
    closed = pysched.schedule({**s.to_dict(), "closed_form": True})
    value = s(REPLAY_BOUND)
    assert 0.001 <= value <= 0.1
    assert math.isclose(value, closed(REPLAY_BOUND), rel_tol=1e-6)  # the recursion's drift, bounded


def test_a_stepped_form_that_stops_changing_reaches_any_step():
    """Only steps that change the rate count against the bound: StepLR's
    stepped form jumps over the quiet ones."""
    step_lr = {"kind": "torch.StepLR", "lr": 0.1, "step_size": 2**40, "gamma": 0.5, "closed_form": False}
    assert pysched.schedule(step_lr)(2**53) == 0.1 * 0.5**2**13


# ---- parameters at the limits -------------------------------------------------------------------------------------

FLOAT32 = np.finfo(np.float32)
LIMITS = [0, 1, 0.0, 1.0, -1.0, float(FLOAT32.max), float(FLOAT32.tiny), float(FLOAT32.smallest_subnormal),
          1e308, -1e308, 5e-324, sys.float_info.max, 2**53, 2**63, 10**400]
LIMIT_STEPS = np.array([0, 1, 2, 999, 1000, 10**6, 2**31, 2**53])


def number_params(kind):
    """Each numeric parameter of a family, and whether it takes floats."""
    return [(p.name, type(p) is Real) for p in pysched.families()[kind].params if type(p) in (Real, Integer)]


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_parameters_at_the_limits_give_finite_values_or_a_clear_error(kind):
    checked = 0
    for name, takes_floats in number_params(kind):
        for value in LIMITS if takes_floats else [v for v in LIMITS if isinstance(v, int)]:
            try:
                values = pysched.schedule(spec(kind, **{name: value}))(LIMIT_STEPS)
            except (ValueError, TypeError) as error:
                message = str(error)
                assert message.startswith(f"{kind}: ") and (name in message or "step" in message), (name, value)
            else:
                assert np.isfinite(values).all(), (name, value, values)
            checked += 1
    assert checked or not number_params(kind)


@pytest.mark.parametrize("kind, name", [("keras.ExponentialDecay", "decay_steps"),
                                        ("tf1.polynomial_decay", "power"),
                                        ("od.exponential_decay_with_burnin", "learning_rate_decay_factor")])
@pytest.mark.parametrize("value", [1e308, sys.float_info.max, 3.5e38])
def test_a_float_beyond_float32_is_refused_where_tensorflow_refuses_it(kind, name, value):
    """TensorFlow raises turning such a Python float into a float32 tensor; the
    kernel used to get inf and refuse with no word of which parameter."""
    with pytest.raises(ValueError, match=rf"^{kind}: {name} = {re.escape(repr(value))} is beyond float32's range"):
        pysched.schedule(spec(kind, **{name: value}))


@pytest.mark.parametrize("kind, name", [("keras.ExponentialDecay", "decay_steps"),
                                        ("tf1.linear_cosine_decay", "decay_steps"),
                                        ("keras.CosineDecayRestarts", "t_mul"),
                                        ("od.exponential_decay_with_burnin", "learning_rate_decay_steps")])
@pytest.mark.parametrize("value", [5e-324, 1e-50])
def test_a_length_that_float32_makes_0_is_refused_by_name(kind, name, value):
    """TensorFlow divides by the float32 tensor of it, 0; the kernel used to
    refuse with no word of which parameter."""
    with pytest.raises(ValueError, match=rf"^{kind}: {name} must be > 0 as the float32 tensor TensorFlow makes of "
                                         rf"it, got {re.escape(repr(value))}, which rounds to 0.0$"):
        pysched.schedule(spec(kind, **{name: value}))


@pytest.mark.parametrize("value, shown", [(10**400, "an int of 1329 bits"), (-(10**5000), "an int of 16610 bits"),
                                          (2**1024, "an int of 1025 bits")], ids=["10**400", "-10**5000", "2**1024"])
def test_an_int_beyond_float64_is_refused_by_name(value, shown):
    """It used to pass the check and fail converting to a double (OverflowError)."""
    with pytest.raises(ValueError, match=f"^keras.ExponentialDecay: decay_steps must be finite, got {shown}$"):
        pysched.schedule(spec("keras.ExponentialDecay", decay_steps=value))


def test_decay_steps_of_1_rates_of_0_and_1_and_a_power_of_0():
    rate_one = pysched.schedule(spec("keras.ExponentialDecay", decay_steps=1, decay_rate=1.0, staircase=False))
    assert (rate_one(np.arange(100)) == np.float32(0.1)).all()
    rate_zero = pysched.schedule(spec("keras.ExponentialDecay", decay_steps=1, decay_rate=0.0, staircase=False))
    assert rate_zero(0) == np.float32(0.1) and rate_zero(1) == 0.0 == rate_zero(2**53)  # 0**0 is 1
    flat = pysched.schedule(spec("hf.polynomial_decay_with_warmup", power=0.0, num_warmup_steps=0))
    lr, lr_end = 0.001, 1e-7  # transformers: lr * ((lr - lr_end) * remaining**power + lr_end) / lr
    assert flat(np.array([0, 1, 5000, 15000])).tolist() == [lr * (((lr - lr_end) * 1.0 + lr_end) / lr)] * 4
    gamma_one = pysched.schedule(spec("torch.ExponentialLR", gamma=1.0))
    assert (gamma_one(np.arange(0, 10**6, 997)) == 0.1).all()


# ---- 10**8 steps, and allocations that cannot succeed -------------------------------------------------------------

N = 10**8
SAMPLE = np.array([0, 1, 12345, N // 2, N - 2, N - 1])


@pytest.mark.parametrize("as_range", [True, False], ids=["range", "array"])
def test_10_8_steps(as_range):
    s = pysched.schedule(LF)
    values = s(range(N)) if as_range else s(np.arange(N, dtype=np.int64))
    assert values.shape == (N,) and values.dtype == np.float64
    assert values[SAMPLE].tolist() == [lf(int(t)) for t in SAMPLE]
    assert np.isfinite(values).all()
    del values


@pytest.mark.parametrize("steps", [range(2**45), range(2**62), np.broadcast_to(np.int64(7), (2**45,))],
                         ids=["range of 2**45", "range of 2**62", "broadcast 2**45 steps"])
def test_an_output_that_cannot_be_allocated_leaves_the_process_usable(steps):
    s = pysched.schedule(LF)
    with pytest.raises((MemoryError, ValueError)) as failure:
        s(steps)
    assert str(failure.value)
    assert s(7) == lf(7) and s(np.arange(3)).tolist() == [lf(0), lf(1), lf(2)]


def test_a_sweep_that_cannot_be_allocated_leaves_the_process_usable():
    with pytest.raises((MemoryError, ValueError)) as failure:
        pysched.evaluate_many([LF, LF], np.broadcast_to(np.int64(3), (2**45,)))
    assert str(failure.value)
    assert pysched.evaluate_many([LF], [5])[0, 0] == lf(5)


# ---- deep compositions ---------------------------------------------------------------------------------------------

def nested(depth):
    """``optax.constant`` inside ``depth`` compositions, scale, clamp and sequential in turn."""
    node = {"kind": "optax.constant", "value": 0.1}
    for level in range(depth):
        wrap = level % 3
        node = ({"kind": "pysched.scale", "schedule": node, "factor": 0.5} if wrap == 0 else
                {"kind": "pysched.clamp", "schedule": node, "min_value": 0.0} if wrap == 1 else
                {"kind": "pysched.sequential", "schedules": [node], "boundaries": []})
    return node


def test_compositions_nest_8_deep():
    scales = len(range(0, 8, 3))
    assert pysched.schedule(nested(8))(123) == float(np.float32(0.1)) * 0.5**scales


@pytest.mark.parametrize("depth", [9, 10, 100, 1000, 100_000])
def test_deeper_compositions_are_a_clear_error_after_bounded_work(depth, monkeypatch):
    """Each level resolved its child twice: a spec 20 deep took minutes, 100
    deep forever. It is refused at the ninth level now."""
    calls = []
    resolve = _family.resolve_spec
    monkeypatch.setattr(_family, "resolve_spec", lambda spec_: calls.append(1) or resolve(spec_))
    with pytest.raises(ValueError, match=r": composition nested too deep: 9 levels down, at most 8$"):
        pysched.schedule(nested(depth))
    assert len(calls) < 2**10


# ---- hostile spec files through the command line -------------------------------------------------------------------

GOOD = '{"kind": "keras.ExponentialDecay", "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}'
HOSTILE = {
    "1e400": (GOOD.replace("0.1", "1e400").encode(), "initial_learning_rate must be finite, got inf"),
    "10**400 as an int": (GOOD.replace("10", "1" + "0" * 400).encode(),
                          "decay_steps must be finite, got an int of 1329 bits"),
    "an int of 5000 digits": (GOOD.replace("10", "1" + "0" * 5000).encode(), "Exceeds the limit (4300 digits)"),
    "100000 nested arrays": (b"[" * 100_000 + b"]" * 100_000, "nests arrays or objects too deeply to read"),
    "100000 nested objects": (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
                              "nests arrays or objects too deeply to read"),
    "a key twice": (GOOD.replace('"decay_rate"', '"decay_steps": 20, "decay_rate"').encode(),
                    "the key 'decay_steps' appears twice in one object (with 10 and 20)"),
    "NaN": (GOOD.replace("0.1", "NaN").encode(), "initial_learning_rate must be finite, got nan"),
    "Infinity": (GOOD.replace("0.9", "-Infinity").encode(), "decay_rate must be"),
    "not UTF-8": (GOOD.replace("0.1", "\udcff").encode(errors="surrogateescape"), "is not UTF-8 text"),
    "empty": (b"", "is empty: a spec is a JSON object"),
    "only spaces": (b" \n\t", "is empty: a spec is a JSON object"),
    "truncated": (GOOD[:40].encode(), "is not valid JSON"),
    "a list": (b"[1, 2]", "a spec must be a mapping with a 'kind'"),
    "null": (b"null", "a spec needs a 'kind'"),
}


def run(*args):
    return subprocess.run([str(COMMAND), "eval", *args, "--steps", "0:3"], capture_output=True, timeout=120)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_spec_file_exits_1_with_a_message(tmp_path, name):
    content, message = HOSTILE[name]
    path = tmp_path / "spec.json"
    path.write_bytes(content)
    done = run(str(path))
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.decode().startswith("pysched: ") and message in done.stderr.decode()
    assert b"Traceback" not in done.stderr


def test_a_directory_or_a_missing_file_exits_1_naming_it(tmp_path):
    done = run(str(tmp_path))
    assert (done.returncode, done.stderr.decode()) == (1, f"pysched: {tmp_path} is a directory, not a spec file\n")
    done = run(str(tmp_path / "missing.json"))
    assert (done.returncode, done.stderr.decode()) == (1, f"pysched: {tmp_path}/missing.json is no file, "
                                                          "nor a JSON spec\n")


def test_a_name_too_long_for_a_file_is_read_as_json():
    not_json = "x" * 300  # the system refuses so long a file name (OSError), which is no reason to show
    done = run(not_json)
    assert (done.returncode, done.stderr.decode()) == (1, f"pysched: {not_json} is no file, nor a JSON spec\n")


def test_a_repeated_key_in_a_json_string_or_on_standard_input_is_refused():
    repeated = GOOD.replace('"decay_rate": 0.9', '"decay_rate": 0.9, "decay_rate": 0.5')
    for args, stdin in [((repeated,), None), (("-",), repeated.encode())]:
        done = subprocess.run([str(COMMAND), "eval", *args, "--steps", "0:3"], input=stdin, capture_output=True,
                              timeout=120)
        assert done.returncode == 1
        assert "the key 'decay_rate' appears twice in one object (with 0.9 and 0.5)" in done.stderr.decode()


def test_the_good_spec_file_still_evaluates(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(GOOD)
    done = run(str(path))
    assert done.returncode == 0 and done.stdout.decode().splitlines()[0] == f"0,{float(np.float32(0.1))!r}"
