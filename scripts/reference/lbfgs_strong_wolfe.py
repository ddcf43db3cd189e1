"""L-BFGS with line_search_fn="strong_wolfe", recorded from torch for tests/unit/lbfgs.test.ts.

torch.optim.LBFGS's code (lbfgs.py, _strong_wolfe, _cubic_interpolate) is the same in torch 1.13 and 2.13, and
the shared torch 2.13 fixtures have no strong-Wolfe case, so these are recorded with Debian's torch 1.13:

    /usr/bin/python3 scripts/reference/lbfgs_strong_wolfe.py ../shared/fixtures/torch-optim-2.13 tests/reference

It replays the problems of the torch 2.13 L-BFGS fixtures (same init, float32) for 20 steps with
lr=1, max_iter=5, history_size=5, line_search_fn="strong_wolfe", and writes the fixtures' layout.
"""
import json, os, sys
import torch

torch.set_num_threads(1)
src, out = sys.argv[1], sys.argv[2]
STEPS, RECORD = 20, [1, 2, 3, 5, 10, 15, 20]
OPTIONS = dict(lr=1, max_iter=5, history_size=5, line_search_fn="strong_wolfe")

for kind in ["quadratic", "rosenbrock", "mlp-mse"]:
    name = f"lbfgs--{kind}--lr=0.5-max_iter=5-history_size=5.json"
    f = json.load(open(os.path.join(src, name)))
    P = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]).requires_grad_() for k, v in f["init"].items()}
    pb = f["problem"]

    def loss_fn():
        if kind == "quadratic":
            A, b, x = torch.tensor(pb["A"]), torch.tensor(pb["b"]), P["x"]
            return 0.5 * x @ (A @ x) + b @ x
        if kind == "rosenbrock":
            x = P["x"]
            return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        X, Y = torch.tensor(pb["X"]), torch.tensor(pb["Y"])
        h = torch.relu(X @ P["w1"].T + P["b1"])
        return ((h @ P["w2"].T + P["b2"] - Y) ** 2).sum()

    opt = torch.optim.LBFGS(list(P.values()), **OPTIONS)
    calls = [0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    losses, evaluations, trajectory = [], [], []
    for step in range(1, STEPS + 1):
        calls[0] = 0
        losses.append(float(opt.step(closure)))
        evaluations.append(calls[0])
        if step in RECORD:
            trajectory.append({"step": step, "params": {k: {"shape": list(p.shape), "data": p.detach().reshape(-1).tolist()} for k, p in P.items()}})
    ref = {
        "name": f"lbfgs--{kind}--strong_wolfe",
        "problem": pb,
        "init": f["init"],
        "optimizer": {"name": "lbfgs", "options": OPTIONS},
        "steps": STEPS,
        "losses": losses,
        "evaluations": evaluations,
        "closure": True,
        "trajectory": trajectory,
        "dtype": "float32",
        "reference": f"torch.optim.LBFGS, torch {torch.__version__} (Debian python3-torch), scripts/reference/lbfgs_strong_wolfe.py",
    }
    with open(os.path.join(out, f"lbfgs--{kind}--strong_wolfe.json"), "w") as fh:
        json.dump(ref, fh)
    print(ref["name"], "evaluations", evaluations, "final loss", losses[-1])
