"""``pysched.lint``: each rule fires on a spec that has its problem and stays
quiet on the same spec fixed."""

import pytest

from pysched.lint import lint

TOTAL = 1000

RULES = [
    # rule, spec with the problem, the same spec fixed
    ("boundary-past-end",  # Keras switches at boundary + 1: 999 would switch at step 1000, after training
     {"kind": "keras.PiecewiseConstantDecay", "boundaries": [100, 999], "values": [1.0, 0.5, 0.1]},
     {"kind": "keras.PiecewiseConstantDecay", "boundaries": [100, 998], "values": [1.0, 0.5, 0.1]}),
    ("boundary-past-end",  # torch switches at the milestone itself
     {"kind": "torch.MultiStepLR", "lr": 0.1, "milestones": [300, 1000]},
     {"kind": "torch.MultiStepLR", "lr": 0.1, "milestones": [300, 999]}),
    ("boundary-past-end",
     {"kind": "pysched.sequential", "boundaries": [1500], "schedules": [
         {"kind": "optax.constant", "value": 0.1}, {"kind": "optax.constant", "value": 0.01}]},
     {"kind": "pysched.sequential", "boundaries": [500], "schedules": [
         {"kind": "optax.constant", "value": 0.1}, {"kind": "optax.constant", "value": 0.01}]}),
    ("warmup-longer-than-training",
     {"kind": "hf.constant_with_warmup", "lr": 0.1, "num_warmup_steps": 1001},
     {"kind": "hf.constant_with_warmup", "lr": 0.1, "num_warmup_steps": 100}),
    ("warmup-target-below-start",
     {"kind": "keras.CosineDecay", "initial_learning_rate": 0.1, "decay_steps": 900, "warmup_target": 0.01,
      "warmup_steps": 100},
     {"kind": "keras.CosineDecay", "initial_learning_rate": 0.01, "decay_steps": 900, "warmup_target": 0.1,
      "warmup_steps": 100}),
    ("end-equals-base",
     {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": TOTAL, "eta_min": 0.1},
     {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": TOTAL, "eta_min": 0.0}),
    ("zero-lr-at-start",
     {"kind": "optax.warmup_cosine_decay", "init_value": 0.0, "peak_value": 0.1, "warmup_steps": 100,
      "decay_steps": TOTAL, "end_value": 1e-4},
     {"kind": "optax.warmup_cosine_decay", "init_value": 1e-3, "peak_value": 0.1, "warmup_steps": 100,
      "decay_steps": TOTAL, "end_value": 1e-4}),
    ("zero-lr-at-end",
     {"kind": "torch.PolynomialLR", "lr": 0.1, "total_iters": 500},
     {"kind": "torch.PolynomialLR", "lr": 0.1, "total_iters": TOTAL}),
    ("decay-past-end",
     {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 5000},
     {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": TOTAL}),
    ("decay-past-end",
     {"kind": "keras.CosineDecay", "initial_learning_rate": 0.0, "decay_steps": 950, "warmup_target": 0.1,
      "warmup_steps": 100},
     {"kind": "keras.CosineDecay", "initial_learning_rate": 0.0, "decay_steps": 900, "warmup_target": 0.1,
      "warmup_steps": 100}),
    ("decay-ends-early",  # milestones in epochs, scheduler stepped once per batch
     {"kind": "torch.MultiStepLR", "lr": 0.1, "milestones": [3, 8]},
     {"kind": "torch.MultiStepLR", "lr": 0.1, "milestones": [300, 800]}),
    ("decay-ends-early",
     {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 9},
     {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": TOTAL}),
    ("never-changes",  # step_size in steps, scheduler stepped once per epoch
     {"kind": "torch.StepLR", "lr": 0.1, "step_size": 30_000},
     {"kind": "torch.StepLR", "lr": 0.1, "step_size": 30}),
]


def rules(spec, total=TOTAL):
    return [finding.rule for finding in lint(spec, total)]


@pytest.mark.parametrize("rule, problem, fixed", RULES,
                         ids=[f"{rule}-{problem['kind']}" for rule, problem, _ in RULES])
def test_each_rule_fires_on_the_problem_and_not_on_the_fix(rule, problem, fixed):
    assert rule in rules(problem)
    assert rule not in rules(fixed)


@pytest.mark.parametrize("spec, words", [
    ({"kind": "torch.MultiStepLR", "lr": 0.1, "milestones": [300, 1000]}, "milestones[1] = 1000"),
    ({"kind": "keras.PiecewiseConstantDecay", "boundaries": [100, 999], "values": [1.0, 0.5, 0.1]},
     "it switches at step 1000"),
    ({"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 5000}, "T_max = 5000"),
    ({"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": TOTAL, "eta_min": 0.1}, "eta_min = 0.1 equals lr = 0.1"),
    ({"kind": "torch.StepLR", "lr": 0.1, "step_size": 30_000}, "it first changes at step 30000"),
], ids=["milestone", "keras-shift", "T_max", "eta_min", "first-change"])
def test_messages_name_the_parameter_and_its_value(spec, words):
    assert any(words in finding.message and finding.hint for finding in lint(spec, TOTAL))


def test_a_composition_lints_each_child_over_its_own_span():
    spec = {"kind": "pysched.sequential", "boundaries": [100], "schedules": [
        {"kind": "optax.linear", "init_value": 1e-3, "end_value": 0.1, "transition_steps": 100},
        {"kind": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": TOTAL, "eta_min": 1e-4}]}
    assert [str(f).split(": ")[1] for f in lint(spec, TOTAL)] == ["schedules[1]"]
    assert not lint({**spec, "schedules": [spec["schedules"][0], {**spec["schedules"][1], "T_max": 900}]}, TOTAL)


def test_a_constant_schedule_by_design_is_clean():
    assert lint({"kind": "optax.constant", "value": 0.1}, TOTAL) == []


@pytest.mark.parametrize("total", [0, -5, 2.5, True])
def test_total_steps_must_be_a_positive_integer(total):
    with pytest.raises(ValueError, match="lint: total_steps must be an integer >= 1"):
        lint({"kind": "optax.constant", "value": 0.1}, total)
