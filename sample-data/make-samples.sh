#!/bin/sh
# Regenerates the committed sample studies (one per class and task) with `medcam synth`. Deterministic: the same
# seed gives the same bytes, so running this on a clean clone must leave `git status` clean.
# Usage: sample-data/make-samples.sh [medcam command...]   (default: dotnet run --project src/MedCam.Cli --)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$#" -gt 0 ]; then medcam="$*"; else medcam="dotnet run --project $here/../src/MedCam.Cli -c Release --"; fi
seed=2026
rm -rf "$here/covid-ct" "$here/lung-us" "$here/bladder-histo"
$medcam synth --task covid-ct --count 3 --seed $seed --matrix 128 --format dicom --out "$here/covid-ct"
$medcam synth --task lung-us --count 3 --seed $seed --format dicom --out "$here/lung-us"
$medcam synth --task bladder-histo --count 3 --seed $seed --tiles 3 --format dicom --out "$here/bladder-histo"
