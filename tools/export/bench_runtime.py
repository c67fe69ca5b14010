#!/usr/bin/python3
"""Peer side of `medcam bench runtime`: the benchmark 3D CNN and an eager, hook-based Grad-CAM in PyTorch.

  bench_runtime.py export OUT_DIR       writes model.pt (simple convention: features/head/forward, TorchScript),
                                        weights.pth (the same weights as a state_dict) and input.npy / input.f32 [1,1,64,128,128]
  bench_runtime.py gradcam OUT_DIR --threads T --repeat R --warmup W
                                        loads weights.pth into the eager model and times pytorch-grad-cam-style
                                        Grad-CAM (forward hook + tensor hook on the target layer, backward of the
                                        target logit, channel weights = mean gradient, ReLU of the weighted sum);
                                        prints JSON with per-run milliseconds.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import Tensor, nn

SHAPE = (1, 1, 64, 128, 128)
TARGET_CLASS = 1


class BenchNet3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv3d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2))
        self.mid = nn.Sequential(nn.Conv3d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2))
        self.top = nn.Sequential(nn.Conv3d(16, 32, 3, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(32, 3)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(self.pool(self.top(self.mid(self.stem(x)))), 1))


class SimpleConvention(nn.Module):
    def __init__(self, net: BenchNet3d):
        super().__init__()
        self.net = net

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))

    @torch.jit.export
    def features(self, x: Tensor) -> Tensor:
        return self.net.top(self.net.mid(self.net.stem(x)))

    @torch.jit.export
    def head(self, a: Tensor) -> Tensor:
        return self.net.fc(torch.flatten(self.net.pool(a), 1))


def export(out_dir: str) -> None:
    torch.manual_seed(0)
    net = BenchNet3d().eval()
    os.makedirs(out_dir, exist_ok=True)
    torch.jit.script(SimpleConvention(net)).save(os.path.join(out_dir, "model.pt"))
    torch.save(net.state_dict(), os.path.join(out_dir, "weights.pth"))
    x = torch.randn(SHAPE, generator=torch.Generator().manual_seed(1))
    np.save(os.path.join(out_dir, "input.npy"), x.numpy().astype(np.float32))
    x.numpy().astype("<f4").tofile(os.path.join(out_dir, "input.f32"))  # raw copy for the .NET side


def gradcam(out_dir: str, threads: int, repeat: int, warmup: int) -> None:
    torch.set_num_threads(threads)
    net = BenchNet3d().eval()
    net.load_state_dict(torch.load(os.path.join(out_dir, "weights.pth")))
    x = torch.from_numpy(np.load(os.path.join(out_dir, "input.npy")))
    store = {}

    def keep_activation(_module, _inputs, output):
        store["activations"] = output
        if output.requires_grad:  # not under no_grad (the forward-only timing)
            output.register_hook(lambda grad: store.__setitem__("gradients", grad))

    net.top.register_forward_hook(keep_activation)

    def one() -> np.ndarray:
        net.zero_grad()
        logits = net(x)
        logits[:, TARGET_CLASS].sum().backward()
        a = store["activations"].detach()
        g = store["gradients"]
        weights = g.mean(dim=(2, 3, 4), keepdim=True)
        return torch.relu((weights * a).sum(dim=1)).numpy()

    def forward_only() -> None:
        with torch.no_grad():
            net(x)

    for _ in range(warmup):
        one()
        forward_only()
    cam_ms, forward_ms = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        cam = one()
        cam_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        forward_only()
        forward_ms.append((time.perf_counter() - start) * 1000)
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "gradcam_ms": cam_ms,
               "forward_ms": forward_ms, "cam_sum": float(cam.sum()), "cam_shape": list(cam.shape)}, sys.stdout)
    print()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["export", "gradcam"])
    parser.add_argument("out_dir")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    if args.action == "export":
        export(args.out_dir)
    else:
        gradcam(args.out_dir, args.threads, args.repeat, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
