#!/usr/bin/env bash
# Installs what MedCam needs on Debian 12 and builds it. Safe to run twice: it only installs what is missing.
# Used by both README commands (scripts/run-sample.sh and scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

# System packages. chromium is installed without recommends (it pulls a desktop otherwise).
APT_PACKAGES=(
  cmake g++ make pkg-config zlib1g-dev            # native shim build
  libtorch-dev python3-torch                       # libtorch 1.13 (runtime) and torch for exporting/reference checks
  libopenblas0-pthread                             # fast BLAS for libtorch (see docs/torch-runtime.md)
  python3-numpy python3-pydicom python3-nibabel python3-matplotlib python3-pil python3-scipy
  tesseract-ocr                                    # checks that burned-in text is legible (OCR)
  dcmtk dicom3tools libgdcm-cil                    # DICOM peers and the GDCM codec backend
  orthanc orthanc-webviewer orthanc-dicomweb       # mini-PACS used by tests and the demo
  postgresql                                       # optional shared job ledger for the worker (tests run their own cluster)
)
APT_NO_RECOMMENDS=(chromium)

missing=()
for p in "${APT_PACKAGES[@]}" "${APT_NO_RECOMMENDS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the FHIR validators; any node >= 18 on PATH will do, Debian's otherwise.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      log "missing packages: ${missing[*]}"; log "run as root, or: apt-get install ${missing[*]}"; exit 1; fi
  else SUDO=; fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  recommends=(); plain=()
  for p in "${missing[@]}"; do
    if [[ " ${APT_NO_RECOMMENDS[*]} " == *" $p "* ]]; then recommends+=("$p"); else plain+=("$p"); fi
  done
  ((${#plain[@]})) && $SUDO apt-get install -y -qq "${plain[@]}" >/dev/null
  ((${#recommends[@]})) && $SUDO apt-get install -y -qq --no-install-recommends "${recommends[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  log ".NET SDK 10 not found. Install it (Microsoft's Debian 12 package feed: dotnet-sdk-10.0) and run again."
  exit 1
fi

# npm tools (FHIR validators), pinned by the committed lock file.
if [[ -f tools/fhir-validate/package-lock.json && ! -d tools/fhir-validate/node_modules ]]; then
  log "installing FHIR validators (npm ci)"
  (cd tools/fhir-validate && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Build everything; the native libtorch shim is built by MSBuild through CMake (src/MedCam.Torch).
log "building MedCam (Release)"
dotnet build MedCam.sln -c Release -nologo -v q -clp:ErrorsOnly
