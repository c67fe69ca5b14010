#!/usr/bin/python3
"""Peer side of `medcam bench cam`: eager, hook-based Grad-CAM and Grad-CAM++ in PyTorch (pytorch-grad-cam style).

  bench_cam_peer.py export OUT_DIR      the benchmark 3D CNN of tools/export/bench_runtime.py (model.pt, weights.pth,
                                        input.npy/.f32 [1,1,64,128,128])
  bench_cam_peer.py run OUT_DIR --threads T --repeat R --warmup W
                                        loads weights.pth into the eager model; per method: forward hook + tensor
                                        hook on the target layer, backward of the class-1 logit, channel weights,
                                        ReLU, trilinear upsampling to the input grid, min-max: the same work
                                        `medcam explain` does. Prints JSON (ms per run, map sums).
  bench_cam_peer.py serve OUT_DIR --threads T --warmup W
                                        as run, but stays up: each stdin line names a method (gradcam or
                                        gradcam++), one timed run answers one JSON line {"ms", "sum"}; so the
                                        bench can interleave the peer's runs with MedCam's on a loaded machine.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
for candidate in (os.path.join(HERE, "..", "export"), os.path.join(HERE, "..", "..", "..", "tools", "export")):
    if os.path.exists(os.path.join(candidate, "bench_runtime.py")):
        sys.path.insert(0, candidate)
import bench_runtime  # noqa: E402

TARGET_CLASS = 1


def finish(cam, size):
    cam = F.interpolate(torch.relu(cam)[:, None], size=size, mode="trilinear", align_corners=False)[:, 0]
    lo, hi = cam.min(), cam.max()
    return (cam - lo) / (hi - lo) if float(hi - lo) > 0 else torch.zeros_like(cam)


def methods(out_dir, threads):
    torch.set_num_threads(threads)
    net = bench_runtime.BenchNet3d().eval()
    net.load_state_dict(torch.load(os.path.join(out_dir, "weights.pth")))
    x = torch.from_numpy(np.load(os.path.join(out_dir, "input.npy")))
    store = {}

    def keep(_m, _i, output):
        store["a"] = output
        output.register_hook(lambda grad: store.__setitem__("g", grad))

    net.top.register_forward_hook(keep)

    def gradients():
        net.zero_grad()
        logits = net(x)
        logits[:, TARGET_CLASS].sum().backward()
        return store["a"].detach(), store["g"].detach()

    def gradcam():
        a, g = gradients()
        w = g.mean(dim=(2, 3, 4), keepdim=True)
        return finish((w * a).sum(1), x.shape[2:])

    def gradcampp():
        a, g = gradients()
        g2, g3 = g ** 2, g ** 3
        sum_a = a.sum(dim=(2, 3, 4), keepdim=True)
        denom = 2 * g2 + sum_a * g3
        denom = torch.where(denom != 0, denom, torch.ones_like(denom))
        alpha = torch.where(g != 0, g2 / denom, torch.zeros_like(g))
        w = (alpha * torch.relu(g)).sum(dim=(2, 3, 4), keepdim=True)
        return finish((w * a).sum(1), x.shape[2:])

    return {"gradcam": gradcam, "gradcam++": gradcampp}


def timed(fn):
    start = time.perf_counter()
    cam = fn()
    return (time.perf_counter() - start) * 1000, float(cam.sum())


def run(out_dir, threads, repeat, warmup):
    result = {"torch": torch.__version__, "threads": threads}
    for name, fn in methods(out_dir, threads).items():
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(repeat):
            ms, total = timed(fn)
            times.append(ms)
        result[name] = {"ms": times, "sum": total}
    json.dump(result, sys.stdout)
    print()


def serve(out_dir, threads, warmup):
    table = methods(out_dir, threads)
    for fn in table.values():
        for _ in range(warmup):
            fn()
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if name in ("", "quit"):
            break
        if name not in table:
            print(json.dumps({"error": "unknown method " + name}), flush=True)
            continue
        ms, total = timed(table[name])
        print(json.dumps({"ms": ms, "sum": total}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["export", "run", "serve"])
    parser.add_argument("out_dir")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    if args.action == "export":
        bench_runtime.export(args.out_dir)
    elif args.action == "serve":
        serve(args.out_dir, args.threads, args.warmup)
    else:
        run(args.out_dir, args.threads, args.repeat, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
