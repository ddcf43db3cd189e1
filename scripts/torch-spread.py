#!/usr/bin/python3
"""How far torch's own float32 trajectory is from its float64 one, per parity fixture.

For each fixture given (a path to a shared/fixtures/torch-optim*/ JSON), replays its problem and optimizer in
the local torch (Debian's python3-torch, 1.13) twice, in float32 and in float64, from the fixture's start, with
the fixtures' semantics (step t: zero grads, loss = f(params, t), backward, optimizer.step()), and prints per
recorded step the largest |θ32 − θ64| / max(1, max|θ64|) over the parameter tensors, and the same for the
float32 replay against the fixture itself (0 when torch 1.13 reproduces a torch 1.13 fixture bit for bit).
A fixture's schedule (StepLR, stepped after every optimizer step) and mid-run param_group changes are replayed too.

Usage:  /usr/bin/python3 scripts/torch-spread.py [--every-step | --first-past=1e-5] ../shared/fixtures/torch-optim/adagrad--softmax-regression--lr=0.1.json ...
Prints one JSON line per fixture: {"name", "steps": [...], "spread": [...], "vsFixture": [...]}. With --every-step,
also "everyStep": the spread after each of the 100 steps, and for mlp-mse "reluFlips": how many hidden
pre-activations (over all samples and steps) are positive in one run and not in the other. With --trace=S,
also "trace": the element furthest apart between the two runs after step S, and its gradient and value at each
step up to S in both runs. With --first-past=B (for rounding-sensitive cases, tests/unit/parity-schedules.test.ts),
it prints instead a readable report: the first step where the loss's or the parameters' float32-vs-float64 spread
(each relative to max(1, |x|)) passes B, and both spreads at a few steps.
Optimizers or options torch 1.13 lacks (Adafactor, decoupled_weight_decay) are reported as not measurable.
"""
import json
import sys

import torch

CLASSES = {
    "sgd": "SGD", "adagrad": "Adagrad", "adadelta": "Adadelta", "rmsprop": "RMSprop", "adam": "Adam",
    "adamw": "AdamW", "nadam": "NAdam", "radam": "RAdam", "adamax": "Adamax", "rprop": "Rprop", "asgd": "ASGD",
}

# The schedules torch 1.13 has, by fixture name; the others (OneCycleLR's three-phase form, the recipes) are not measured.
SCHEDULES = {"steplr": "StepLR"}


def loss_fn(problem, dtype):
    kind = problem["kind"]
    if kind == "quadratic":
        A = torch.tensor(problem["A"], dtype=dtype)
        b = torch.tensor(problem["b"], dtype=dtype)
        return lambda t, x: 0.5 * x @ (A @ x) + b @ x
    if kind == "rosenbrock":
        return lambda t, x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    if kind == "softmax-regression":
        X = torch.tensor(problem["X"], dtype=dtype)
        y = torch.tensor(problem["y"])
        size = problem["batchSize"]
        batches = X.shape[0] // size

        def f(t, weight, bias):
            b = (t - 1) % batches
            logits = X[b * size:(b + 1) * size] @ weight.T + bias
            return torch.nn.functional.cross_entropy(logits, y[b * size:(b + 1) * size])
        return f
    if kind == "mlp-mse":
        X = torch.tensor(problem["X"], dtype=dtype)
        Y = torch.tensor(problem["Y"], dtype=dtype)
        return lambda t, w1, b1, w2, b2: (((X @ w1.T + b1).relu() @ w2.T + b2 - Y) ** 2).sum()
    raise ValueError(kind)


def run(fixture, dtype, every=False, history=None):
    names = list(fixture["init"])
    params = [torch.tensor(fixture["init"][n]["data"], dtype=dtype).reshape(fixture["init"][n]["shape"]).requires_grad_() for n in names]
    opts = dict(fixture["optimizer"]["options"])
    if "betas" in opts:
        opts["betas"] = tuple(opts["betas"])
    cls = getattr(torch.optim, CLASSES[fixture["optimizer"]["name"]])
    opt = cls(params, **opts)
    f = loss_fn(fixture["problem"], dtype)
    recorded = {r["step"] for r in fixture["trajectory"]}
    schedule = fixture.get("schedule")
    sched = getattr(torch.optim.lr_scheduler, SCHEDULES[schedule["name"]])(opt, **schedule["options"]) if schedule else None
    out = {}
    pre = []
    losses = []
    for t in range(1, fixture["steps"] + 1):
        for c in fixture.get("changes", []):
            if c["step"] == t:
                opt.param_groups[0].update({k: tuple(v) if isinstance(v, list) else v for k, v in c["param_group"].items()})
        opt.zero_grad()
        if fixture["problem"]["kind"] == "mlp-mse":
            with torch.no_grad():
                pre.append(torch.tensor(fixture["problem"]["X"], dtype=dtype) @ params[0].T + params[1] > 0)
        loss = f(t, *params)
        loss.backward()
        losses.append(loss.item())
        if history is not None:
            history.append({n: p.grad.detach().clone() for n, p in zip(names, params)})
        opt.step()
        if sched:
            sched.step()
        if every or t in recorded:
            out[t] = {n: p.detach().clone() for n, p in zip(names, params)}
    return out, pre, losses


def rel(a, b):
    d = (a.double() - b.double()).abs().max().item()
    return d / max(1.0, b.double().abs().max().item())


def report(fixture, bound, r32, r64, l32, l64):
    """The first step whose loss or parameters spread past `bound`, and both spreads at a few steps."""
    rows = []
    for t in sorted(r32):
        dl = abs(l32[t - 1] - l64[t - 1]) / max(1.0, abs(l64[t - 1]))
        rows.append((t, dl, max(rel(r32[t][n], r64[t][n]) for n in r32[t])))
    first = next((t for t, dl, dp in rows if max(dl, dp) > bound), None)
    print(fixture["name"], f"torch {torch.__version__} float32 vs float64: first step past {bound:g}:", first)
    for t, dl, dp in rows:
        if t in (1, 5, 10, 12, 18, 25, 50, 75, 100) or t == first:
            print(f"  step {t}: loss {dl:.1e} params {dp:.1e}")


def main(paths):
    every = "--every-step" in paths
    trace = next((int(p.split("=")[1]) for p in paths if p.startswith("--trace=")), None)
    bound = next((float(p.split("=")[1]) for p in paths if p.startswith("--first-past=")), None)
    paths = [p for p in paths if not p.startswith("--")]
    every = every or trace is not None or bound is not None
    torch.set_num_threads(1)
    for path in paths:
        fixture = json.load(open(path))
        name = fixture["optimizer"]["name"]
        schedule = (fixture.get("schedule") or {}).get("name")
        if name not in CLASSES or fixture["optimizer"]["options"].get("decoupled_weight_decay") or (schedule and schedule not in SCHEDULES):
            print(json.dumps({"name": fixture["name"], "error": f"torch {torch.__version__} cannot run {name} {fixture['optimizer']['options']} {schedule or ''}".rstrip()}))
            continue
        h32, h64 = [], []
        (r32, pre32, l32), (r64, pre64, l64) = run(fixture, torch.float32, every, h32), run(fixture, torch.float64, every, h64)
        if bound is not None:
            report(fixture, bound, r32, r64, l32, l64)
            continue
        ref = {r["step"]: r["params"] for r in fixture["trajectory"]}
        steps = sorted(ref)
        spread = [max(rel(r32[s][n], r64[s][n]) for n in r32[s]) for s in steps]
        vs = [max(rel(r32[s][n], torch.tensor(ref[s][n]["data"]).reshape(ref[s][n]["shape"])) for n in r32[s]) for s in steps]
        line = {"name": fixture["name"], "torch": torch.__version__, "steps": steps, "spread": spread, "vsFixture": vs}
        if every:
            line["everyStep"] = [max(rel(r32[s][n], r64[s][n]) for n in r32[s]) for s in sorted(r32)]
            if pre32:
                line["reluFlips"] = sum(int((a != b).sum()) for a, b in zip(pre32, pre64))
        if trace is not None:
            name, i = max(((n, int((r32[trace][n].double() - r64[trace][n]).abs().argmax())) for n in r32[trace]),
                          key=lambda ni: (r32[trace][ni[0]].double() - r64[trace][ni[0]]).flatten()[ni[1]].abs().item())
            at = lambda d, n, k: d[n].flatten()[k].item()
            line["trace"] = {"param": name, "index": i, "steps": [
                {"step": t, "grad32": at(h32[t - 1], name, i), "grad64": at(h64[t - 1], name, i), "value32": at(r32[t], name, i), "value64": at(r64[t], name, i)}
                for t in range(1, trace + 1)]}
        print(json.dumps(line))


if __name__ == "__main__":
    main(sys.argv[1:])
