#!/usr/bin/python3
"""Independent reference CAMs in Python torch, written from the papers' formulas (see docs/cam-methods.md).

Usage: cam_reference.py MODEL.pt INPUT.npy TARGETS(comma list) OUT_DIR [NOISY.npy]

NOISY.npy (optional): the noisy copies [N*n, C, ...] (sample-major) for Smooth Grad-CAM++: the averages of g, g^2 and
g^3 over a sample's copies go into the Grad-CAM++ formula; A is the clean input's.

MODEL.pt follows the simple convention (forward(x), features(x), head(a)). For each method writes OUT_DIR/<method>.npy:
maps [N, spatial...] on the input grid, ReLU -> interpolate(align_corners=False) -> min-max (constant -> 0).
Gradients come from torch.autograd on head(features(x)); nothing here shares code with MedCam.
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


def minmax(t):
    lo, hi = t.min(), t.max()
    rng = hi - lo
    scale = max(abs(float(hi)), abs(float(lo)))
    if not float(rng) > 1e-6 * scale:
        return torch.zeros_like(t)
    return (t - lo) / rng


def up(m, size):
    mode = {1: "linear", 2: "bilinear", 3: "trilinear"}[m.dim()]
    return F.interpolate(m[None, None], size=size, mode=mode, align_corners=False)[0, 0]


def finish(layer_map, size):
    return minmax(up(torch.relu(layer_map), size))


def main():
    model = torch.jit.load(sys.argv[1])
    x = torch.from_numpy(np.load(sys.argv[2]))
    targets = [int(t) for t in sys.argv[3].split(",")]
    out = sys.argv[4]
    os.makedirs(out, exist_ok=True)
    size = tuple(x.shape[2:])
    with torch.no_grad():
        acts = model.features(x)
    a = acts.detach().clone().requires_grad_(True)
    logits = model.head(a)
    score = logits[torch.arange(x.shape[0]), torch.tensor(targets)].sum()
    (g,) = torch.autograd.grad(score, [a])
    a = a.detach()
    n, c = a.shape[:2]
    spatial = tuple(range(2, a.dim()))
    results = {m: [] for m in ["gradcam", "gradcam++", "xgradcam", "layercam", "hirescam", "eigencam", "scorecam", "ablationcam", "cam"]}
    for i in range(n):
        A, G, t = a[i].double(), g[i].double(), targets[i]
        bshape = (c,) + (1,) * len(spatial)
        # Grad-CAM: w = mean gradient.
        w = G.mean(dim=tuple(range(1, A.dim())))
        results["gradcam"].append(finish((w.view(bshape) * A).sum(0), size))
        # Grad-CAM++, paper closed form: alpha = g^2 / (2 g^2 + sum(A) g^3) per position.
        sumA = A.sum(dim=tuple(range(1, A.dim())), keepdim=True)
        denom = 2 * G ** 2 + sumA * G ** 3
        denom = torch.where(denom != 0, denom, torch.ones_like(denom))
        alpha = torch.where(G != 0, G ** 2 / denom, torch.zeros_like(G))
        w = (alpha * torch.relu(G)).sum(dim=tuple(range(1, A.dim())))
        results["gradcam++"].append(finish((w.view(bshape) * A).sum(0), size))
        # XGrad-CAM.
        w = (A / (sumA + 1e-7) * G).sum(dim=tuple(range(1, A.dim())))
        results["xgradcam"].append(finish((w.view(bshape) * A).sum(0), size))
        # LayerCAM and HiResCAM.
        results["layercam"].append(finish((torch.relu(G) * A).sum(0), size))
        results["hirescam"].append(finish((G * A).sum(0), size))
        # Eigen-CAM: first right singular vector of (positions x channels), sign by correlation with channel sum.
        M = A.reshape(c, -1).T
        _, _, vh = torch.linalg.svd(M, full_matrices=False)
        L = M @ vh[0]
        s = A.sum(0).reshape(-1)
        if float(((L - L.mean()) * (s - s.mean())).sum()) < 0:
            L = -L
        results["eigencam"].append(finish(L.reshape(A.shape[1:]), size))
        # Score-CAM, paper: s_k = softmax(f(X * minmax(Up(A^k))))_c.
        H = torch.stack([minmax(up(A[k].float(), size)) for k in range(c)])
        masked = x[i][None] * H[:, None]
        with torch.no_grad():
            probs = torch.softmax(model(masked.float()), dim=1)[:, t].double()
        results["scorecam"].append(finish((probs.view(bshape) * A).sum(0), size))
        # Ablation-CAM, head only: w_k = (y - y_k) / y.
        ablated = A.float()[None].repeat(c, *([1] * A.dim()))
        for k in range(c):
            ablated[k, k] = 0
        with torch.no_grad():
            y = float(logits[i, t])
            yk = model.head(ablated)[:, t].double()
        w = (y - yk) / y
        results["ablationcam"].append(finish((w.view(bshape) * A).sum(0), size))
        # CAM: the linear layer's weights of the GAP + linear head.
        W = model.net.fc.weight.detach().double()[t]
        results["cam"].append(finish((W.view(bshape) * A).sum(0), size))
    if len(sys.argv) > 5:
        noisy = torch.from_numpy(np.load(sys.argv[5]))
        copies = noisy.shape[0] // n
        maps = []
        for i in range(n):
            with torch.no_grad():
                an = model.features(noisy[i * copies:(i + 1) * copies])
            an = an.detach().clone().requires_grad_(True)
            (gn,) = torch.autograd.grad(model.head(an)[:, targets[i]].sum(), [an])
            gn = gn.double()
            g1, g2, g3 = gn.mean(0), (gn ** 2).mean(0), (gn ** 3).mean(0)
            A = a[i].double()
            sumA = A.sum(dim=tuple(range(1, A.dim())), keepdim=True)
            denom = 2 * g2 + sumA * g3
            denom = torch.where(denom != 0, denom, torch.ones_like(denom))
            alpha = torch.where(g2 != 0, g2 / denom, torch.zeros_like(g2))
            w = (alpha * torch.relu(g1)).sum(dim=tuple(range(1, A.dim())))
            maps.append(finish((w.view((c,) + (1,) * len(spatial)) * A).sum(0), size))
        results["smoothgradcam++"] = maps
    for m, maps in results.items():
        np.save(os.path.join(out, m + ".npy"), torch.stack(maps).float().numpy())
    np.save(os.path.join(out, "logits.npy"), logits.detach().numpy())


if __name__ == "__main__":
    main()
