#!/usr/bin/env python3
"""Peer for `medcam bench e2e`: the covid-ct main job as a Python user writes it, on the same study and model.

pydicom reads the slices (sorted by Image Position z), HU = pixel * slope + intercept, window clip to [0, 1],
torch trilinear resize (align_corners=False) to the card's grid, the TorchScript model, Grad-CAM with a tensor hook
on the `features` output (gradients captured by register_hook, as pytorch-grad-cam does), the map resized back onto
the source slices, and one RGB Secondary Capture per slice written by pydicom (HU through the lung window, jet
overlay). Prints one JSON line per run: {"run": i, "seconds": s, "predicted": k, "max_rss_kb": n}.

Usage: bench_e2e_peer.py STUDY_DIR MODEL_DIR OUT_DIR RUNS THREADS
"""
import glob
import json
import os
import resource
import sys
import time

import numpy as np
import pydicom
import torch
import torch.nn.functional as F
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SC = "1.2.840.10008.5.1.4.1.1.7"


def jet(v):
    four = 4.0 * v
    r = np.clip(np.minimum(four - 1.5, -four + 4.5), 0, 1)
    g = np.clip(np.minimum(four - 0.5, -four + 3.5), 0, 1)
    b = np.clip(np.minimum(four + 0.5, -four + 2.5), 0, 1)
    return np.stack([r, g, b], -1)


def run(study, model, card, out):
    slices = [pydicom.dcmread(f) for f in glob.glob(os.path.join(study, "*.dcm"))]
    slices.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    hu = np.stack([d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in slices]).astype(np.float32)
    w = card["preprocessing"]["windowing"]
    lo, hi = w["center"] - w["width"] / 2, w["center"] + w["width"] / 2
    x = (torch.from_numpy(np.clip(hu, lo, hi)) - lo) / (hi - lo)
    x = F.interpolate(x[None, None], size=tuple(card["preprocessing"]["resize"]), mode="trilinear", align_corners=False)

    grads = []
    a = model.features(x)
    a.register_hook(lambda g: grads.append(g))
    logits = model.head(a)
    k = int(logits.argmax(1))
    logits[0, k].backward()
    weights = grads[0].mean(dim=(2, 3, 4), keepdim=True)
    cam = F.relu((weights * a).sum(1, keepdim=True)).detach()
    cam = F.interpolate(cam, size=hu.shape, mode="trilinear", align_corners=False)[0, 0].numpy()
    cam = (cam - cam.min()) / (cam.max() - cam.min() + 1e-8)

    grey = np.clip((hu - (-600 - 750)) / 1500.0, 0, 1)
    os.makedirs(out, exist_ok=True)
    series = generate_uid()
    for i, (src, g, c) in enumerate(zip(slices, grey, cam)):
        rgb = (255 * (0.6 * g[..., None] + 0.4 * jet(c))).astype(np.uint8)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = SC
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        for tag in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyDate",
                    "StudyTime", "AccessionNumber", "ReferringPhysicianName", "StudyID"):
            if tag in src:
                setattr(ds, tag, getattr(src, tag))
        ds.SOPClassUID = SC
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.SeriesInstanceUID = series
        ds.Modality = "OT"
        ds.ConversionType = "WSD"
        ds.SeriesNumber = 900
        ds.InstanceNumber = i + 1
        ds.ImageType = ["DERIVED", "SECONDARY"]
        ds.DerivationDescription = f"Grad-CAM for class {card['class_names'][k]}"
        ds.SamplesPerPixel = 3
        ds.PhotometricInterpretation = "RGB"
        ds.PlanarConfiguration = 0
        ds.Rows, ds.Columns = rgb.shape[:2]
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        ds.PixelData = rgb.tobytes()
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.save_as(os.path.join(out, f"SC{i + 1:04d}.dcm"), write_like_original=False)
    return k


def main():
    study, model_dir, out, runs, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    with open(os.path.join(model_dir, "model.json")) as f:
        card = json.load(f)
    for i in range(runs):
        start = time.perf_counter()
        model = torch.jit.load(os.path.join(model_dir, "model.pt"))
        model.eval()
        k = run(study, model, card, os.path.join(out, f"run{i}"))
        seconds = time.perf_counter() - start
        print(json.dumps({"run": i, "seconds": seconds, "predicted": k,
                          "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)


if __name__ == "__main__":
    main()
