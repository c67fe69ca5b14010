#!/bin/sh
# Configures and builds the shim; called by MedCam.Torch.csproj (target BuildNativeShim).
# Usage: build.sh SOURCE_DIR BUILD_DIR [TORCH_CMAKE_PREFIX]
# Several engineers/builds may share one working tree: the build folder is locked while CMake runs.
set -e
source_dir=$1
build_dir=$2
prefix=$3
mkdir -p "$build_dir"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$build_dir/.build.lock"
    flock 9
fi
if [ -n "$prefix" ]; then
    cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
else
    cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build_dir" --parallel
