#!/usr/bin/python3
"""CF-CAM's cluster gradient filter as the authors' code computes it (a kernel the size of the grid: spatial
Gaussian around n/2 times a range Gaussian of the deviation from the mean, normalised, then a zero-padded 'same'
correlation), in torch for 2D (conv2d) and 3D (conv3d). Usage: cfcam_filter.py IN.npy OUT.npy"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

g = torch.from_numpy(np.load(sys.argv[1])).double()
coords = torch.meshgrid(*[torch.arange(n, dtype=torch.float64) - n / 2 for n in g.shape], indexing="ij")
spatial = torch.exp(-sum(c ** 2 for c in coords) / (2 * 5.0 ** 2))
rng = torch.exp(-((g - g.mean()) ** 2) / (2 * 0.1 ** 2))
k = spatial * rng
k = k / (k.sum() + 1e-6)
conv = F.conv2d if g.dim() == 2 else F.conv3d
out = conv(g[None, None], k[None, None], padding="same")[0, 0]
np.save(sys.argv[2], out.numpy())
