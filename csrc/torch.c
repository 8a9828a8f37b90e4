/* The torch namespace: torch.optim.lr_scheduler (torch/optim/lr_scheduler.py).
 *
 * PyTorch's schedulers are chainable: each step() derives the new lr from the
 * optimizer's current one, so their values drift from their closed forms.
 * This file replays them as torch does: a param group (its lr and initial_lr)
 * shared by scheduler nodes, each with torch's per-scheduler state, built in
 * constructor order (each constructor takes an initial step), then stepped.
 * SequentialLR and ChainedScheduler are nodes whose children are schedulers.
 * "closed_form" evaluates a scheduler's _get_closed_form_lr instead (the path
 * step(epoch) takes).
 *
 * With dtype float32 the optimizer's lr is a float32 tensor: an operation
 * between a tensor (the group lr, a base lr) and a Python float rounds the
 * float to float32 and computes in float32; an expression of Python floats is
 * a double, and storing any value in the group lr rounds it to float32. */
#include <math.h>
#include <stdlib.h>

#include "kernel.h"

typedef struct {
    double lr;         /* param_group["lr"] */
    double initial_lr; /* param_group["initial_lr"]; NaN until a scheduler sets it */
    int f32;           /* the lr is a float32 tensor */
} torch_group;

typedef struct torch_node torch_node;
struct torch_node {
    const psk_schedule *s;
    const struct torch_ops *ops;
    int64_t last_epoch;
    double base_lr;    /* base_lrs[0] */
    int64_t t_cur;     /* CosineAnnealingWarmRestarts */
    __int128 t_i;
    torch_node *children;
    int64_t n_children;
};

typedef struct torch_ops {
    double (*get_lr)(const torch_node *n, const torch_group *g, int initial);
    double (*closed_form)(const torch_node *n, const torch_group *g); /* NULL: none */
    /* The next epoch at which step() can change the lr, or INT64_MAX. */
    int64_t (*next_change)(const torch_node *n, const torch_group *g);
    /* For schedulers whose lr depends on the epoch alone: set it at epoch e. */
    void (*jump)(torch_node *n, torch_group *g, int64_t epoch);
    int (*raises)(const torch_node *n, int64_t epoch); /* get_lr raises at that epoch */
    int has_lr;                                        /* real[0] is the optimizer's lr */
} torch_ops;

/* ---- arithmetic between tensors and Python floats --------------------- */

static double fill(const torch_group *g, double value)
{
    return g->f32 ? (float)value : value;
}

/* tensor * python_float, tensor + python_float, tensor - python_float */
static double mul(const torch_group *g, double tensor, double scalar)
{
    return g->f32 ? (double)((float)tensor * (float)scalar) : tensor * scalar;
}

static double add(const torch_group *g, double tensor, double scalar)
{
    return g->f32 ? (double)((float)tensor + (float)scalar) : tensor + scalar;
}

static double sub(const torch_group *g, double tensor, double scalar)
{
    return g->f32 ? (double)((float)tensor - (float)scalar) : tensor - scalar;
}

static double divide(const torch_group *g, double tensor, double scalar)
{
    return g->f32 ? (double)((float)tensor / (float)scalar) : tensor / scalar;
}

static int64_t python_mod(int64_t a, int64_t m)
{
    int64_t r = a % m;
    return r < 0 ? r + m : r;
}

static const double *params(const torch_node *n)
{
    return n->s->real;
}

static const int64_t *ints(const torch_node *n)
{
    return n->s->integer;
}

static int64_t every_step(const torch_node *n, const torch_group *g)
{
    (void)g;
    return n->last_epoch + 1;
}

/* An lr * gamma step changes nothing once lr * gamma == lr (0, say). */
static int settled(const torch_group *g, double gamma)
{
    return mul(g, g->lr, gamma) == g->lr;
}

/* ---- StepLR: real lr, gamma; integer step_size, closed_form ------------

 *     if (last_epoch == 0) or (last_epoch % step_size != 0): return group["lr"]
 *     return group["lr"] * gamma
 *     closed form: base_lr * gamma ** (last_epoch // step_size) */
static double step_lr_get(const torch_node *n, const torch_group *g, int initial)
{
    (void)initial;
    int64_t epoch = n->last_epoch;
    if (epoch == 0 || epoch % ints(n)[0] != 0)
        return g->lr;
    return mul(g, g->lr, params(n)[1]);
}

static double step_lr_closed(const torch_node *n, const torch_group *g)
{
    return mul(g, n->base_lr, pow(params(n)[1], (double)(n->last_epoch / ints(n)[0])));
}

static int64_t step_lr_next(const torch_node *n, const torch_group *g)
{
    int64_t step_size = ints(n)[0];
    return settled(g, params(n)[1]) ? INT64_MAX : (n->last_epoch / step_size + 1) * step_size;
}

/* ---- MultiStepLR: real lr, gamma; integer closed_form, milestones... ---

 *     if last_epoch not in milestones: return group["lr"]
 *     return group["lr"] * gamma ** milestones[last_epoch]      # a Counter
 *     closed form: base_lr * gamma ** bisect_right(sorted(milestones), last_epoch) */
static int64_t milestone_count(const torch_node *n, int64_t epoch, int at_most)
{
    int64_t count = 0;
    for (int64_t i = 1; i < n->s->n_int; i++)
        count += at_most ? ints(n)[i] <= epoch : ints(n)[i] == epoch;
    return count;
}

static double multi_step_lr_get(const torch_node *n, const torch_group *g, int initial)
{
    (void)initial;
    int64_t count = milestone_count(n, n->last_epoch, 0);
    return count ? mul(g, g->lr, pow(params(n)[1], (double)count)) : g->lr;
}

static double multi_step_lr_closed(const torch_node *n, const torch_group *g)
{
    return mul(g, n->base_lr, pow(params(n)[1], (double)milestone_count(n, n->last_epoch, 1)));
}

static int64_t multi_step_lr_next(const torch_node *n, const torch_group *g)
{
    (void)g;
    int64_t next = INT64_MAX;
    for (int64_t i = 1; i < n->s->n_int; i++)
        if (ints(n)[i] > n->last_epoch && ints(n)[i] < next)
            next = ints(n)[i];
    return next;
}

/* ---- ConstantLR: real lr, factor; integer total_iters, closed_form -----

 *     if last_epoch == 0: return group["lr"] * factor
 *     if last_epoch != total_iters: return group["lr"]
 *     return group["lr"] * (1.0 / factor)
 *     closed form: base_lr * (factor + (last_epoch >= total_iters) * (1 - factor)) */
static double constant_lr_get(const torch_node *n, const torch_group *g, int initial)
{
    (void)initial;
    double factor = params(n)[1];
    if (n->last_epoch == 0)
        return mul(g, g->lr, factor);
    if (n->last_epoch != ints(n)[0])
        return g->lr;
    return mul(g, g->lr, 1.0 / factor);
}

static double constant_lr_closed(const torch_node *n, const torch_group *g)
{
    double factor = params(n)[1];
    return mul(g, n->base_lr, factor + (double)(n->last_epoch >= ints(n)[0]) * (1 - factor));
}

static int64_t constant_lr_next(const torch_node *n, const torch_group *g)
{
    (void)g;
    return n->last_epoch < ints(n)[0] ? ints(n)[0] : INT64_MAX;
}

static int constant_lr_raises(const torch_node *n, int64_t epoch)
{
    return params(n)[1] == 0 && epoch == ints(n)[0] && epoch != 0; /* 1.0 / 0 */
}

/* ---- LinearLR: real lr, start_factor, end_factor; integer total_iters, closed_form

 *     if last_epoch == 0: return group["lr"] * start_factor
 *     if _is_initial or last_epoch > total_iters: return group["lr"]
 *     return group["lr"] * (1.0 + (end_factor - start_factor)
 *         / (total_iters * start_factor + (last_epoch - 1) * (end_factor - start_factor)))
 *     closed form: base_lr * (start_factor + (end_factor - start_factor)
 *                             * min(total_iters, last_epoch) / total_iters) */
static double linear_lr_get(const torch_node *n, const torch_group *g, int initial)
{
    double start = params(n)[1], end = params(n)[2];
    int64_t total_iters = ints(n)[0];
    if (n->last_epoch == 0)
        return mul(g, g->lr, start);
    if (initial || n->last_epoch > total_iters)
        return g->lr;
    double ratio = (end - start) / ((double)total_iters * start + (double)(n->last_epoch - 1) * (end - start));
    return mul(g, g->lr, 1.0 + ratio);
}

static double linear_lr_closed(const torch_node *n, const torch_group *g)
{
    double start = params(n)[1], end = params(n)[2];
    int64_t total_iters = ints(n)[0];
    int64_t done = total_iters < n->last_epoch ? total_iters : n->last_epoch;
    return mul(g, n->base_lr, start + (end - start) * (double)done / (double)total_iters);
}

static int64_t linear_lr_next(const torch_node *n, const torch_group *g)
{
    (void)g;
    return n->last_epoch < ints(n)[0] ? n->last_epoch + 1 : INT64_MAX;
}

/* ---- ExponentialLR: real lr, gamma; integer closed_form ----------------

 *     if _is_initial: return group["lr"]
 *     return group["lr"] * gamma
 *     closed form: base_lr * gamma ** last_epoch */
static double exponential_lr_get(const torch_node *n, const torch_group *g, int initial)
{
    return initial ? g->lr : mul(g, g->lr, params(n)[1]);
}

static double exponential_lr_closed(const torch_node *n, const torch_group *g)
{
    return mul(g, n->base_lr, pow(params(n)[1], (double)n->last_epoch));
}

static int64_t exponential_lr_next(const torch_node *n, const torch_group *g)
{
    return settled(g, params(n)[1]) ? INT64_MAX : n->last_epoch + 1;
}

/* ---- PolynomialLR: real lr, power; integer total_iters, closed_form ----

 *     if _is_initial or last_epoch > total_iters: return group["lr"]
 *     decay_factor = ((1.0 - last_epoch / total_iters)
 *                     / (1.0 - (last_epoch - 1) / total_iters)) ** power
 *     return group["lr"] * decay_factor
 *     closed form: base_lr * (1.0 - min(total_iters, last_epoch) / total_iters) ** power */
static double polynomial_lr_get(const torch_node *n, const torch_group *g, int initial)
{
    int64_t total_iters = ints(n)[0], epoch = n->last_epoch;
    if (initial || epoch > total_iters)
        return g->lr;
    double total = (double)total_iters;
    double decay_factor = pow((1.0 - (double)epoch / total) / (1.0 - (double)(epoch - 1) / total), params(n)[1]);
    return mul(g, g->lr, decay_factor);
}

static double polynomial_lr_closed(const torch_node *n, const torch_group *g)
{
    int64_t total_iters = ints(n)[0];
    int64_t done = total_iters < n->last_epoch ? total_iters : n->last_epoch;
    return mul(g, n->base_lr, pow(1.0 - (double)done / (double)total_iters, params(n)[1]));
}

static int64_t polynomial_lr_next(const torch_node *n, const torch_group *g)
{
    (void)g;
    return n->last_epoch < ints(n)[0] ? n->last_epoch + 1 : INT64_MAX;
}

static int polynomial_lr_raises(const torch_node *n, int64_t epoch)
{
    return params(n)[1] < 0 && epoch == ints(n)[0] && epoch > 0; /* 0.0 ** negative */
}

/* ---- CosineAnnealingLR: real lr, eta_min; integer T_max, closed_form ---

 *     if _is_initial: return group["lr"]
 *     elif (last_epoch - 1 - T_max) % (2 * T_max) == 0:
 *         return group["lr"] + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
 *     return (1 + math.cos(math.pi * last_epoch / T_max))
 *            / (1 + math.cos(math.pi * (last_epoch - 1) / T_max)) * (group["lr"] - eta_min) + eta_min
 *     closed form: eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * last_epoch / T_max)) / 2 */
static double cosine_annealing_get(const torch_node *n, const torch_group *g, int initial)
{
    double eta_min = params(n)[1], t_max = (double)ints(n)[0];
    int64_t epoch = n->last_epoch;
    if (initial)
        return g->lr;
    if (python_mod(epoch - 1 - ints(n)[0], 2 * ints(n)[0]) == 0) {
        double rise = (1 - cos(PSK_PI / t_max));
        return g->f32 ? add(g, g->lr, divide(g, mul(g, sub(g, n->base_lr, eta_min), rise), 2))
                      : g->lr + (n->base_lr - eta_min) * rise / 2;
    }
    double ratio = (1 + cos(PSK_PI * (double)epoch / t_max)) / (1 + cos(PSK_PI * (double)(epoch - 1) / t_max));
    return add(g, mul(g, sub(g, g->lr, eta_min), ratio), eta_min);
}

static double cosine_annealing_closed(const torch_node *n, const torch_group *g)
{
    double eta_min = params(n)[1];
    double one_plus_cos = 1 + cos(PSK_PI * (double)n->last_epoch / (double)ints(n)[0]);
    return add(g, divide(g, mul(g, sub(g, n->base_lr, eta_min), one_plus_cos), 2), eta_min);
}

/* ---- CosineAnnealingWarmRestarts: real lr, eta_min; integer T_0, T_mult, closed_form

 * step(): T_cur += 1; if T_cur >= T_i: T_cur %= T_i; T_i *= T_mult
 * step(epoch) (the closed form): for epoch >= T_0 and T_mult > 1,
 *     n = int(math.log((epoch / T_0 * (T_mult - 1) + 1), T_mult))
 *     T_cur = epoch - T_0 * (T_mult**n - 1) / (T_mult - 1); T_i = T_0 * T_mult**n
 * get_lr: eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2 */
static double warm_restarts_lr(const torch_node *n, const torch_group *g, double t_cur)
{
    double eta_min = params(n)[1];
    double one_plus_cos = 1 + cos(PSK_PI * t_cur / (double)n->t_i);
    return add(g, divide(g, mul(g, sub(g, n->base_lr, eta_min), one_plus_cos), 2), eta_min);
}

static double warm_restarts_get(const torch_node *n, const torch_group *g, int initial)
{
    (void)initial;
    return warm_restarts_lr(n, g, (double)n->t_cur);
}

/* T_cur and T_i after stepping to epoch one step at a time (integers). */
static void warm_restarts_jump(torch_node *n, torch_group *g, int64_t epoch)
{
    int64_t t_0 = ints(n)[0], t_mult = ints(n)[1];
    __int128 start = 0, t_i = t_0;
    if (t_mult == 1) {
        start = epoch - epoch % t_0;
    } else {
        while (epoch - start >= t_i) {
            start += t_i;
            t_i *= t_mult;
        }
    }
    n->last_epoch = epoch;
    n->t_cur = (int64_t)(epoch - start);
    n->t_i = t_i;
    g->lr = fill(g, warm_restarts_get(n, g, 0));
}

static double warm_restarts_closed(const torch_node *n, const torch_group *g)
{
    int64_t epoch = n->last_epoch, t_0 = ints(n)[0], t_mult = ints(n)[1];
    torch_node at = *n;
    double t_cur = (double)epoch;
    at.t_i = t_0;
    if (epoch >= t_0 && t_mult == 1) {
        t_cur = (double)(epoch % t_0);
    } else if (epoch >= t_0) {
        int64_t count = (int64_t)(log((double)epoch / (double)t_0 * (double)(t_mult - 1) + 1) / log((double)t_mult));
        __int128 power = 1;
        for (int64_t i = 0; i < count; i++)
            power *= t_mult;
        t_cur = (double)epoch - (double)(t_0 * (power - 1)) / (double)(t_mult - 1);
        at.t_i = t_0 * power;
    }
    return warm_restarts_lr(&at, g, t_cur);
}

/* ---- CyclicLR: real base_lr, max_lr, step_size_up, step_size_down, gamma; integer mode

 *     cycle = math.floor(1 + last_epoch / total_size)
 *     x = 1.0 + last_epoch / total_size - cycle
 *     scale_factor = x / step_ratio if x <= step_ratio else (x - 1) / (step_ratio - 1)
 *     base_height = (max_lr - base_lr) * scale_factor
 *     lr = base_lr + base_height * scale_fn(cycle or last_epoch)
 * scale_fn: triangular 1.0, triangular2 1 / (2.0 ** (cycle - 1)), exp_range gamma ** last_epoch.
 * All Python floats. */
enum { CYCLIC_TRIANGULAR, CYCLIC_TRIANGULAR2, CYCLIC_EXP_RANGE };

static double cyclic_scale(const torch_node *n, double cycle)
{
    switch (ints(n)[0]) {
    case CYCLIC_TRIANGULAR2:
        return 1 / pow(2.0, cycle - 1);
    case CYCLIC_EXP_RANGE:
        return pow(params(n)[4], (double)n->last_epoch);
    default:
        return 1.0;
    }
}

static double cyclic_get(const torch_node *n, const torch_group *g, int initial)
{
    (void)g;
    (void)initial;
    double base_lr = params(n)[0], max_lr = params(n)[1];
    double total_size = params(n)[2] + params(n)[3], step_ratio = params(n)[2] / total_size;
    double epoch = (double)n->last_epoch;
    double cycle = floor(1 + epoch / total_size);
    double x = 1.0 + epoch / total_size - cycle;
    double scale_factor = x <= step_ratio ? x / step_ratio : (x - 1) / (step_ratio - 1);
    double base_height = (max_lr - base_lr) * scale_factor;
    return base_lr + base_height * cyclic_scale(n, cycle);
}

/* 2.0 ** (cycle - 1) and gamma ** last_epoch raise OverflowError past 2**1023. */
static int cyclic_raises(const torch_node *n, int64_t epoch)
{
    torch_node at = *n;
    at.last_epoch = epoch;
    double total_size = params(n)[2] + params(n)[3];
    double cycle = floor(1 + (double)epoch / total_size);
    return isinf(ints(n)[0] == CYCLIC_EXP_RANGE ? cyclic_scale(&at, cycle) : pow(2.0, cycle - 1))
           && ints(n)[0] != CYCLIC_TRIANGULAR;
}

/* ---- OneCycleLR: real max_lr, pct_start, div_factor, final_div_factor;
 * integer total_steps, anneal (0 cos, 1 linear), three_phase

 *     initial_lr = max_lr / div_factor; min_lr = initial_lr / final_div_factor
 *     phases end at float(pct_start * total_steps) - 1, [float(2 * pct_start * total_steps) - 2,]
 *     total_steps - 1, from initial_lr to max_lr, [back to initial_lr,] then to min_lr
 *     pct = (step_num - start_step) / (end_step - start_step)
 *     cos: end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
 *     linear: (end - start) * pct + start
 * get_lr raises ValueError past total_steps. */
static double anneal(const torch_node *n, double start, double end, double pct)
{
    if (ints(n)[1])
        return (end - start) * pct + start;
    return end + (start - end) / 2.0 * (cos(PSK_PI * pct) + 1);
}

static double one_cycle_get(const torch_node *n, const torch_group *g, int initial)
{
    (void)g;
    (void)initial;
    double max_lr = params(n)[0], pct_start = params(n)[1];
    double initial_lr = max_lr / params(n)[2], min_lr = initial_lr / params(n)[3];
    int64_t total_steps = ints(n)[0];
    double ends[3], starts_lr[3], ends_lr[3];
    int phases;
    if (ints(n)[2]) {
        phases = 3;
        ends[0] = pct_start * (double)total_steps - 1;
        ends[1] = 2 * pct_start * (double)total_steps - 2;
        ends[2] = (double)(total_steps - 1);
        starts_lr[0] = initial_lr, ends_lr[0] = max_lr;
        starts_lr[1] = max_lr, ends_lr[1] = initial_lr;
        starts_lr[2] = initial_lr, ends_lr[2] = min_lr;
    } else {
        phases = 2;
        ends[0] = pct_start * (double)total_steps - 1;
        ends[1] = (double)(total_steps - 1);
        starts_lr[0] = initial_lr, ends_lr[0] = max_lr;
        starts_lr[1] = max_lr, ends_lr[1] = min_lr;
    }
    double step_num = (double)n->last_epoch, start_step = 0.0;
    for (int i = 0; i < phases; i++) {
        if (step_num <= ends[i] || i == phases - 1) {
            double pct = (step_num - start_step) / (ends[i] - start_step);
            return anneal(n, starts_lr[i], ends_lr[i], pct);
        }
        start_step = ends[i];
    }
    return NAN; /* not reached */
}

static int one_cycle_raises(const torch_node *n, int64_t epoch)
{
    return epoch > ints(n)[0];
}

/* ---- MultiplicativeLR with a constant factor: real lr, factor ----------

 *     if not _is_initial: return group["lr"] * lr_lambda(last_epoch)
 *     return group["lr"] */
static double multiplicative_get(const torch_node *n, const torch_group *g, int initial)
{
    return initial ? g->lr : mul(g, g->lr, params(n)[1]);
}

static int64_t multiplicative_next(const torch_node *n, const torch_group *g)
{
    return settled(g, params(n)[1]) ? INT64_MAX : n->last_epoch + 1;
}

/* Schedulers whose lr depends on the epoch alone jump there. */
static void epoch_jump(torch_node *n, torch_group *g, int64_t epoch)
{
    n->last_epoch = epoch;
    g->lr = fill(g, n->ops->get_lr(n, g, 0));
}

static const torch_ops step_lr_ops = {step_lr_get, step_lr_closed, step_lr_next, NULL, NULL, 1};
static const torch_ops multi_step_lr_ops = {multi_step_lr_get, multi_step_lr_closed, multi_step_lr_next, NULL, NULL, 1};
static const torch_ops constant_lr_ops = {constant_lr_get, constant_lr_closed, constant_lr_next, NULL,
                                          constant_lr_raises, 1};
static const torch_ops linear_lr_ops = {linear_lr_get, linear_lr_closed, linear_lr_next, NULL, NULL, 1};
static const torch_ops exponential_lr_ops = {exponential_lr_get, exponential_lr_closed, exponential_lr_next, NULL,
                                             NULL, 1};
static const torch_ops polynomial_lr_ops = {polynomial_lr_get, polynomial_lr_closed, polynomial_lr_next, NULL,
                                            polynomial_lr_raises, 1};
static const torch_ops cosine_annealing_ops = {cosine_annealing_get, cosine_annealing_closed, every_step, NULL, NULL,
                                               1};
static const torch_ops warm_restarts_ops = {warm_restarts_get, NULL, every_step, warm_restarts_jump, NULL, 1};
static const torch_ops cyclic_ops = {cyclic_get, NULL, every_step, epoch_jump, cyclic_raises, 0};
static const torch_ops one_cycle_ops = {one_cycle_get, NULL, every_step, epoch_jump, one_cycle_raises, 0};
static const torch_ops multiplicative_ops = {multiplicative_get, NULL, multiplicative_next, NULL, NULL, 1};
static const torch_ops composite_ops = {NULL, NULL, NULL, NULL, NULL, 1};

static const torch_ops *ops_of(int32_t kind)
{
    switch (kind) {
    case PSK_TORCH_STEP_LR: return &step_lr_ops;
    case PSK_TORCH_MULTI_STEP_LR: return &multi_step_lr_ops;
    case PSK_TORCH_CONSTANT_LR: return &constant_lr_ops;
    case PSK_TORCH_LINEAR_LR: return &linear_lr_ops;
    case PSK_TORCH_EXPONENTIAL_LR: return &exponential_lr_ops;
    case PSK_TORCH_POLYNOMIAL_LR: return &polynomial_lr_ops;
    case PSK_TORCH_COSINE_ANNEALING_LR: return &cosine_annealing_ops;
    case PSK_TORCH_COSINE_ANNEALING_WARM_RESTARTS: return &warm_restarts_ops;
    case PSK_TORCH_CYCLIC_LR: return &cyclic_ops;
    case PSK_TORCH_ONE_CYCLE_LR: return &one_cycle_ops;
    case PSK_TORCH_MULTIPLICATIVE_LR: return &multiplicative_ops;
    case PSK_TORCH_SEQUENTIAL_LR:
    case PSK_TORCH_CHAINED_SCHEDULER: return &composite_ops;
    default: return NULL;
    }
}

static int is_composite(const torch_node *n)
{
    return n->ops == &composite_ops;
}

/* The closed_form flag: the last integer of a leaf that has a closed form. */
static int closed_form(const psk_schedule *s)
{
    const torch_ops *ops = ops_of(s->kind);
    if (ops == NULL || (ops->closed_form == NULL && ops != &warm_restarts_ops))
        return 0;
    int64_t at = s->kind == PSK_TORCH_MULTI_STEP_LR ? 0 : s->n_int - 1;
    return s->integer[at] != 0;
}

/* ---- the simulation: torch's constructors, step() and _update_lr(0) ---- */

typedef struct {
    torch_group group;
    int64_t epoch;        /* step() calls on the top scheduler so far */
    int64_t steps;        /* step() calls that did work, against PSK_MAX_REPLAY */
    int raised;           /* the step just taken raised in the framework */
    int64_t raised_epoch; /* the last epoch whose step raised (the lr stayed as it was) */
} torch_run;

static void leaf_update(torch_node *n, torch_run *run, int initial)
{
    const torch_ops *ops = n->ops;
    if (ops->raises != NULL && ops->raises(n, n->last_epoch))
        run->raised = 1;
    else
        run->group.lr = fill(&run->group, ops->get_lr(n, &run->group, initial));
}

/* CosineAnnealingWarmRestarts overrides step(). */
static void warm_restarts_step(torch_node *n, torch_run *run)
{
    if (n->last_epoch < 0) {
        n->t_i = ints(n)[0];
        n->t_cur = 0;
        n->last_epoch = 0;
    } else {
        n->last_epoch += 1;
        n->t_cur += 1;
        if (n->t_cur >= n->t_i) {
            n->t_cur = (int64_t)(n->t_cur % n->t_i);
            n->t_i *= ints(n)[1];
        }
    }
    leaf_update(n, run, 0);
}

static void node_step(torch_node *n, torch_run *run, int initial);

/* The index of SequentialLR's scheduler for an epoch: bisect_right(milestones, epoch). */
static int64_t active_index(const torch_node *n, int64_t epoch)
{
    int64_t index = 0;
    while (index < n->s->n_int && ints(n)[index] <= epoch)
        index++;
    return index;
}


/* SequentialLR.step: the scheduler for the new epoch steps, or restarts at 0
 * on its milestone (composites have no get_lr, so torch raises there). */
static void sequential_step(torch_node *n, torch_run *run)
{
    n->last_epoch += 1;
    int64_t index = active_index(n, n->last_epoch);
    torch_node *child = &n->children[index];
    if (index > 0 && ints(n)[index - 1] == n->last_epoch) {
        if (is_composite(child)) {
            run->raised = 1;
            return;
        }
        child->last_epoch = 0;
        if (child->ops->closed_form != NULL)
            run->group.lr = fill(&run->group, child->ops->closed_form(child, &run->group));
        else
            leaf_update(child, run, 0);
    } else {
        node_step(child, run, 0);
    }
}

static void node_step(torch_node *n, torch_run *run, int initial)
{
    if (n->s->kind == PSK_TORCH_SEQUENTIAL_LR) {
        sequential_step(n, run);
    } else if (n->s->kind == PSK_TORCH_CHAINED_SCHEDULER) {
        for (int64_t i = 0; i < n->n_children; i++)
            node_step(&n->children[i], run, 0);
    } else if (n->ops == &warm_restarts_ops) {
        warm_restarts_step(n, run);
    } else {
        n->last_epoch += 1;
        leaf_update(n, run, initial);
    }
}

/* SequentialLR.recursive_undo: leaves step back one epoch. */
static void undo(torch_node *n)
{
    if (is_composite(n)) {
        for (int64_t i = 0; i < n->n_children; i++)
            undo(&n->children[i]);
    } else {
        n->last_epoch -= 1;
    }
}

/* A scheduler's constructor, children first, as Python evaluates them. */
static void construct(torch_node *n, torch_run *run)
{
    torch_group *g = &run->group;
    if (is_composite(n)) {
        for (int64_t i = 0; i < n->n_children; i++)
            construct(&n->children[i], run);
        if (n->s->kind == PSK_TORCH_SEQUENTIAL_LR) {
            n->last_epoch = 0;
            g->lr = fill(g, g->initial_lr);
            undo(n);
            node_step(&n->children[active_index(n, 0)], run, 1);
        }
        return;
    }
    if (n->s->kind == PSK_TORCH_CYCLIC_LR)
        g->lr = fill(g, params(n)[0]);
    if (n->s->kind == PSK_TORCH_ONE_CYCLE_LR)
        g->initial_lr = params(n)[0] / params(n)[2];
    if (isnan(g->initial_lr))
        g->initial_lr = g->lr;
    n->base_lr = n->s->kind == PSK_TORCH_CYCLIC_LR ? params(n)[0] : g->initial_lr;
    n->last_epoch = -1;
    node_step(n, run, 1);
}

/* ---- evaluation ---------------------------------------------------------- */

static int64_t count_nodes(const psk_schedule *s)
{
    int64_t count = 1;
    for (int64_t i = 0; i < s->n_children; i++)
        count += count_nodes(&s->children[i]);
    return count;
}

/* Lay the tree of s out in an array: n's children sit together at *next. */
static void layout(const psk_schedule *s, torch_node *n, torch_node **next)
{
    *n = (torch_node){.s = s, .ops = ops_of(s->kind), .children = *next, .n_children = s->n_children};
    *next += s->n_children;
    for (int64_t i = 0; i < s->n_children; i++)
        layout(&s->children[i], &n->children[i], next);
}

/* How many of n's next step() calls change nothing (INT64_MAX: none will). */
static int64_t quiet_steps(const torch_node *n, const torch_group *g)
{
    if (n->s->kind == PSK_TORCH_CHAINED_SCHEDULER) {
        int64_t quiet = INT64_MAX;
        for (int64_t i = 0; i < n->n_children; i++) {
            int64_t child = quiet_steps(&n->children[i], g);
            quiet = child < quiet ? child : quiet;
        }
        return quiet;
    }
    if (n->s->kind == PSK_TORCH_SEQUENTIAL_LR) {
        int64_t index = active_index(n, n->last_epoch);
        int64_t quiet = quiet_steps(&n->children[index], g);
        if (index < n->s->n_int && ints(n)[index] - n->last_epoch - 1 < quiet)
            quiet = ints(n)[index] - n->last_epoch - 1; /* the next milestone restarts */
        return quiet;
    }
    int64_t next = n->ops->next_change(n, g);
    return next == INT64_MAX ? INT64_MAX : next - n->last_epoch - 1;
}

/* Take count step() calls that change nothing: only epochs move. */
static void skip(torch_node *n, int64_t count)
{
    if (n->s->kind == PSK_TORCH_CHAINED_SCHEDULER) {
        for (int64_t i = 0; i < n->n_children; i++)
            skip(&n->children[i], count);
    } else if (n->s->kind == PSK_TORCH_SEQUENTIAL_LR) {
        skip(&n->children[active_index(n, n->last_epoch)], count);
        n->last_epoch += count;
    } else {
        n->last_epoch += count;
    }
}

/* Step the top scheduler to epoch target, skipping steps that change nothing
 * and jumping where the lr depends on the epoch alone. Where torch raises, the
 * value at that epoch is an error; torch's state goes on from there (the lr as
 * it was), as it would for a caller who caught the exception. */
static int advance(torch_node *root, torch_run *run, int64_t target)
{
    while (run->epoch < target) {
        if (!is_composite(root) && root->ops->jump != NULL) {
            if (root->ops->raises != NULL && root->ops->raises(root, target))
                run->raised_epoch = target;
            else
                root->ops->jump(root, &run->group, target);
            run->epoch = target;
            break;
        }
        int64_t quiet = quiet_steps(root, &run->group), remaining = target - run->epoch;
        if (quiet >= remaining) {
            skip(root, remaining);
            run->epoch = target;
            break;
        }
        skip(root, quiet);
        run->epoch += quiet + 1;
        run->raised = 0;
        node_step(root, run, 0);
        if (run->raised)
            run->raised_epoch = run->epoch;
        if (++run->steps > PSK_MAX_REPLAY)
            return PSK_E_REPLAY;
    }
    return run->raised_epoch == target ? PSK_E_RAISES : PSK_OK;
}

static int stepped_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index)
{
    int64_t count = count_nodes(s);
    if ((uint64_t)count > SIZE_MAX / sizeof(torch_node))
        return PSK_E_NOMEM;
    torch_node *nodes = malloc((size_t)count * sizeof *nodes);
    if (nodes == NULL)
        return PSK_E_NOMEM;
    int status = PSK_OK;
    int64_t *order = psk_step_order(steps, n, &status);
    if (status == PSK_OK) {
        torch_node *next = nodes + 1;
        layout(s, nodes, &next);
        double lr = nodes->ops->has_lr ? s->real[0] : 0.0;
        torch_run run = {.group = {lr, NAN, s->dtype == PSK_FLOAT32}, .raised_epoch = -1};
        construct(nodes, &run);
        if (run.raised)
            run.raised_epoch = 0;
        for (int64_t k = 0; k < n && status == PSK_OK; k++) {
            int64_t i = order != NULL ? order[k] : k;
            status = advance(nodes, &run, steps[i]);
            if (status == PSK_OK)
                psk_put(out, i, run.group.lr);
            else if (bad_index != NULL)
                *bad_index = i;
        }
    }
    free(order);
    free(nodes);
    return status;
}

/* The closed form at each step, as step(epoch) evaluates it. */
static int closed_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index)
{
    torch_group g = {s->real[0], s->real[0], s->dtype == PSK_FLOAT32};
    torch_node node = {.s = s, .ops = ops_of(s->kind), .base_lr = s->real[0]};
    for (int64_t i = 0; i < n; i++) {
        node.last_epoch = steps[i];
        double value = node.ops == &warm_restarts_ops ? warm_restarts_closed(&node, &g)
                                                      : node.ops->closed_form(&node, &g);
        psk_put(out, i, fill(&g, value));
    }
    (void)bad_index;
    return PSK_OK;
}

static int torch_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index)
{
    return closed_form(s) ? closed_eval(s, steps, n, out, bad_index) : stepped_eval(s, steps, n, out, bad_index);
}

/* ---- checks -------------------------------------------------------------- */

static int in_range(int64_t x, int64_t lo, int64_t hi)
{
    return x >= lo && x <= hi;
}

static int torch_check(const psk_schedule *s)
{
    const double *r = s->real;
    const int64_t *k = s->integer;
    int64_t last = s->n_int - 1;
    switch (s->kind) {
    case PSK_TORCH_STEP_LR:
        return s->n_real == 2 && s->n_int == 2 && in_range(k[0], 1, PSK_MAX_STEP) && psk_is_flag(k[1]);
    case PSK_TORCH_MULTI_STEP_LR:
        if (s->n_real != 2 || s->n_int < 1 || !psk_is_flag(k[0]))
            return 0;
        for (int64_t i = 1; i < s->n_int; i++)
            if (!in_range(k[i], 0, PSK_MAX_STEP))
                return 0;
        return 1;
    case PSK_TORCH_CONSTANT_LR:
        return s->n_real == 2 && s->n_int == 2 && r[1] >= 0 && r[1] <= 1 && in_range(k[0], 0, PSK_MAX_STEP)
               && psk_is_flag(k[1]);
    case PSK_TORCH_LINEAR_LR:
        return s->n_real == 3 && s->n_int == 2 && r[1] > 0 && r[1] <= 1 && r[2] >= 0 && r[2] <= 1
               && in_range(k[0], 0, PSK_MAX_STEP) && psk_is_flag(k[1]);
    case PSK_TORCH_EXPONENTIAL_LR:
        return s->n_real == 2 && s->n_int == 1 && r[1] >= 0 && psk_is_flag(k[0]);
    case PSK_TORCH_POLYNOMIAL_LR:
        return s->n_real == 2 && s->n_int == 2 && in_range(k[0], 0, PSK_MAX_STEP) && psk_is_flag(k[1]);
    case PSK_TORCH_COSINE_ANNEALING_LR:
        return s->n_real == 2 && s->n_int == 2 && in_range(k[0], 1, PSK_MAX_STEP) && psk_is_flag(k[1]);
    case PSK_TORCH_COSINE_ANNEALING_WARM_RESTARTS:
        return s->n_real == 2 && s->n_int == 3 && in_range(k[0], 1, PSK_MAX_STEP)
               && in_range(k[1], 1, INT32_MAX) && psk_is_flag(k[2]);
    case PSK_TORCH_CYCLIC_LR:
        return s->n_real == 5 && s->n_int == 1 && r[2] >= 0 && r[3] >= 0 && r[2] + r[3] > 0
               && in_range(k[0], CYCLIC_TRIANGULAR, CYCLIC_EXP_RANGE);
    case PSK_TORCH_ONE_CYCLE_LR:
        return s->n_real == 4 && s->n_int == 3 && r[1] >= 0 && r[1] <= 1 && r[2] != 0 && r[3] != 0
               && in_range(k[0], 1, PSK_MAX_STEP) && psk_is_flag(k[1]) && psk_is_flag(k[2]);
    case PSK_TORCH_MULTIPLICATIVE_LR:
        return s->n_real == 2 && s->n_int == 0;
    case PSK_TORCH_SEQUENTIAL_LR:
    case PSK_TORCH_CHAINED_SCHEDULER:
        if (s->n_real != 1 || s->n_children < 1)
            return 0;
        if (s->kind == PSK_TORCH_SEQUENTIAL_LR ? s->n_int != s->n_children - 1 : s->n_int != 0)
            return 0;
        for (int64_t i = 0; i < s->n_children; i++)
            if (ops_of(s->children[i].kind) == NULL || closed_form(&s->children[i])
                || s->children[i].dtype != s->dtype)
                return 0;
        for (int64_t i = 1; i <= last; i++)
            if (k[i] < k[i - 1])
                return 0;
        return 1;
    default:
        return 0;
    }
}

static int torch_check_status(const psk_schedule *s)
{
    return torch_check(s) ? PSK_OK : PSK_E_PARAM;
}

#define TORCH_FAMILY(name)                                                            \
    const psk_family name = {                                                         \
        .n_real = PSK_VARIABLE,                                                       \
        .n_int = PSK_VARIABLE,                                                        \
        .n_children = PSK_VARIABLE,                                                   \
        .check = torch_check_status,                                                  \
        .eval = torch_eval,                                                           \
    };
TORCH_FAMILY(psk_torch_step_lr)
TORCH_FAMILY(psk_torch_multi_step_lr)
TORCH_FAMILY(psk_torch_constant_lr)
TORCH_FAMILY(psk_torch_linear_lr)
TORCH_FAMILY(psk_torch_exponential_lr)
TORCH_FAMILY(psk_torch_polynomial_lr)
TORCH_FAMILY(psk_torch_cosine_annealing_lr)
TORCH_FAMILY(psk_torch_cosine_annealing_warm_restarts)
TORCH_FAMILY(psk_torch_cyclic_lr)
TORCH_FAMILY(psk_torch_one_cycle_lr)
TORCH_FAMILY(psk_torch_multiplicative_lr)
TORCH_FAMILY(psk_torch_sequential_lr)
TORCH_FAMILY(psk_torch_chained_scheduler)
