"""Shared helpers for MedCam's reference-model training scripts (run with /usr/bin/python3, Debian torch 1.13).

Data come from `medcam synth --format npy` (the C# phantom generators), so the models see exactly the images the
MedCam pipeline will be given. Everything is seeded; training uses 2 CPU threads.
"""
import os

# On a shared, oversubscribed CPU, OpenMP threads that spin while waiting make 2 threads ~6x slower than 1;
# passive waiting keeps 2 threads at least as fast as 1. Must be set before torch loads libgomp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import Tensor, nn  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CARD_FORMAT = "medcam-model/1"
INTENDED_USE = ("Research demo of class activation maps in MedCam, trained on synthetic phantoms only. "
                "NOT a clinical model: never use it for diagnosis, triage or any patient care.")


def start(task: str, model_folder: str, *, train: int, test: int, epochs: int, seed: int, guidance: float | None = None):
    """A training script's command line (work folder, output package, cohort sizes, epochs, seed and, for tasks that
    support it, the lesion-guidance weight), then seeding; returns the options and a started timer."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default=f"/tmp/medcam-training/{task}")
    parser.add_argument("--out", default=os.path.join(REPO, "sample-data", "models", model_folder))
    parser.add_argument("--train", type=int, default=train)
    parser.add_argument("--test", type=int, default=test)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--seed", type=int, default=seed)
    if guidance is not None:
        parser.add_argument("--guidance", type=float, default=guidance,
                            help="weight of the lesion-mask attention guidance term (common.guidance_loss); 0: plain cross-entropy")
    args = parser.parse_args()
    setup(args.seed)
    return args, Timer()


def setup(seed: int, threads: int = 2) -> None:
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def medcam_command():
    """How to run `medcam`: $MEDCAM (a medcam.dll or an executable), else `dotnet run` on the CLI project."""
    explicit = os.environ.get("MEDCAM")
    if explicit:
        return ["dotnet", explicit] if explicit.endswith(".dll") else [explicit]
    return ["dotnet", "run", "--project", os.path.join(REPO, "src", "MedCam.Cli"), "-c", "Release", "--"]


def synth(task: str, count: int, seed: int, out_dir: str, extra=()) -> dict:
    """Generates (or reuses, when labels.json matches) a cohort with `medcam synth --format npy`."""
    labels = os.path.join(out_dir, "labels.json")
    if os.path.exists(labels):
        with open(labels) as f:
            meta = json.load(f)
        if meta.get("task") == task and meta.get("seed") == seed and meta.get("count") == count:
            return meta
        shutil.rmtree(out_dir)
    cmd = medcam_command() + ["synth", "--task", task, "--count", str(count), "--seed", str(seed),
                              "--out", out_dir, "--format", "npy", *extra]
    started = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    print(f"synth {task} x{count} seed {seed}: {time.time() - started:.1f} s", flush=True)
    with open(labels) as f:
        return json.load(f)


def load(out_dir: str, name: str) -> np.ndarray:
    return np.load(os.path.join(out_dir, name))


def accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def auc_binary(scores, positives) -> float:
    """ROC AUC by the Mann-Whitney U statistic (ties count one half)."""
    scores = np.asarray(scores, dtype=np.float64)
    positives = np.asarray(positives, dtype=bool)
    pos, neg = scores[positives], scores[~positives]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def macro_auc(probabilities, y_true) -> float:
    """One-vs-rest ROC AUC averaged over classes."""
    probabilities = np.asarray(probabilities)
    y_true = np.asarray(y_true)
    values = [auc_binary(probabilities[:, k], y_true == k) for k in range(probabilities.shape[1])]
    return float(np.nanmean(values))


def confusion(y_true, y_pred, classes: int):
    m = np.zeros((classes, classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        m[t, p] += 1
    return m.tolist()


def grad_cam(model: nn.Module, x: Tensor, target: Tensor, out_size) -> Tensor:
    """Grad-CAM (Selvaraju et al.) at the model's `features` output, resampled linearly (align_corners=False) to
    `out_size` and min-max normalised per sample: the default method MedCam's pipeline uses."""
    a = model.features(x).detach().requires_grad_(True)
    logits = model.head(a)
    score = logits.gather(1, target.view(-1, 1)).sum()
    g, = torch.autograd.grad(score, a)
    spatial = tuple(range(2, a.dim()))
    w = g.mean(dim=spatial, keepdim=True)
    cam = F.relu((w * a).sum(dim=1, keepdim=True))
    mode = "trilinear" if a.dim() == 5 else "bilinear"
    cam = F.interpolate(cam, size=tuple(out_size), mode=mode, align_corners=False)[:, 0]
    flat = cam.flatten(1)
    lo = flat.min(dim=1, keepdim=True).values
    hi = flat.max(dim=1, keepdim=True).values
    flat = (flat - lo) / (hi - lo + 1e-8)
    return flat.view_as(cam).detach()


def energy_inside(cam: np.ndarray, mask: np.ndarray) -> float:
    """Energy-based pointing game (Score-CAM): sum of the map inside the mask over the sum of the map."""
    total = float(cam.sum())
    return float(cam[mask > 0].sum() / total) if total > 0 else 0.0


def pointing_hit(cam: np.ndarray, mask: np.ndarray) -> float:
    """Pointing game without tolerance: 1 if the map's maximum lies inside the mask."""
    return float(mask.reshape(-1)[int(np.argmax(cam))] > 0)


def export(model: nn.Module, example: Tensor, card: dict, out_dir: str) -> dict:
    """Saves the TorchScript module (simple convention: forward, features, head) and its model.json card; checks
    that the scripted module reproduces the eager logits and that features+head equals forward."""
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    scripted = torch.jit.script(model)
    path = os.path.join(out_dir, "model.pt")
    scripted.save(path)
    loaded = torch.jit.load(path)
    with torch.no_grad():
        eager = model(example)
        again = loaded(example)
        split = loaded.head(loaded.features(example))
    assert torch.allclose(eager, again, atol=1e-5), "scripted model differs from eager model"
    assert torch.allclose(again, split, atol=1e-5), "head(features(x)) differs from forward(x)"
    full = {"format": CARD_FORMAT, "task": "classification", "target_layers": ["features"],
            "intended_use": INTENDED_USE, **card}
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(full, f, indent=2)
        f.write("\n")
    size = os.path.getsize(path)
    print(f"exported {out_dir}: model.pt {size / 1024:.0f} KiB", flush=True)
    return full


class Timer:
    def __init__(self):
        self.start = time.time()

    def seconds(self) -> float:
        return round(time.time() - self.start, 1)


def log(*args):
    print(*args, flush=True)
    sys.stdout.flush()


def class_activation_map(model: nn.Module, a: Tensor, target: Tensor) -> Tensor:
    """CAM of the target class from the last conv block `a` (Zhou et al. 2016, eq. 2): relu(sum_c w[k, c] a_c). For
    the GAP + linear heads of the reference models it is proportional to Grad-CAM, but needs no second backward."""
    w = model.fc.weight[target]  # [B, C]
    return F.relu((w.view(*w.shape, *([1] * (a.dim() - 2))) * a).sum(1))


def guidance_loss(model: nn.Module, a: Tensor, target: Tensor, masks: Tensor) -> Tensor:
    """Attention guidance with the phantoms' lesion masks (in the spirit of GAIN, Li et al. CVPR 2018, and "right for
    the right reasons", Ross et al. IJCAI 2017): 1 - the share of the true class's CAM that lies inside the lesion,
    averaged over the samples that have a lesion. A map that is zero everywhere scores 1 (the worst), so the class
    evidence cannot escape into the bias or into negative activations. `masks` are on the input grid; a feature cell
    counts as lesion when any input pixel under it is lesion (adaptive max pooling)."""
    has = masks.flatten(1).amax(1) > 0
    if not bool(has.any()):
        return a.new_zeros(())
    cam = class_activation_map(model, a[has], target[has])
    pool = F.adaptive_max_pool3d if cam.dim() == 4 else F.adaptive_max_pool2d
    cell = pool(masks[has][:, None].float(), tuple(cam.shape[1:]))[:, 0]
    inside = (cam * cell).flatten(1).sum(1) / (cam.flatten(1).sum(1) + 1e-6)
    return (1 - inside).mean()


def train_classifier(model: nn.Module, x_train: Tensor, y_train: Tensor, *, epochs: int, batch: int, lr: float,
                     seed: int, augment, class_weights: Tensor | None = None, masks: Tensor | None = None,
                     guidance: float = 0.0) -> float:
    """The training loop every reference model uses: AdamW + one-cycle schedule, a seeded shuffle per epoch and the
    task's own augmentation `augment(xb, generator)` (drawn from the same generator, so a seed fixes the run).
    With `masks` (lesion masks on the input grid, zeros where there is none) and `guidance` > 0 the loss adds
    `guidance` x guidance_loss, and `augment(xb, generator, mb)` must return the images and masks transformed alike.
    Returns the training time in seconds."""
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((len(x_train) + batch - 1) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps)
    generator = torch.Generator().manual_seed(seed)
    guided = masks is not None and guidance > 0
    started = Timer()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        total = guide_total = 0.0
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            if guided:
                xb, mb = augment(x_train[idx], generator, masks[idx])
                a = model.features(xb)
                loss = F.cross_entropy(model.head(a), y_train[idx], weight=class_weights)
                guide = guidance_loss(model, a, y_train[idx], mb)
                guide_total += float(guide) * len(idx)
                loss = loss + guidance * guide
            else:
                xb = augment(x_train[idx], generator)
                loss = F.cross_entropy(model(xb), y_train[idx], weight=class_weights)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss) * len(idx)
        extra = f", guidance {guide_total / len(x_train):.4f}" if guided else ""
        log(f"epoch {epoch + 1}/{epochs} loss {total / len(x_train):.4f}{extra} ({started.seconds()} s)")
    return started.seconds()
