#!/usr/bin/env bash
# Seeds for `make fuzz`: the real DICOM fixtures, the shipped scenarios and trainee scripts, and event logs of the
# shipped scripts (written by a built polysim when there is one). Usage: tests/fuzz/seed.sh OUT_DIR
set -euo pipefail
out="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="${POLYSIM_FIXTURES_DIR:-$root/../shared/fixtures}"
mkdir -p "$out"/{dicom,scenario,script,event_log}
if [ -d "$fixtures/dicom" ]; then
  find "$fixtures/dicom" -type f -name '*.dcm' -size -1024k -exec cp -t "$out/dicom" {} +
fi
cp "$root"/scenarios/*.toml "$out/scenario/"
cp "$root"/tests/scenario/broken/*.toml "$out/scenario/" 2>/dev/null || true
cp "$root"/scenarios/scripts/*.txt "$out/script/"
polysim="${POLYSIM:-$root/build/polysim}"
if [ -x "$polysim" ]; then
  for s in motorcyclist-expert motorcyclist-novice motorcyclist-interrupted; do
    [ -f "$out/event_log/$s.jsonl" ] || "$polysim" play "$root/scenarios/motorcyclist.toml" \
      --script "$root/scenarios/scripts/$s.txt" --log "$out/event_log/$s.jsonl" --slice-mm 8 >/dev/null 2>&1 || true
  done
fi
echo "seeds in $out: $(find "$out" -type f | wc -l) files"
