"""Each family as the idiomatic vectorised numpy a user would write: the
benchmarks' reference contender. numpy's pow/cos are not libm's and the
recurrences become closed forms, so these differ from the oracles by a few ULP;
the benchmarks record by how much."""

import numpy as np

f32 = np.float32


def keras_exponential_decay(t, initial_learning_rate, decay_steps, decay_rate, staircase=False, **_):
    p = t.astype(f32) / f32(decay_steps)
    if staircase:
        p = np.floor(p)
    return f32(initial_learning_rate) * f32(decay_rate) ** p


def tf1_exponential_decay(t, learning_rate, **kw):
    return keras_exponential_decay(t, learning_rate, **kw)


def exponential_decay_with_burnin(t, initial_learning_rate, decay_steps, decay_rate, burnin_steps, **_):
    g = t.astype(f32)
    burnin = f32(initial_learning_rate) * (g / f32(burnin_steps)) ** 4 if burnin_steps else g
    decay = f32(initial_learning_rate) * f32(decay_rate) ** ((g - f32(burnin_steps)) / f32(decay_steps))
    return np.where(g < burnin_steps, burnin, decay)


def constant_warmup(t, init_lr, warmup_steps, **_):
    return init_lr * np.where(t < warmup_steps, t / max(1, warmup_steps), 1.0)


def linear_warmup(t, init_lr, warmup_steps, max_steps, **_):
    warm = t / max(1, warmup_steps)
    decay = np.maximum(0.0, (max_steps - t) / max(1, max_steps - warmup_steps))
    return init_lr * np.where(t < warmup_steps, warm, decay)


def cosine_warmup(t, init_lr, warmup_steps, max_steps, **_):
    warm = t / max(1, warmup_steps)
    progress = (t - warmup_steps) / max(1, max_steps - warmup_steps)
    decay = np.maximum(0.0, 0.5 * (1.0 + np.cos(np.pi * progress)))
    return init_lr * np.where(t < warmup_steps, warm, decay)


def gradual_warmup_simulation(t, init_lr, warmup_steps, **_):
    x0 = init_lr * ((warmup_steps - 1) / warmup_steps)
    after = x0 ** (1.0001 ** np.maximum(0, t - (warmup_steps - 1)).astype(np.float64))
    return np.where(t < warmup_steps, init_lr * (t / warmup_steps), after)


def warmup_lr_scheduler(t, lr0, warmup_iters, warmup_factor, **_):
    alpha = t / max(warmup_iters, 1)
    return lr0 * np.where(t >= warmup_iters, 1.0, warmup_factor * (1 - alpha) + alpha)


def lf(t, lr0, epochs, lrf, **_):
    return lr0 * (((1 + np.cos(t * np.pi / epochs)) / 2) * (1 - lrf) + lrf)


def stateful_exponential_decay(t, initial_lr, decay_rate, min_lr, print_step, **_):
    lr = f32(initial_lr) * f32(decay_rate) ** np.floor(t / print_step).astype(f32)
    return np.maximum(lr, f32(min_lr))


def stateful_piecewise_constant_decay(t, initial_lr, decay_rate, min_lr, change_step, **_):
    lr = f32(initial_lr) * f32(decay_rate) ** (np.floor(t / change_step) + 1).astype(f32)
    return np.maximum(lr, f32(min_lr))


def stateful_cosine_decay(t, initial_lr, decay_step, min_lr, **_):
    x = t.astype(f32) * f32(np.pi) / f32(decay_step)
    return np.maximum(f32(0.5) * f32(initial_lr) * (f32(1) + np.cos(x)), f32(min_lr))


FORMULAS = {
    "keras.ExponentialDecay": keras_exponential_decay,
    "tf1.exponential_decay": tf1_exponential_decay,
    "seed.exponential_decay": tf1_exponential_decay,
    "seed.exponential_decay_with_burnin": exponential_decay_with_burnin,
    "seed.constant_warmup": constant_warmup,
    "seed.gradual_warmup": constant_warmup,
    "seed.linear_warmup": linear_warmup,
    "seed.cosine_warmup": cosine_warmup,
    "seed.gradual_warmup_simulation": gradual_warmup_simulation,
    "seed.warmup_lr_scheduler": warmup_lr_scheduler,
    "seed.lf": lf,
    "seed.ExponentialDecay": stateful_exponential_decay,
    "seed.PiecewiseConstantDecay": stateful_piecewise_constant_decay,
    "seed.CosineDecay": stateful_cosine_decay,
}
