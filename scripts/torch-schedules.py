"""Reference learning-rate sequences from torch.optim.lr_scheduler (torch 1.13, Debian's python3-torch).

For each case: a one-parameter optimizer, a scheduler stepped once after every optimizer.step(); records the
lr (and momentum or beta1) of param_groups[0] before each step, as the shared torch-optim-2.13 fixtures do.
Also records glibc's values of every math.cos the schedulers evaluate, and of the powers they take, so the
TypeScript tests can run our rules on glibc's cos/pow and require torch's sequence bit for bit (V8's Math.cos
and Math.pow differ from glibc's in the last bit on a few per cent of arguments).

Run from the project root:
    /usr/bin/python3 scripts/torch-schedules.py > tests/fixtures/schedules-torch-1.13.json
"""
import json
import math
import sys
import warnings

import torch
import torch.optim.lr_scheduler as L

warnings.simplefilter("ignore")  # stepping an optimizer with no gradients is intended here

COMMAND = "/usr/bin/python3 scripts/torch-schedules.py > tests/fixtures/schedules-torch-1.13.json"
COS = {}


class RecordingMath:
    """The `math` module as lr_scheduler sees it, writing down each cos it evaluates."""

    def __getattr__(self, name):
        return getattr(math, name)

    def cos(self, x):
        c = math.cos(x)
        COS[x] = c
        return c


L.math = RecordingMath()

POW = {}


def pow_(b, e):
    r = b ** e
    POW[(b, e)] = r
    return r


def optimizer(spec):
    p = torch.zeros(1, requires_grad=True)
    name, options = spec["name"], dict(spec["options"])
    if "betas" in options:
        options["betas"] = tuple(options["betas"])
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name]
    return cls([p], **options)


def build(opt, name, options):
    if name == "sequentiallr":
        children = [build(opt, c["name"], c.get("options", {})) for c in options["schedulers"]]
        return L.SequentialLR(opt, children, milestones=options["milestones"])
    cls = {
        "steplr": L.StepLR,
        "multisteplr": L.MultiStepLR,
        "exponentiallr": L.ExponentialLR,
        "cosineannealinglr": L.CosineAnnealingLR,
        "cosineannealingwarmrestarts": L.CosineAnnealingWarmRestarts,
        "onecyclelr": L.OneCycleLR,
        "cycliclr": L.CyclicLR,
        "polynomiallr": L.PolynomialLR,
        "linearlr": L.LinearLR,
    }[name]
    return cls(opt, **options)


def powers(name, options, steps):
    """The powers torch's get_lr takes that are not exact in every libm (exponent 0 or 1, base 1 or 2 are)."""
    if name == "polynomiallr":
        T, p = options.get("total_iters", 5), options.get("power", 1.0)
        for t in range(1, min(T, steps + 1) + 1):
            pow_((1.0 - t / T) / (1.0 - (t - 1) / T), p)
    if name == "cycliclr" and options.get("mode") == "exp_range":
        for t in range(steps + 1):
            pow_(options.get("gamma", 1.0), t)
    if name == "multisteplr":
        counts = {}
        for m in options["milestones"]:
            counts[m] = counts.get(m, 0) + 1
        for k in counts.values():
            pow_(options.get("gamma", 0.1), k)
    if name == "sequentiallr":
        for c in options["schedulers"]:
            powers(c["name"], c.get("options", {}), steps)


def run(case):
    opt = optimizer(case["optimizer"])
    sched = build(opt, case["schedule"], case["options"])
    powers(case["schedule"], case["options"], case["steps"])
    group = opt.param_groups[0]
    lrs, momenta = [], []
    for _ in range(case["steps"]):
        lrs.append(group["lr"])
        momenta.append(group["betas"][0] if "betas" in group else group.get("momentum"))
        opt.step()
        sched.step()
    out = dict(case, lrs=lrs)
    if case.get("momentum"):
        out["momenta"] = momenta
    return out


SGD = {"name": "sgd", "options": {"lr": 0.1, "momentum": 0.9}}
ADAM = {"name": "adam", "options": {"lr": 0.01}}


def case(name, schedule, options, steps, opt=SGD, momentum=False):
    return {"name": name, "schedule": schedule, "options": options, "steps": steps, "optimizer": opt, "momentum": momentum}


WARMUP_COSINE = {
    "schedulers": [
        {"name": "linearlr", "options": {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 10}},
        {"name": "cosineannealinglr", "options": {"T_max": 90}},
    ],
    "milestones": [10],
}

CASES = [
    # the configurations of the shared torch-optim-2.13 fixtures, with their optimizers' lr
    case("steplr fixture", "steplr", {"step_size": 30, "gamma": 0.5}, 100, {"name": "sgd", "options": {"lr": 0.05, "momentum": 0.9}}),
    case("cosineannealinglr fixture", "cosineannealinglr", {"T_max": 100, "eta_min": 0.001}, 100, {"name": "adam", "options": {"lr": 0.02}}),
    case("onecyclelr fixture", "onecyclelr", {"max_lr": 0.05, "total_steps": 100}, 100, {"name": "adamw", "options": {"lr": 0.02, "weight_decay": 0.05}}, True),
    case("linear-warmup-cosine fixture", "sequentiallr", WARMUP_COSINE, 100, {"name": "adam", "options": {"lr": 0.02}}),
    # the rest
    case("steplr gamma 0.1", "steplr", {"step_size": 7}, 50),
    case("multisteplr repeated milestone", "multisteplr", {"milestones": [10, 25, 25, 60], "gamma": 0.3}, 80),
    case("exponentiallr", "exponentiallr", {"gamma": 0.95}, 100),
    case("cosineannealinglr past T_max", "cosineannealinglr", {"T_max": 30}, 100),
    case("cosineannealingwarmrestarts", "cosineannealingwarmrestarts", {"T_0": 10}, 50),
    case("cosineannealingwarmrestarts T_mult 2", "cosineannealingwarmrestarts", {"T_0": 5, "T_mult": 2, "eta_min": 0.001}, 80),
    case("onecyclelr linear sgd", "onecyclelr", {"max_lr": 0.1, "total_steps": 60, "anneal_strategy": "linear"}, 60, SGD, True),
    case("onecyclelr three_phase sgd", "onecyclelr", {"max_lr": 0.1, "total_steps": 90, "pct_start": 0.25, "three_phase": True}, 90, SGD, True),
    case("onecyclelr three_phase linear adam", "onecyclelr", {"max_lr": 0.03, "total_steps": 50, "three_phase": True, "anneal_strategy": "linear", "base_momentum": 0.8, "max_momentum": 0.9}, 50, ADAM, True),
    case("onecyclelr epochs no momentum", "onecyclelr", {"max_lr": 0.1, "epochs": 4, "steps_per_epoch": 25, "cycle_momentum": False, "div_factor": 10.0, "final_div_factor": 100.0}, 100, ADAM),
    case("cycliclr triangular", "cycliclr", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 10}, 60, SGD, True),
    case("cycliclr triangular2 asymmetric", "cycliclr", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 5, "step_size_down": 15, "mode": "triangular2"}, 80, SGD, True),
    case("cycliclr exp_range", "cycliclr", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 8, "mode": "exp_range", "gamma": 0.98}, 80, SGD, True),
    case("cycliclr no momentum adam", "cycliclr", {"base_lr": 0.0005, "max_lr": 0.005, "step_size_up": 6, "cycle_momentum": False}, 40, ADAM),
    case("polynomiallr linear", "polynomiallr", {"total_iters": 30, "power": 1.0}, 40),
    case("polynomiallr power 2", "polynomiallr", {"total_iters": 50, "power": 2.0}, 60),
    case("polynomiallr power 0.5", "polynomiallr", {"total_iters": 20, "power": 0.5}, 25),
    case("linearlr warm-up", "linearlr", {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 20}, 30),
    case("linearlr defaults", "linearlr", {}, 10),
    case("linearlr decay", "linearlr", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 40}, 50),
    case("sequentiallr three", "sequentiallr", {
        "schedulers": [
            {"name": "exponentiallr", "options": {"gamma": 0.9}},
            {"name": "steplr", "options": {"step_size": 5, "gamma": 0.5}},
            {"name": "polynomiallr", "options": {"total_iters": 10, "power": 2.0}},
        ],
        "milestones": [8, 20],
    }, 40),
    case("sequentiallr restarts then multistep", "sequentiallr", {
        "schedulers": [
            {"name": "cosineannealingwarmrestarts", "options": {"T_0": 6, "eta_min": 0.01}},
            {"name": "multisteplr", "options": {"milestones": [3, 9], "gamma": 0.5}},
        ],
        "milestones": [15],
    }, 40),
]

results = [run(c) for c in CASES]
json.dump(
    {
        "command": COMMAND,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "semantics": "lrs[t-1] (and momenta[t-1]: momentum, or betas[0]) of param_groups[0] before optimizer step t; "
        "scheduler.step() after every optimizer.step()",
        "libm": {
            "cos": [[x, c] for x, c in COS.items()],
            "pow": [[b, e, r] for (b, e), r in POW.items()],
        },
        "cases": results,
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
