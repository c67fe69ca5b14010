#!/usr/bin/python3
"""Trains the reference bladder histology tile grader (non-tumour / mild / infiltrative) on synthetic H&E slides.

A small MobileNet-like network (strided stem, depthwise-separable blocks, global average pooling, one linear layer).
Input: an RGB tile of 128 x 128 at level 0 (1 um/pixel), scaled to [0, 1], normalised per channel. Tile labels come
from the slide's lesion mask (>= 20% lesion -> the slide's grade, else non-tumour); glass-only tiles are skipped.
Writes sample-data/models/bladder-histo/{model.pt, model.json}.
"""
import os

import common  # first: sets the OpenMP wait policy before torch loads

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

CLASSES = ["non-tumour", "mild", "infiltrative"]
TILE = 128
MEAN = [0.80, 0.55, 0.75]
STD = [0.15, 0.20, 0.12]
MIN_TISSUE = 0.25


def separable(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
        nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6())


class BladderHisto(nn.Module):
    """forward(x) = head(features(x)); features = output of the last separable block (8 x 8)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.blocks = nn.Sequential(separable(16, 32, 2), separable(32, 64, 1), separable(64, 64, 2),
                                    separable(64, 96, 2), separable(96, 128, 1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(128, 3)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))

    @torch.jit.export
    def features(self, x: Tensor) -> Tensor:
        return self.blocks(self.stem(x))

    @torch.jit.export
    def head(self, a: Tensor) -> Tensor:
        return self.fc(self.dropout(torch.flatten(F.adaptive_avg_pool2d(a, 1), 1)))


def preprocess(tiles: np.ndarray) -> Tensor:
    x = torch.from_numpy(tiles.astype(np.float32) / 255.0).permute(0, 3, 1, 2)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def cohort(meta, folder):
    xs, ys, masks, slide = [], [], [], []
    for s, case in enumerate(meta["cases"]):
        image = common.load(folder, case["image"])
        lesion = common.load(folder, case["mask"])
        for tile in case["tiles"]:
            if tile["tissue_fraction"] < MIN_TISSUE:
                continue
            r, c = tile["row"] * TILE, tile["column"] * TILE
            xs.append(image[r:r + TILE, c:c + TILE])
            masks.append(lesion[r:r + TILE, c:c + TILE])
            ys.append(tile["label"])
            slide.append(s)
    return preprocess(np.stack(xs)), torch.tensor(ys), np.stack(masks), np.array(slide)


def main():
    args, timer = common.start("bladder-histo", "bladder-histo", train=60, test=30, epochs=10, seed=13)
    train_dir, test_dir = os.path.join(args.work, "train"), os.path.join(args.work, "test")
    train_meta = common.synth("bladder-histo", args.train, 1201, train_dir)
    test_meta = common.synth("bladder-histo", args.test, 2302, test_dir)
    synth_seconds = timer.seconds()
    x_train, y_train, _, _ = cohort(train_meta, train_dir)
    x_test, y_test, test_masks, test_slide = cohort(test_meta, test_dir)
    counts = np.bincount(y_train.numpy(), minlength=3)
    common.log(f"data ready in {timer.seconds()} s: train {tuple(x_train.shape)} per class {counts.tolist()}, "
               f"test {tuple(x_test.shape)} per class {np.bincount(y_test.numpy(), minlength=3).tolist()}")

    model = BladderHisto()
    # Inverse-frequency class weights: most tiles of every slide are non-tumour stroma.
    weights = torch.tensor(counts.sum() / (3.0 * np.maximum(counts, 1)), dtype=torch.float32)
    def augment(xb, generator):
        flip = torch.rand(len(xb), generator=generator) < 0.5
        xb = torch.where(flip.view(-1, 1, 1, 1), xb.flip(-1), xb)
        # Stain intensity jitter.
        return xb * (0.9 + 0.2 * torch.rand(len(xb), 3, 1, 1, generator=generator))

    train_seconds = common.train_classifier(model, x_train, y_train, epochs=args.epochs, batch=32, lr=4e-3,
                                            seed=args.seed, augment=augment, class_weights=weights)

    model.eval()
    with torch.no_grad():
        probabilities = torch.cat([torch.softmax(model(x_test[i:i + 128]), 1) for i in range(0, len(x_test), 128)]).numpy()
    predicted = probabilities.argmax(1)
    acc = common.accuracy(y_test.numpy(), predicted)
    auc = common.macro_auc(probabilities, y_test.numpy())
    # Slide grade: the highest grade predicted on at least two tiles (a single tile is not enough evidence).
    slide_true, slide_pred = [], []
    for s, case in enumerate(test_meta["cases"]):
        tiles = predicted[test_slide == s]
        grade = 0
        for g in (1, 2):
            if (tiles == g).sum() >= 2:
                grade = g
        slide_true.append(case["label"])
        slide_pred.append(grade)
    slide_acc = common.accuracy(slide_true, slide_pred)
    common.log(f"tiles: accuracy {acc:.3f} AUC {auc:.3f} confusion {common.confusion(y_test.numpy(), predicted, 3)}; "
               f"slides: accuracy {slide_acc:.3f} confusion {common.confusion(slide_true, slide_pred, 3)}")

    energies, hits, fractions = [], [], []
    for i in np.where(y_test.numpy() > 0)[0]:
        cam = common.grad_cam(model, x_test[i:i + 1], y_test[i:i + 1], (TILE, TILE))[0].numpy()
        energies.append(common.energy_inside(cam, test_masks[i]))
        hits.append(common.pointing_hit(cam, test_masks[i]))
        fractions.append(test_masks[i].mean())
    common.log(f"Grad-CAM energy inside lesion masks {np.mean(energies):.3f} (masks cover {np.mean(fractions):.3f} of lesion tiles), "
               f"pointing game {np.mean(hits):.3f}")

    card = {
        "name": "bladder-histo",
        "version": "1.0.0",
        "modality": "SM",
        "input": {"shape": [-1, 3, TILE, TILE], "channels": ["R", "G", "B"]},
        "preprocessing": {
            "spacing": [0.001, 0.001],
            "resize": [TILE, TILE],
            "normalisation": {"mean": MEAN, "std": STD, "scale_to_unit": True},
        },
        "class_names": CLASSES,
        "training_data": (f"Synthetic H&E bladder slides from `medcam synth --task bladder-histo` (4 x 4 tiles of "
                          f"128 x 128 at 1 um/pixel, 2 levels): train {args.train} slides seed 1201, held-out "
                          f"{args.test} slides seed 2302. Tiles with >= {MIN_TISSUE:.0%} tissue; tile label = slide "
                          f"grade where the lesion covers >= 20% of the tile, else non-tumour. RGB / 255, then "
                          f"(x - mean) / std per channel. Slide grade = highest grade predicted on >= 2 tiles. Trained "
                          f"by training/train_bladder_histo.py (seed {args.seed}, {args.epochs} epochs, 2 CPU threads)."),
        "metrics": {
            "heldout_tile_accuracy": round(acc, 4),
            "heldout_tile_macro_auc": round(auc, 4),
            "heldout_tiles": int(len(y_test)),
            "heldout_slide_accuracy": round(slide_acc, 4),
            "heldout_slides": len(slide_true),
            "gradcam_energy_in_lesion": round(float(np.mean(energies)), 4),
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
