#!/usr/bin/python3
"""Trains the reference lung ultrasound frame classifier (COVID-19 / pneumonia / healthy) on synthetic cines.

A small VGG-like network in the spirit of POCOVID-Net (conv blocks, global average pooling, one linear layer, so
CAM = Grad-CAM). Input: one B-mode frame scaled to [0, 1] and resized to 64 x 64. The video class is the argmax of
the mean frame probabilities (Born et al.). Writes sample-data/models/lung-us-frames/{model.pt, model.json}.
"""
import os

import common  # first: sets the OpenMP wait policy before torch loads

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

CLASSES = ["covid-19", "pneumonia", "healthy"]
SIZE = (64, 64)
FRAMES_PER_VIDEO = 10


def conv(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class LungUsFrames(nn.Module):
    """forward(x) = head(features(x)); features = output of the last conv block, kept at 16 x 16 (no final
    pooling) so that the map resolves single B-lines and small consolidations."""

    def __init__(self):
        super().__init__()
        self.block1 = nn.Sequential(conv(1, 16), conv(16, 16), nn.MaxPool2d(2))
        self.block2 = nn.Sequential(conv(16, 32), conv(32, 32), nn.MaxPool2d(2))
        self.block3 = nn.Sequential(conv(32, 64), conv(64, 64))
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(64, 3)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))

    @torch.jit.export
    def features(self, x: Tensor) -> Tensor:
        return self.block3(self.block2(self.block1(x)))

    @torch.jit.export
    def head(self, a: Tensor) -> Tensor:
        return self.fc(self.dropout(torch.flatten(F.adaptive_avg_pool2d(a, 1), 1)))


def preprocess(frames: np.ndarray) -> Tensor:
    x = torch.from_numpy(frames.astype(np.float32) / 255.0)[:, None]
    return F.interpolate(x, size=SIZE, mode="bilinear", align_corners=False)


def cohort(meta, folder, frames_per_video):
    """Frames (model input), labels, video index, and the frames' lesion masks on the model grid (1 where any
    source pixel under a model pixel is lesion; zeros for healthy videos)."""
    xs, ys, video, masks = [], [], [], []
    for v, case in enumerate(meta["cases"]):
        frames = common.load(folder, case["image"])
        step = max(1, len(frames) // frames_per_video) if frames_per_video else 1
        chosen = slice(None, None, step) if frames_per_video else slice(None)
        chosen_frames = frames[chosen][:frames_per_video] if frames_per_video else frames
        xs.append(preprocess(chosen_frames))
        mask = common.load(folder, case["mask"])[chosen][:len(chosen_frames)].astype(np.float32)
        masks.append(F.adaptive_max_pool2d(torch.from_numpy(mask)[:, None], SIZE)[:, 0])
        ys += [case["label"]] * len(chosen_frames)
        video += [v] * len(chosen_frames)
    return torch.cat(xs), torch.tensor(ys), np.array(video), torch.cat(masks)


def main():
    args, timer = common.start("lung-us", "lung-us-frames", train=90, test=45, epochs=12, seed=11, guidance=1.0)
    train_dir, test_dir = os.path.join(args.work, "train"), os.path.join(args.work, "test")
    train_meta = common.synth("lung-us", args.train, 1101, train_dir)
    test_meta = common.synth("lung-us", args.test, 2202, test_dir)
    synth_seconds = timer.seconds()
    x_train, y_train, _, m_train = cohort(train_meta, train_dir, FRAMES_PER_VIDEO)
    x_test, y_test, test_video, _ = cohort(test_meta, test_dir, 0)
    common.log(f"data ready in {timer.seconds()} s: train {tuple(x_train.shape)}, test {tuple(x_test.shape)}")

    model = LungUsFrames()
    def augment(xb, generator, mb=None):
        flip = torch.rand(len(xb), generator=generator) < 0.5
        xb = torch.where(flip.view(-1, 1, 1, 1), xb.flip(-1), xb)
        gain = 0.8 + 0.4 * torch.rand(len(xb), 1, 1, 1, generator=generator)
        xb = (xb * gain).clamp(0, 1)
        return xb if mb is None else (xb, torch.where(flip.view(-1, 1, 1), mb.flip(-1), mb))

    train_seconds = common.train_classifier(model, x_train, y_train, epochs=args.epochs, batch=32, lr=3e-3,
                                            seed=args.seed, augment=augment, masks=m_train, guidance=args.guidance)

    model.eval()
    with torch.no_grad():
        probabilities = torch.cat([torch.softmax(model(x_test[i:i + 256]), 1) for i in range(0, len(x_test), 256)]).numpy()
    frame_pred = probabilities.argmax(1)
    frame_acc = common.accuracy(y_test.numpy(), frame_pred)
    frame_auc = common.macro_auc(probabilities, y_test.numpy())
    videos = sorted(set(test_video.tolist()))
    video_prob = np.stack([probabilities[test_video == v].mean(0) for v in videos])
    video_true = np.array([test_meta["cases"][v]["label"] for v in videos])
    video_acc = common.accuracy(video_true, video_prob.argmax(1))
    video_auc = common.macro_auc(video_prob, video_true)
    common.log(f"frames: accuracy {frame_acc:.3f} AUC {frame_auc:.3f}; videos: accuracy {video_acc:.3f} AUC {video_auc:.3f}; "
               f"confusion {common.confusion(video_true, video_prob.argmax(1), 3)}")

    # Grad-CAM per frame on the source 128 x 128 grid, against the per-frame pathology masks.
    energies, hits, fractions = [], [], []
    for v in videos:
        case = test_meta["cases"][v]
        if case["label"] == CLASSES.index("healthy"):
            continue
        masks = common.load(test_dir, case["mask"])
        frames = np.where(test_video == v)[0][::5]
        for f, i in zip(range(0, len(masks), 5), frames):
            if masks[f].sum() == 0:
                continue
            cam = common.grad_cam(model, x_test[i:i + 1], y_test[i:i + 1], masks.shape[1:])[0].numpy()
            energies.append(common.energy_inside(cam, masks[f]))
            hits.append(common.pointing_hit(cam, masks[f]))
            fractions.append(masks[f].mean())
    common.log(f"Grad-CAM energy inside pathology masks {np.mean(energies):.3f} (masks cover {np.mean(fractions):.3f}), "
               f"pointing game {np.mean(hits):.3f}")

    card = {
        "name": "lung-us-frames",
        "version": "1.0.0",
        "modality": "US",
        "input": {"shape": [-1, 1, *SIZE], "channels": ["B-mode grey level"]},
        "preprocessing": {
            "resize": list(SIZE),
            "normalisation": {"mean": [0.0], "std": [1.0], "scale_to_unit": True},
        },
        "class_names": CLASSES,
        "training_data": (f"Synthetic lung ultrasound cines from `medcam synth --task lung-us` (30 frames of 128 x 128, "
                          f"50 ms frame time, convex probe): train {args.train} videos seed 1101 ({FRAMES_PER_VIDEO} "
                          f"frames each), held-out {args.test} videos seed 2202 (all frames). 8-bit frames scaled to "
                          f"[0, 1] (x / 255) and resized (bilinear, align_corners=False) to {SIZE[0]}x{SIZE[1]}. Video "
                          f"class = argmax of the mean frame probabilities. Trained by training/train_lung_us.py "
                          f"(seed {args.seed}, {args.epochs} epochs, 2 CPU threads; cross-entropy + {args.guidance} x lesion-mask "
                          f"attention guidance: 1 - the share of the true class's CAM inside the lesion, GAIN-style)."),
        "metrics": {
            "heldout_frame_accuracy": round(frame_acc, 4),
            "heldout_frame_macro_auc": round(frame_auc, 4),
            "heldout_video_accuracy": round(video_acc, 4),
            "heldout_video_macro_auc": round(video_auc, 4),
            "heldout_videos": len(videos),
            "gradcam_energy_in_lesion": round(float(np.mean(energies)), 4),
            "gradcam_energy_in_lesion_vs_chance": round(float(np.mean(energies) / np.mean(fractions)), 2),
            "gradcam_pointing_game": round(float(np.mean(hits)), 4),
            "lesion_area_fraction": round(float(np.mean(fractions)), 4),
            "train_seconds": train_seconds,
            "synth_seconds": synth_seconds,
        },
    }
    common.export(model, x_test[:2], card, args.out)
    common.log(f"total {timer.seconds()} s")


if __name__ == "__main__":
    main()
