"""Shared parts of the PyTorch cross-check (see README.md): cubic B-spline KAN layers on [-1, 1] written
independently of mlkan, with autograd for the input derivatives, and the comparison helpers."""
import json

import torch


def basis(x, G):
    """Cubic B-splines on G uniform intervals of [-1, 1] (knots extended by 3 each side): (N, in) ->
    (N, in, G + 3), the 4 nonzeros per input scattered into place. Outside [-1, 1] it would continue the end
    intervals' cubics where mlkan continues linearly; every input of these rows (coordinates, |x|, tanh
    outputs) stays inside."""
    h = 2.0 / G
    u = (x + 1) / h + 3
    j = torch.clamp(torch.floor(u.detach()), 3, G + 2)
    f = u - j
    f2 = f * f
    f3 = f2 * f
    vals = torch.stack([(1 - f) ** 3 / 6, (3 * f3 - 6 * f2 + 4) / 6, (-3 * f3 + 3 * f2 + 3 * f + 1) / 6, f3 / 6], -1)
    idx = (j.long() - 3).unsqueeze(-1) + torch.arange(4)
    return torch.zeros(x.shape + (G + 3,), dtype=x.dtype).scatter(-1, idx, vals)


def transfer(G):
    """(2G + 3, G + 3) matrix P with B_fine P = B_coarse: exact refinement G -> 2G, found by least squares
    on 2001 points (not by the knot-insertion formula mlkan uses, so the two are independent)."""
    xs = torch.linspace(-1, 1, 2001, dtype=torch.float64).unsqueeze(1)
    P = torch.linalg.lstsq(basis(xs, 2 * G)[:, 0, :], basis(xs, G)[:, 0, :]).solution
    # The entries are multiples of 1/8 (the uniform knots' subdivision weights 1, 4, 6, 4, 1 over 8); rounding
    # to them removes LAPACK's last-bit noise, which differs from run to run and would make runs differ.
    exact = torch.round(P * 8) / 8
    assert (P - exact).abs().max().item() < 1e-10, "refinement is not exact"
    return exact.to(torch.get_default_dtype())


def spline_layer(h, coeffs, G):
    """sum_i sum_k c[i, j, k] B_k(h_i): coeffs (in, out, G + 3)."""
    return torch.einsum("nik,ijk->nj", basis(h, G), coeffs)


def refine(coeffs, G):
    return torch.einsum("fk,ijk->ijf", transfer(G), coeffs.detach())


def spline_from_mlkan(flat, n_in, n_out, G):
    """mlkan stores a spline layer's coefficient (p, i, q) at (p * nBasis + i) * nOut + q."""
    return torch.tensor(flat, dtype=torch.get_default_dtype()).reshape(n_in, G + 3, n_out).permute(0, 2, 1).contiguous()


def load_mlkan(path):
    with open(path) as f:
        return json.load(f)


def compare_losses(torch_losses, mlkan):
    """torch's losses[k] is the loss before update k; mlkan's history[k] the loss after update k, so
    mlkan's levels[0].initialLoss pairs with torch's losses[0] and history[k] with torch's losses[k + 1]."""
    ours = [mlkan["levels"][0]["initialLoss"]] + mlkan["losses"]
    n = min(len(ours), len(torch_losses))
    rel = [abs(a - b) / abs(b) for a, b in zip(torch_losses[:n], ours[:n])]

    def within(tol):  # how many leading losses agree to tol
        return next((k for k, d in enumerate(rel) if d > tol), n)

    return {
        "compared": n,
        "leadingWithin1e-12": within(1e-12),
        "leadingWithin1e-6": within(1e-6),
        "maxRelDiff": max(rel),
        "lastTorch": torch_losses[n - 1],
        "lastMlkan": ours[n - 1],
    }


def fmt(values):
    return " -> ".join(f"{v:.3e}" for v in values)


def rel_l2(u, ref):
    return (torch.linalg.norm(u - ref) / torch.linalg.norm(ref)).item()

