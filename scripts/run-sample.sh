#!/usr/bin/env bash
# README command 1: installs what is missing and builds (scripts/setup.sh), then runs the main job,
# `medcam explain`, on one committed sample study of each task (covid-ct, lung-us, bladder-histo) with the
# reference models in sample-data/models, and prints where to look. Minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

medcam="src/MedCam.Cli/bin/Release/net10.0/medcam"
[[ -x "$medcam" ]] || { echo "run-sample: $medcam was not built (see the setup output above)" >&2; exit 1; }
out="${MEDCAM_SAMPLE_OUT:-sample-output}"
rm -rf "$out"
mkdir -p "$out"

run() {  # task, study folder
  echo
  echo "=== $1: $(basename "$2") ==="
  "$medcam" explain "$2" --task "$1" --out "$out/$1/$(basename "$2")"
}

run covid-ct      sample-data/covid-ct/covid-ct-s2026-0000
run lung-us       sample-data/lung-us/lung-us-s2026-0000
run bladder-histo sample-data/bladder-histo/bladder-histo-s2026-0002

cat <<TEXT

Done. Where to look (research demo on synthetic phantoms; NOT for diagnosis):
  $out/<task>/<study>/summary.json          prediction, probabilities, every decision the pipeline took
  $out/<task>/<study>/gradcam/sc/           DICOM Secondary Captures, one per source slice / frame / tile
  $out/<task>/<study>/gradcam/mfsc.dcm      the same as one multi-frame SC (cine keeps the source frame time)
  $out/covid-ct/*/gradcam/pmap.dcm          Parametric Map with the float CAM on the CT's slices
  $out/<task>/<study>/gradcam/bundle.json   FHIR R4 transaction bundle (DiagnosticReport, Observations, ImagingStudy)
  $out/<task>/<study>/gradcam/png/          PNG previews; cam.nii.gz / source.nii.gz and cam.npy for research
  $out/bladder-histo/*/gradcam/slide_heatmap.png   the stitched slide-level heatmap
Every class and CAM method: medcam explain <study> --method all --out <dir>; other samples under sample-data/.
A research cohort with accuracy, AUC and CAM localisation: medcam cohort pipelines/cohort-samples.yaml (docs/cohorts.md).
As a PACS-routed service: medcam serve --aet MEDCAM --port 11112 --destination PACS@host:port (docs/worker.md).
TEXT
