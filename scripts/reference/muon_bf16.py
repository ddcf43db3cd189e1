"""torch 2.13's Muon, ported in a few lines to run under Debian's torch 1.13 (which has no torch.optim.Muon),
replaying a shared Muon fixture to measure how far other arithmetic lands from torch 2.13's trajectory:

    /usr/bin/python3 scripts/reference/muon_bf16.py ../shared/fixtures/torch-optim-2.13/muon--mlp-mse--lr=0.02.json MODE

MODE: "bf16" — Newton–Schulz as torch 2.13's CPU path does it: the update converted to bfloat16, each
torch.addmm's product accumulated (here: exactly, in float64), rounded to float32, scaled and added in float32,
then rounded to bfloat16 (numpy bit rounding, nearest-even); "f32" / "f64" — the same iteration in float32 /
float64 without bfloat16 (the exact orthogonalisation torch does not do). Gradients come from torch 1.13 in
float32. Prints the relative deviation max|ours − ref| / max(1, max|ref|) of each optimized parameter at each
recorded step. Measured (Dec 2026): bf16 is bit-exact through step 5 (MLP) and step 10 (softmax regression);
f64 is 1.9e-4 off after step 1 on the MLP and 5.8e-2 at step 100.
"""
import json, math, sys
import numpy as np
import torch

torch.set_num_threads(1)
f = json.load(open(sys.argv[1]))
mode = sys.argv[2]
P = {k: torch.tensor(v["data"]).reshape(v["shape"]).requires_grad_() for k, v in f["init"].items()}
pb = f["problem"]


def loss(t):
    if pb["kind"] == "mlp-mse":
        X, Y = torch.tensor(pb["X"]), torch.tensor(pb["Y"])
        h = torch.relu(X @ P["w1"].T + P["b1"])
        return ((h @ P["w2"].T + P["b2"] - Y) ** 2).sum()
    X, y, bs = torch.tensor(pb["X"]), torch.tensor(pb["y"]), pb["batchSize"]
    b = (t - 1) % (len(X) // bs)
    return torch.nn.functional.cross_entropy(X[b * bs:(b + 1) * bs] @ P["weight"].T + P["bias"], y[b * bs:(b + 1) * bs])


def bf(x):
    x = np.ascontiguousarray(x, dtype=np.float32)
    u = x.reshape(-1).view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    return r.astype(np.uint32).view(np.float32).reshape(x.shape)


def addmm(C, A, B, beta, alpha):  # bf16 torch.addmm on CPU: float32 accumulate, beta*C + alpha*AB, one bf16 rounding
    d = (A.astype(np.float64) @ B.astype(np.float64)).astype(np.float32)
    return bf(np.float32(beta) * C + np.float32(alpha) * d)


def newton_schulz(G, a=3.4445, b=-4.7750, c=2.0315, steps=5, eps=1e-7):
    tall = G.shape[0] > G.shape[1]
    if mode == "bf16":
        X = bf(G.T if tall else G)
        n = bf(np.sqrt(np.float32((X.astype(np.float64) ** 2).sum())))
        X = bf(X / max(n, np.float32(eps)))
        for _ in range(steps):
            A = bf((X.astype(np.float64) @ X.T.astype(np.float64)).astype(np.float32))
            X = addmm(X, addmm(A, A, A, b, c), X, a, 1.0)
    else:
        X = (G.T if tall else G).astype(np.float32 if mode == "f32" else np.float64)
        X = X / max(np.linalg.norm(X), eps)
        for _ in range(steps):
            A = X @ X.T
            X = a * X + (b * A + c * A @ A) @ X
    return (X.T if tall else X).astype(np.float32)


lr, wd, mu = f["optimizer"]["options"].get("lr", 1e-3), 0.1, 0.95
buf = {k: torch.zeros_like(P[k]) for k in f["optimized"]}
traj = {r["step"]: r["params"] for r in f["trajectory"]}
for t in range(1, f["steps"] + 1):
    for p in P.values():
        p.grad = None
    loss(t).backward()
    with torch.no_grad():
        for k in f["optimized"]:
            p, g = P[k], P[k].grad
            buf[k].lerp_(g, 1 - mu)
            u = g.lerp(buf[k], mu)
            O = torch.tensor(newton_schulz(u.numpy()))
            rows, cols = p.shape
            p.mul_(1 - lr * wd)
            p.add_(O, alpha=-lr * math.sqrt(max(1, rows / cols)))
    if t in traj:
        for k in f["optimized"]:
            ref = np.array(traj[t][k]["data"])
            ours = P[k].detach().numpy().reshape(-1).astype(np.float64)
            print(t, k, f"{np.abs(ours - ref).max() / max(1, np.abs(ref).max()):.2e}")
