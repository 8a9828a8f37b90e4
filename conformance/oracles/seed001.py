"""Seed 001: the gradual warmup simulation and YOLOv3-SPP's two LambdaLR lambdas."""

import math


def gradual_warmup_simulation(warmup_steps, init_lr, max_steps):
    """The seed's loop; it yields each step's learning rate where the seed
    appends it to learning_rate_lists for plotting."""
    for train_steps in range(max_steps):
        if warmup_steps and train_steps < warmup_steps:
            warmup_percent_done = train_steps / warmup_steps
            warmup_learning_rate = init_lr * warmup_percent_done  # gradual warmup_lr
            learning_rate = warmup_learning_rate
        else:
            # learning_rate = np.sin(learning_rate)  # after warmup, sine decay
            learning_rate = learning_rate**1.0001  # after warmup, (approximately) exponential decay
        yield learning_rate


def gradual_warmup(warmup_steps, init_lr, max_steps):
    """The same loop with the post-warmup branch its docstring describes:
    "otherwise use the preset learning rate" (init_lr)."""
    for train_steps in range(max_steps):
        if warmup_steps and train_steps < warmup_steps:
            warmup_percent_done = train_steps / warmup_steps
            warmup_learning_rate = init_lr * warmup_percent_done  # gradual warmup_lr
            learning_rate = warmup_learning_rate
        else:
            learning_rate = init_lr
        yield learning_rate


def warmup_lr_scheduler(optimizer, warmup_iters, warmup_factor):
    import torch

    def f(x):
        """Return the learning-rate factor for step x"""
        if x >= warmup_iters:  # past warmup_iters iterations the factor is 1
            return 1
        alpha = float(x) / warmup_iters
        # during warmup the factor goes from warmup_factor to 1
        return warmup_factor * (1 - alpha) + alpha

    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=f)


def cosine_scheduler(optimizer, epochs, hyp, start_epoch):
    """train()'s scheduler: the lf lambda in a LambdaLR, last_epoch set to start_epoch."""
    from torch.optim import lr_scheduler

    lf = lambda x: ((1 + math.cos(x * math.pi / epochs)) / 2) * (1 - hyp["lrf"]) + hyp["lrf"]  # cosine
    scheduler = lr_scheduler.LambdaLR(optimizer, lr_lambda=lf)
    scheduler.last_epoch = start_epoch  # the epoch to start from
    return scheduler
