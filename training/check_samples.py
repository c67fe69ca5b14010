#!/usr/bin/python3
"""Runs the three reference models on the committed sample studies (sample-data/, DICOM read with pydicom), with
the preprocessing their model cards state, and prints prediction, probabilities and Grad-CAM energy inside the
lesion mask. A cross-check for MedCam's C# pipeline and for the committed packages; exits 1 on a wrong prediction.
"""
import glob
import json
import os
import sys

import common  # first: sets the OpenMP wait policy before torch loads

import numpy as np
import pydicom
import torch
import torch.nn.functional as F

SAMPLES = os.path.join(common.REPO, "sample-data")
MODELS = os.environ.get("MEDCAM_MODELS", os.path.join(SAMPLES, "models"))  # another package set: MEDCAM_MODELS=DIR


def card_of(name):
    with open(os.path.join(MODELS, name, "model.json")) as f:
        return json.load(f)


def normalise(x, card):
    norm = card["preprocessing"]["normalisation"]
    mean = torch.tensor(norm["mean"]).view(1, -1, *([1] * (x.dim() - 2)))
    std = torch.tensor(norm["std"]).view(1, -1, *([1] * (x.dim() - 2)))
    return (x - mean) / std


def ct_input(folder, card):
    slices = [pydicom.dcmread(f) for f in glob.glob(os.path.join(folder, "CT*.dcm"))]
    slices.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    hu = np.stack([d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in slices]).astype(np.float32)
    w = card["preprocessing"]["windowing"]
    lo, hi = w["center"] - w["width"] / 2, w["center"] + w["width"] / 2
    x = (torch.from_numpy(np.clip(hu, lo, hi)) - lo) / (hi - lo)
    x = F.interpolate(x[None, None], size=tuple(card["preprocessing"]["resize"]), mode="trilinear", align_corners=False)
    return normalise(x, card), hu.shape


def us_input(folder, card):
    frames = pydicom.dcmread(os.path.join(folder, "US0001.dcm")).pixel_array.astype(np.float32) / 255.0
    x = F.interpolate(torch.from_numpy(frames)[:, None], size=tuple(card["preprocessing"]["resize"]), mode="bilinear",
                      align_corners=False)
    return normalise(x, card), frames.shape


def histo_input(folder, card, tile_size):
    ds = pydicom.dcmread(os.path.join(folder, "SM_level0.dcm"))
    frames = ds.pixel_array  # TILED_FULL: tiles in row-major order
    across = -(-int(ds.TotalPixelMatrixColumns) // tile_size)
    tissue = np.load(os.path.join(folder, "tissue_mask.npy"))
    keep, where = [], []
    for i, tile in enumerate(frames):
        r, c = divmod(i, across)
        if tissue[r * tile_size:(r + 1) * tile_size, c * tile_size:(c + 1) * tile_size].mean() >= 0.25:
            keep.append(tile)
            where.append((r, c))
    x = torch.from_numpy(np.stack(keep).astype(np.float32) / 255.0).permute(0, 3, 1, 2)
    return normalise(x, card), where


def main():
    torch.set_num_threads(2)
    failures = 0
    for task, model_name in (("covid-ct", "covid-ct-3d"), ("lung-us", "lung-us-frames"), ("bladder-histo", "bladder-histo")):
        card = card_of(model_name)
        model = torch.jit.load(os.path.join(MODELS, model_name, "model.pt"))
        with open(os.path.join(SAMPLES, task, "labels.json")) as f:
            labels = json.load(f)
        for case in labels["cases"]:
            folder = os.path.join(SAMPLES, task, case["folder"])
            mask = np.load(os.path.join(SAMPLES, task, case["lesion_mask"]))
            if task == "covid-ct":
                x, shape = ct_input(folder, card)
                with torch.no_grad():
                    p = torch.softmax(model(x), 1)[0].numpy()
                predicted = int(p.argmax())
                cam = common.grad_cam(model, x, torch.tensor([predicted]), shape)[0].numpy()
                energy = common.energy_inside(cam, mask) if mask.any() else float("nan")
            elif task == "lung-us":
                x, shape = us_input(folder, card)
                with torch.no_grad():
                    frame_p = torch.softmax(model(x), 1).numpy()
                p = frame_p.mean(0)
                predicted = int(p.argmax())
                cams = common.grad_cam(model, x, torch.full((len(x),), predicted), shape[1:]).numpy()
                energy = float(np.mean([common.energy_inside(c, m) for c, m in zip(cams, mask) if m.any()])) if mask.any() else float("nan")
            else:
                x, where = histo_input(folder, card, card["input"]["shape"][-1])
                with torch.no_grad():
                    tile_p = torch.softmax(model(x), 1).numpy()
                tiles = tile_p.argmax(1)
                predicted = max([g for g in (1, 2) if (tiles == g).sum() >= 2], default=0)
                p = np.array([(tiles == g).mean() for g in range(3)])  # fraction of tiles per grade
                energy = float("nan")
                if predicted > 0:
                    t = card["input"]["shape"][-1]
                    chosen = [i for i, (r, c) in enumerate(where) if tiles[i] == predicted and mask[r * t:(r + 1) * t, c * t:(c + 1) * t].any()]
                    if chosen:
                        cams = common.grad_cam(model, x[chosen], torch.full((len(chosen),), predicted), (t, t)).numpy()
                        energy = float(np.mean([common.energy_inside(cams[k], mask[where[i][0] * t:(where[i][0] + 1) * t, where[i][1] * t:(where[i][1] + 1) * t]) for k, i in enumerate(chosen)]))
            ok = predicted == case["label"]
            failures += not ok
            print(f"{case['case_id']:28s} true {case['class_name']:16s} predicted {card['class_names'][predicted]:16s} "
                  f"{'ok ' if ok else 'WRONG'} p={np.round(p, 3).tolist()} gradcam_energy_in_mask={energy:.3f} "
                  f"mask_fraction={mask.mean():.4f}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
