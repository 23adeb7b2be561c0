#!/usr/bin/env bash
# The main job on the built-in example night: simulate a night with known truth, read it back,
# score its leg movements to WASM 2016, check the detection against the truth, and draw the
# clinical picture of an example person with that recording.
# Usage: scripts/demo.sh VENV_BIN OUTPUT_DIR   (called by `make demo`)
set -euo pipefail
bin=${1:-.venv/bin}
out=${2:-demo_output}
ts="$bin/twitchscope"
mkdir -p "$out"
night="$out/example_night.edf"

echo "== 1/5 simulate the example night (scenario rls, seed 7, with the other twitch kinds) =="
"$ts" simulate --scenario rls --seed 7 --twitches --force "$night"

echo
echo "== 2/5 read it back =="
"$ts" info "$night"

echo
echo "== 3/5 detect and score leg movements (WASM 2016) and the other twitch kinds =="
"$ts" score "$night" --out "$out/score"

echo
echo "== 4/5 detection against the simulator's truth =="
"$ts" validate "$out/score" "$out/example_night.truth_movements.csv"

echo
echo "== 5/5 clinical picture for an example person with this recording =="
"$ts" assess examples/answers_example.json --labs examples/labs_example.json \
  --recording "$out/score/summary.json" --out "$out/assessment"

echo
echo "== and the report to take to the doctor (answers, labs and the night on a few pages) =="
"$ts" report --answers examples/answers_example.json --labs examples/labs_example.json \
  --recording "$out/score" --out "$out/doctor_report.html"

echo
echo "Reports written:"
echo "  $out/score/report.html          (the night: indices, overview, intervals)"
echo "  $out/score/twitches.csv         (hypnic jerks, EFM, ALMA, foot tremor, long movements, tremor)"
echo "  $out/assessment/assessment.html (the clinical picture)"
echo "  $out/doctor_report.html         (for the doctor; --out report.pdf with the pdf extra)"
echo "Exports:"
echo "  $out/score/scored_movements.edf   (EDF+ annotations: open beside the night in EDFbrowser)"
echo "  $out/score/summary.csv            (the indices as one row)"
echo
echo "Open the web app on the demo data (questions, diary, labs, the night and its review):"
echo "  $ts serve --demo --data $out/web"
