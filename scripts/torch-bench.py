"""The bench MLP in PyTorch, the reference `npm run bench` is read against: 784-256-256-10, batch 128, one fixed
random batch, cross-entropy, torch.optim.Adam(lr=1e-3), on the CPU with 1 and with 2 threads; also forward and
backward alone (no step). One JSON line per case: steps/s (median of --rounds runs of --steps), the load.

    /usr/bin/python3 scripts/torch-bench.py --rounds 5 --steps 50
"""
import argparse, json, os, statistics, time

import torch

p = argparse.ArgumentParser()
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--steps", type=int, default=50)
args = p.parse_args()
load = lambda: "load " + ", ".join(f"{x:.2f}" for x in os.getloadavg())

torch.manual_seed(1)
x = torch.randn(128, 784)
y = torch.randint(0, 10, (128,))
for threads in (1, 2):
    torch.set_num_threads(threads)
    for kind in ("adam", "none"):
        rates = []
        for _ in range(args.rounds):
            model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)

            def step():
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(model(x), y)
                loss.backward()
                if kind == "adam":
                    opt.step()
                return loss

            for _ in range(25):
                step()
            t0 = time.perf_counter()
            for i in range(args.steps):
                loss = step()
                if i % 10 == 9:
                    loss.item()  # read as often as the bench reads
            rates.append(args.steps / (time.perf_counter() - t0))
        print(json.dumps({"workload": "mlp-784-256-256-10-b128-" + kind, "reference": f"torch {torch.__version__} cpu", "threads": threads, "stepsPerSec": round(statistics.median(rates), 1), "rounds": [round(r, 1) for r in rates], "load": load()}))
