"""How far torch's own float32 run of a fixture is from the same run in float64: the rounding spread of a case.

For each fixture named on the command line (a file in the torch-optim-2.13 folder): the problem, optimizer,
schedule (StepLR only) and changes of the fixture, run in float32 and in float64 with torch 1.13; prints, per step,
the relative difference of the loss and of the parameters (max over tensors, relative to max(1, max|x|)), and the
first step where it exceeds 1e-5. Problems: rosenbrock, softmax-regression, quadratic.

    /usr/bin/python3 scripts/torch-spread-schedules.py /work/shared/fixtures/torch-optim-2.13/<case>.json ...
"""
import json
import sys

import torch


def loss_fn(problem, dtype):
    kind = problem["kind"]
    if kind == "rosenbrock":
        return lambda t, p: (1 - p["x"][0]) ** 2 + 100 * (p["x"][1] - p["x"][0] ** 2) ** 2
    if kind == "quadratic":
        A = torch.tensor(problem["A"], dtype=dtype)
        b = torch.tensor(problem["b"], dtype=dtype)
        return lambda t, p: 0.5 * p["x"] @ A @ p["x"] + b @ p["x"]
    if kind == "softmax-regression":
        X = torch.tensor(problem["X"], dtype=dtype)
        y = torch.tensor(problem["y"], dtype=torch.long)
        size = problem["batchSize"]
        batches = len(X) // size

        def f(t, p):
            i = (t - 1) % batches
            logits = X[i * size:(i + 1) * size] @ p["weight"].T + p["bias"]
            return torch.nn.functional.cross_entropy(logits, y[i * size:(i + 1) * size])

        return f
    raise SystemExit(f"no problem {kind}")


def run(fx, dtype):
    params = {k: torch.tensor(v["data"], dtype=dtype).reshape(v["shape"]).requires_grad_() for k, v in fx["init"].items()}
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[fx["optimizer"]["name"]](list(params.values()), **fx["optimizer"]["options"])
    sched = None
    if fx.get("schedule"):
        assert fx["schedule"]["name"] == "steplr"
        sched = torch.optim.lr_scheduler.StepLR(opt, **fx["schedule"]["options"])
    f = loss_fn(fx["problem"], dtype)
    losses, traj = [], []
    for t in range(1, fx["steps"] + 1):
        for c in fx.get("changes", []):
            if c["step"] == t:
                opt.param_groups[0].update({k: tuple(v) if isinstance(v, list) else v for k, v in c["param_group"].items()})
        opt.zero_grad()
        loss = f(t, params)
        loss.backward()
        losses.append(loss.item())
        opt.step()
        if sched:
            sched.step()
        traj.append({k: v.detach().double().clone() for k, v in params.items()})
    return losses, traj


for path in sys.argv[1:]:
    fx = json.load(open(path))
    l32, p32 = run(fx, torch.float32)
    l64, p64 = run(fx, torch.float64)
    first = None
    rows = []
    for t in range(fx["steps"]):
        dl = abs(l32[t] - l64[t]) / max(1.0, abs(l64[t]))
        dp = max(((p32[t][k] - p64[t][k]).abs().max() / max(1.0, p64[t][k].abs().max().item())).item() for k in p64[t])
        if first is None and max(dl, dp) > 1e-5:
            first = t + 1
        rows.append((t + 1, dl, dp))
    print(fx["name"], "torch 1.13 float32 vs float64: first step past 1e-5:", first)
    for t, dl, dp in rows:
        if t in (1, 5, 10, 12, 18, 25, 50, 75, 100) or t == first:
            print(f"  step {t}: loss {dl:.1e} params {dp:.1e}")
