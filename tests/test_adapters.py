"""pysched schedules as framework objects, stepped in the frameworks' own
training loops: the learning rate each update applies is pysched's value for
that step, bit for bit. A parameter with gradient 1 under plain SGD moves by
exactly -lr, so each update reveals the rate it applied."""

import numpy as np
import pytest
from keras_training import applied_rates, fit_model

import pysched

from conftest import require_framework
from examples import spec

STEPS = 300
KERAS_PACKAGES = ["keras", "tf_keras"]
SPECS = [spec(kind) for kind in ("keras.CosineDecay", "torch.CosineAnnealingLR", "optax.warmup_cosine_decay",
                                 "hf.cosine_with_warmup", "pysched.sequential", "seed.lf")]


def ids(specification):
    return specification["kind"]


def test_table_is_the_first_n_values():
    s = pysched.schedule(spec("keras.ExponentialDecay"))
    table = s.table(1000)
    assert table.flags.c_contiguous and table.tobytes() == s(np.arange(1000)).tobytes()
    with pytest.raises(ValueError, match="like must be one of numpy, torch, jax, got 'tf'"):
        s.table(10, like="tf")
    with pytest.raises(ValueError, match="n must be a non-negative integer, got -1"):
        s.table(-1)


@pytest.mark.parametrize("like", ["torch", "jax"])
def test_table_as_a_tensor(like):
    require_framework(like)
    s = pysched.schedule(spec("keras.CosineDecay"))  # float32: JAX holds float64 as float32 unless x64
    assert np.asarray(s.table(1000, like=like)).tobytes() == s(np.arange(1000)).tobytes()


@pytest.mark.parametrize("specification", SPECS, ids=ids)
def test_torch_scheduler_sets_pyscheds_rates_in_a_training_loop(specification):
    torch = require_framework("torch")
    s = pysched.schedule(specification)
    weight = torch.nn.Parameter(torch.zeros((), dtype=torch.float64))
    optimizer = torch.optim.SGD([weight], lr=123.0)
    scheduler = s.to_torch(optimizer)
    assert isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler)
    applied = []
    for _ in range(STEPS):
        applied.append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        weight.sum().backward()
        optimizer.step()
        scheduler.step()
    assert np.array(applied).tobytes() == s(np.arange(STEPS)).astype(np.float64).tobytes()


def test_torch_scheduler_resumes_from_its_state_dict(tmp_path):
    torch = require_framework("torch")
    s = pysched.schedule(spec("torch.CosineAnnealingLR"), precision="fast")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(()))], lr=1.0)
    scheduler = s.to_torch(optimizer)
    for _ in range(100):
        optimizer.step()
        scheduler.step()
    torch.save(scheduler.state_dict(), tmp_path / "scheduler.pt")
    fresh_optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(()))], lr=1.0)
    resumed = pysched.schedule(spec("seed.lf")).to_torch(fresh_optimizer)
    resumed.load_state_dict(torch.load(tmp_path / "scheduler.pt", weights_only=True))
    assert resumed.schedule == s
    rates = []
    for _ in range(50):
        fresh_optimizer.step()
        resumed.step()
        rates.append(fresh_optimizer.param_groups[0]["lr"])
    assert rates == [s(t, precision="fast") for t in range(101, 151)]


@pytest.mark.parametrize("specification", SPECS, ids=ids)
def test_optax_schedule_drives_sgd_under_jit(specification):
    jax, optax = require_framework("jax"), require_framework("optax")
    s = pysched.schedule({**specification, "dtype": "float32"})  # JAX's default
    optimizer = optax.sgd(learning_rate=s.to_optax())
    params = jax.numpy.zeros((), dtype=jax.numpy.float32)
    state = optimizer.init(params)

    @jax.jit
    def update(state):
        updates, state = optimizer.update(jax.numpy.ones((), dtype=jax.numpy.float32), state, params)
        return -updates, state

    applied = []
    for _ in range(STEPS):
        rate, state = update(state)
        applied.append(np.asarray(rate))
    assert np.array(applied, dtype=np.float32).tobytes() == s(np.arange(STEPS)).astype(np.float32).tobytes()
    assert np.asarray(jax.vmap(s.to_optax())(jax.numpy.arange(7))).tolist() == \
        s(np.arange(7)).astype(np.float32).tolist()


@pytest.mark.parametrize("package", KERAS_PACKAGES)
@pytest.mark.parametrize("execution", ["eager", "fit"])
@pytest.mark.parametrize("kind", ["keras.CosineDecay", "torch.CosineAnnealingLR"])
def test_keras_schedule_drives_sgd(kind, execution, package):
    keras = require_framework(package)
    s = pysched.schedule(spec(kind))
    adapted = s.to_keras(package)
    assert isinstance(adapted, keras.optimizers.schedules.LearningRateSchedule)
    model = fit_model(keras, adapted, s.dtype)
    steps = np.concatenate([np.arange(STEPS), [2**31 + 5, 2**53]])
    assert applied_rates(keras, model, steps, run_eagerly=execution == "eager").tobytes() == s(steps).tobytes()


@pytest.mark.parametrize("package", KERAS_PACKAGES)
def test_keras_schedule_serialises(package, tmp_path):
    keras = require_framework(package)
    s = pysched.schedule(spec("keras.ExponentialDecay"), precision="fast")
    adapted = s.to_keras(package)
    again = type(adapted).from_config(adapted.get_config())
    assert again.schedule == s
    assert keras.saving.get_registered_object("pysched>PyschedSchedule") is type(adapted)
    model = fit_model(keras, adapted)
    applied_rates(keras, model, [2500], run_eagerly=False)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    saved = loaded.optimizer.get_config()["learning_rate"]
    assert saved["config"] == {"spec": s.to_dict(), "precision": "fast"}
    assert int(loaded.optimizer.iterations.numpy()) == 2501
    steps = [2501, 2502, 10**6]
    assert applied_rates(keras, loaded, steps, run_eagerly=False).tobytes() == \
        s(steps, precision="fast").tobytes()
