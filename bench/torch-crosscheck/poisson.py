"""Independent PyTorch replica of mlkan's Poisson-interface multilevel row (the paper's Fig. 6 settings; see
README.md here).

Model: input features (x, y, |x|) with |x|'s side taken from the point's side of the interface x = 0 ->
cubic spline KAN (3 -> 5) on [-1, 1] -> tanh -> spline (5 -> 1), coefficients N(0, 0.1^2); 51 x 51 grid
(interior collocation, boundary, and the interface's 49 interior points with one-sided x-derivatives);
loss 1e-2 * sum (lambda r)^2 + sum u_boundary^2 + 1e-1 * sum (eps_l u_x^- - eps_r u_x^+)^2, residual-based
attention lambda <- (1 - 1e-4) lambda + 1e-4 |r| / max |r| after every step; Adam lr 1e-2 with a 10-step
linear warm-up from 1e-4 at every level; G = 4, 8, 16, 32. Relative L2 on a 201 x 201 grid.

  python3 poisson.py [--seed N | --against MLKAN.json] [--level-steps S] [--threads N]
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
ap.add_argument("--level-steps", type=int, default=1250)
ap.add_argument("--threads", type=int, default=1)
args = ap.parse_args()
torch.set_default_dtype(torch.float64)
torch.set_num_threads(args.threads)
H, G = 5, 4
mlkan = K.load_mlkan(args.against) if args.against else None
if mlkan:
    p = mlkan["init"]
    c1 = K.spline_from_mlkan(p[: 3 * (G + 3) * H], 3, H, G)
    c2 = K.spline_from_mlkan(p[3 * (G + 3) * H :], H, 1, G)
else:
    torch.manual_seed(args.seed)
    c1 = torch.randn(3, H, G + 3) * 0.1
    c2 = torch.randn(H, 1, G + 3) * 0.1
params = [c1.requires_grad_(True), c2.requires_grad_(True)]


def model(X, sgn, ps, G):
    c1, c2 = ps
    F = torch.stack([X[:, 0], X[:, 1], X[:, 0] * sgn], 1)
    return K.spline_layer(torch.tanh(K.spline_layer(F, c1, G)), c2, G)[:, 0]


def linspace(a, b, n):  # as mlkan's: exact end point, exact 0 in the middle
    out = [a + ((b - a) * i) / (n - 1) for i in range(n)]
    out[-1] = b
    if n % 2 == 1:
        out[(n - 1) // 2] = 0.0
    return out


def side(X):
    return torch.where(X[:, 0] < 0, -1.0, 1.0)


def exact(X):
    x, y = X[:, 0], X[:, 1]
    sy = torch.sin(3 * math.pi * y)
    return torch.where(x < 0, torch.sin(math.pi * x) * sy, torch.sin(2 * math.pi * x) * sy)


g = linspace(-1.0, 1.0, 51)
inner = g[1:-1]
XV = torch.tensor([[x, y] for y in inner for x in inner])
sV, epsV = side(XV), torch.where(XV[:, 0] < 0, 1.0, 0.5)
x, y = XV[:, 0], XV[:, 1]
fV = torch.where(x < 0, -10 * math.pi**2 * torch.sin(math.pi * x), -6.5 * math.pi**2 * torch.sin(2 * math.pi * x))
fV = fV * torch.sin(3 * math.pi * y)
XB = torch.tensor([[g[i], s] for i in range(51) for s in (-1.0, 1.0)] + [[s, g[j]] for j in range(1, 50) for s in (-1.0, 1.0)])
sB = side(XB)
XI = torch.tensor([[0.0, y] for y in inner])
ev = linspace(-1.0, 1.0, 201)
XE = torch.tensor([[x, y] for y in ev for x in ev])
sE, uE = side(XE), exact(XE)
lam = torch.ones(XV.shape[0])


def loss_fn(ps, G):
    X = XV.clone().requires_grad_(True)
    u = model(X, sV, ps, G)
    gr = torch.autograd.grad(u.sum(), X, create_graph=True)[0]
    uxx = torch.autograd.grad(gr[:, 0].sum(), X, create_graph=True)[0][:, 0]
    uyy = torch.autograd.grad(gr[:, 1].sum(), X, create_graph=True)[0][:, 1]
    r = epsV * (uxx + uyy) - fV
    Xl = XI.clone().requires_grad_(True)
    Xr = XI.clone().requires_grad_(True)
    uxl = torch.autograd.grad(model(Xl, -1.0, ps, G).sum(), Xl, create_graph=True)[0][:, 0]
    uxr = torch.autograd.grad(model(Xr, 1.0, ps, G).sum(), Xr, create_graph=True)[0][:, 0]
    L = 1e-2 * ((lam * r) ** 2).sum() + (model(XB, sB, ps, G) ** 2).sum() + 1e-1 * ((uxl - 0.5 * uxr) ** 2).sum()
    return L, r.detach()


t0 = time.time()
losses, level_loss, level_rel = [], [], []
for level in range(4):
    if level:
        params = [K.refine(c, G).requires_grad_(True) for c in params]
        G *= 2
    opt = torch.optim.Adam(params, lr=1e-2)
    for k in range(args.level_steps):
        for pg in opt.param_groups:
            pg["lr"] = 1e-4 + (1e-2 - 1e-4) * k / 10 if k < 10 else 1e-2
        opt.zero_grad()
        L, r = loss_fn(params, G)
        L.backward()
        opt.step()
        a = r.abs()
        lam = (1 - 1e-4) * lam + (1e-4 / a.max()) * a
        losses.append(L.item())
    level_loss.append(loss_fn(params, G)[0].item())
    with torch.no_grad():
        level_rel.append(K.rel_l2(model(XE, sE, params, G), uE))
tail = sorted(losses[-100:])
out = {
    "init": f"mlkan {args.against}" if mlkan else f"torch seed {args.seed}",
    "levelSteps": args.level_steps,
    "levelRelL2": level_rel,
    "levelLoss": level_loss,
    "last100Losses": {"min": tail[0], "median": tail[len(tail) // 2], "max": tail[-1]},
    "seconds": round(time.time() - t0, 1),
}
if mlkan:
    out["lossesVsMlkan"] = K.compare_losses(losses[: args.level_steps] + [level_loss[0]], mlkan)
    out["mlkanLevelLoss"] = [lv["finalLoss"] for lv in mlkan["levels"]]
    out["mlkanLevelRelL2"] = [lv["relL2"] for lv in mlkan["levels"]]
print(json.dumps(out))
print(f"# torch relative L2 per level {K.fmt(level_rel)}" + (f"   mlkan {K.fmt(out['mlkanLevelRelL2'])}" if mlkan else ""))
