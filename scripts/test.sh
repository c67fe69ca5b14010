#!/usr/bin/env bash
# README command 2: installs what is missing, builds, runs every test project, and ends with one totals line
# "N passed, N failed, N skipped". Exits non-zero when a test failed or a project could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

results="TestResults/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
# A hung peer must not hang the suite: blame-hang kills a test host stuck for 10 minutes and names the test.
dotnet test MedCam.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 10m -- RunConfiguration.TreatNoTestsAsError=false
status=$?

# Sum the counters of every TRX file (one per test project).
read -r passed failed skipped < <(
  python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    s += int(c.get("notExecuted", 0))
print(p, f, s)
PY
)
if [[ $status -ne 0 && ${failed:-0} -eq 0 ]]; then failed=1; fi   # a crashed test host counts as a failure
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
