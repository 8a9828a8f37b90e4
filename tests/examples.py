"""One valid spec per family, with non-default values where a family has them."""

EXAMPLES = {
    "keras.ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96,
                               "staircase": True},
    "keras.PiecewiseConstantDecay": {"boundaries": [100, 1000], "values": [1.0, 0.5, 0.1]},
    "keras.PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10000, "power": 0.5},
    "keras.InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5},
    "keras.CosineDecay": {"initial_learning_rate": 0.0, "decay_steps": 10000, "warmup_target": 0.1,
                          "warmup_steps": 500},
    "keras.CosineDecayRestarts": {"initial_learning_rate": 0.1, "first_decay_steps": 100, "m_mul": 0.9},
    "tf1.exponential_decay": {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96},
    "tf1.natural_exp_decay": {"learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.5},
    "tf1.inverse_time_decay": {"learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5, "staircase": True},
    "tf1.polynomial_decay": {"learning_rate": 0.1, "decay_steps": 10000},
    "tf1.piecewise_constant": {"boundaries": [100, 1000], "values": [1.0, 0.5, 0.1]},
    "tf1.cosine_decay": {"learning_rate": 0.1, "decay_steps": 10000, "alpha": 0.1},
    "tf1.cosine_decay_restarts": {"learning_rate": 0.1, "first_decay_steps": 100},
    "tf1.linear_cosine_decay": {"learning_rate": 0.1, "decay_steps": 10000},
    "seed.exponential_decay_with_burnin": {"initial_learning_rate": 0.01, "decay_steps": 1000, "decay_rate": 0.96,
                                           "burnin_steps": 200},
    "seed.constant_warmup": {"init_lr": 0.1, "warmup_steps": 2500},
    "seed.linear_warmup": {"init_lr": 0.1, "warmup_steps": 2500, "max_steps": 15000},
    "seed.cosine_warmup": {"init_lr": 0.1, "warmup_steps": 2500, "max_steps": 15000},
    "seed.gradual_warmup": {"init_lr": 0.1, "warmup_steps": 2500},
    "seed.gradual_warmup_simulation": {"init_lr": 0.1, "warmup_steps": 2500},
    "seed.warmup_lr_scheduler": {"lr0": 0.01, "warmup_iters": 1000, "warmup_factor": 0.001},
    "seed.lf": {"lr0": 0.01, "epochs": 30, "lrf": 0.01},
    "seed.exponential_decay": {"learning_rate": 0.01, "decay_steps": 16, "decay_rate": 0.96, "staircase": True},
    "seed.ExponentialDecay": {"initial_lr": 0.001, "decay_rate": 0.9, "min_lr": 0.0, "print_step": 1875.0},
    "seed.PiecewiseConstantDecay": {"initial_lr": 0.001, "decay_rate": 0.5, "min_lr": 1e-5, "change_step": 300,
                                    "print_step": 1875},
    "seed.CosineDecay": {"initial_lr": 0.001, "decay_step": 18750.0, "min_lr": 0.0, "print_step": 1875.0},
}


def spec(kind: str, **changes) -> dict:
    return {"kind": kind, **EXAMPLES[kind], **changes}
