"""Independent PyTorch replica of mlkan's Burgers Table 3 rows (see README.md here).

Model: Linear(2 -> 20, no bias, U(+-1/sqrt(2))) -> tanh -> cubic spline KAN (20 -> 20) on [-1, 1] -> tanh ->
spline (20 -> 1), coefficients N(0, 0.01^2); 64 x 64 collocation grid, 64 initial and 64 + 64 boundary
points, mean squared residual + mean squared data misfit; Adam with torch's CyclicLR (exp_range, 1e-4 to
1e-3, 50 steps up, gamma 0.9995, cycle_momentum off), re-created at every level.

  python3 burgers.py [--seed N | --against MLKAN.json] [--nu X] [--mode multilevel|fine|fine-long|coarse]
                     [--float32] [--threads N]
With --against, the initial parameters are mlkan's (written by mlkan-run.mjs) and the losses are compared.
"""
import argparse
import json
import math
import time

import torch

import kan_torch as K

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--against", help="mlkan-run.mjs output: start from its initial parameters, compare")
ap.add_argument("--nu", type=float, default=0.01)
ap.add_argument("--mode", default="multilevel", choices=["multilevel", "fine", "fine-long", "coarse"])
ap.add_argument("--float32", action="store_true")
ap.add_argument("--threads", type=int, default=1)
args = ap.parse_args()
torch.set_default_dtype(torch.float32 if args.float32 else torch.float64)
torch.set_num_threads(args.threads)
W = 20
mlkan = K.load_mlkan(args.against) if args.against else None
if mlkan:
    args.nu = mlkan["nu"]
    p = mlkan["init"]
    lin = torch.tensor(p[: 2 * W]).reshape(2, W)
    c1 = K.spline_from_mlkan(p[2 * W : 2 * W + W * 8 * W], W, W, 5)
    c2 = K.spline_from_mlkan(p[2 * W + W * 8 * W :], W, 1, 5)
else:
    torch.manual_seed(args.seed)
    lin = (torch.rand(2, W) * 2 - 1) / math.sqrt(2)
    c1 = torch.randn(W, W, 8) * 0.01
    c2 = torch.randn(W, 1, 8) * 0.01
params = [t.requires_grad_(True) for t in (lin, c1, c2)]
G = 5


def model(X, ps, G):
    lin, c1, c2 = ps
    h = torch.tanh(K.spline_layer(torch.tanh(X @ lin), c1, G))
    return K.spline_layer(h, c2, G)[:, 0]


xs = torch.linspace(-1, 1, 64)
ts = torch.linspace(0, 1, 64)
XX, TT = torch.meshgrid(xs, ts, indexing="ij")
XV = torch.stack([XX.reshape(-1), TT.reshape(-1)], 1)
zeros, ones = torch.zeros(64), torch.ones(64)
XB = torch.cat([torch.stack([xs, zeros], 1), torch.stack([-ones, ts], 1), torch.stack([ones, ts], 1)])
gB = torch.cat([-torch.sin(math.pi * xs), torch.zeros(128)])


def loss_fn(ps, G):
    X = XV.clone().requires_grad_(True)
    u = model(X, ps, G)
    g = torch.autograd.grad(u.sum(), X, create_graph=True)[0]
    ux, ut = g[:, 0], g[:, 1]
    uxx = torch.autograd.grad(ux.sum(), X, create_graph=True)[0][:, 0]
    r = ut + u * ux - args.nu * uxx
    return (r**2).mean() + ((model(XB, ps, G) - gB) ** 2).mean()


def train(ps, G, steps, losses):
    opt = torch.optim.Adam(ps, lr=1e-3)
    sch = torch.optim.lr_scheduler.CyclicLR(
        opt, base_lr=1e-4, max_lr=1e-3, step_size_up=50, mode="exp_range", gamma=0.9995, cycle_momentum=False
    )
    for _ in range(steps):
        opt.zero_grad()
        L = loss_fn(ps, G)
        L.backward()
        opt.step()
        sch.step()
        losses.append(L.item())
    return loss_fn(ps, G).item()


def refine(ps, G):
    lin, c1, c2 = ps
    return [lin.detach().clone().requires_grad_(True)] + [K.refine(c, G).requires_grad_(True) for c in (c1, c2)], 2 * G


t0 = time.time()
losses, levels = [], []
# with --against, the run follows the file: its step count, or its multilevel schedule
single_steps = len(mlkan["losses"]) if mlkan and mlkan["mode"] != "multilevel" else None
if mlkan and single_steps is None:
    args.mode = "multilevel"
if single_steps is not None:
    levels.append(train(params, G, single_steps, losses))
elif args.mode == "multilevel":
    for level, steps in enumerate([800, 400, 200]):
        if level:
            params, G = refine(params, G)
        levels.append(train(params, G, steps, losses))
elif args.mode in ("fine", "fine-long"):
    params, G = refine(params, G)
    params, G = refine(params, G)
    levels.append(train(params, G, 800 if args.mode == "fine" else 1400, losses))
else:
    levels.append(train(params, G, 3200, losses))
out = {
    "init": f"mlkan {args.against}" if mlkan else f"torch seed {args.seed}",
    "nu": args.nu,
    "dtype": "float32" if args.float32 else "float64",
    "mode": f"{single_steps} steps" if single_steps is not None else args.mode,
    "levelLoss": levels,
    "seconds": round(time.time() - t0, 1),
}
if mlkan:
    first = single_steps if single_steps is not None else 800  # the first level's history lines up
    out["lossesVsMlkan"] = K.compare_losses(losses[:first] + [levels[0]], mlkan)
    out["mlkanLevelLoss"] = [lv["finalLoss"] for lv in mlkan["levels"]]
print(json.dumps(out))
print(f"# torch {K.fmt(levels)}" + (f"   mlkan {K.fmt(out['mlkanLevelLoss'])}" if mlkan else ""))
