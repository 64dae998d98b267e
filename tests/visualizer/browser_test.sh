#!/usr/bin/env bash
# viz.browser: renders the page for a run with a known linearizability
# violation (the unsafe-local-reads canary, seed 1) and checks it in a real
# browser, headless Chromium: the DOM after the page's script ran must hold a
# lane per node, fault bands, client operation bars, the operations the
# checker could not place (highlighted) and its explanation. Saves a
# screenshot next to the page as the test's artifact.
#
#   browser_test.sh CONFMAN_SIM SOURCE_DIR OUT_DIR
#
# Exits 77 (ctest: skipped) only when Chromium is not installed.
set -euo pipefail

sim=$1
source_dir=$2
out_dir=$3

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIPPED: chromium is not installed (tools/install-deps.sh installs Debian's chromium package)"
  exit 77
fi

mkdir -p "$out_dir"
page="$out_dir/unsafe.html"
dom="$out_dir/unsafe.dom.html"
shot="$out_dir/unsafe.png"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$page" "$dom" "$dom.full" "$shot"

fail() {
  echo "FAIL: $*"
  echo "page: $page"
  exit 1
}

"$sim" run "$source_dir/scenarios/unsafe-local-reads.toml" --seed 1 --html "$page"
[ -s "$page" ] || fail "confman-sim wrote no page"

chrome() {
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" "$@" \
    2>>"$out_dir/chromium.log"
}

chrome --dump-dom "file://$page" >"$dom.full" || fail "chromium --dump-dom failed (see $out_dir/chromium.log)"
# What the page drew, without its scripts (the data and the code that draws).
sed '/<script/,/<\/script>/d' "$dom.full" >"$dom"

count() { grep -o -- "$1" "$dom" | wc -l; }

# One lane per node of the 5-node cluster, each named by its node id.
for node in 1 2 3 4 5; do
  [ "$(count "<g class=\"lane\" data-node=\"$node\">")" -eq 1 ] || fail "no lane for node $node"
done
[ "$(count '<g class="lane" ')" -eq 5 ] || fail "expected 5 lanes, found $(count '<g class="lane" ')"

# The scenario's partitions and flapping link as fault bands.
[ "$(count 'class="fault-band net net-partition"')" -ge 1 ] || fail "no partition band"
[ "$(count 'class="fault-band')" -ge 2 ] || fail "fewer than 2 fault bands"

# Client operations as bars, and at least one the checker could not place.
ops=$(count 'data-k="op"')
[ "$ops" -ge 100 ] || fail "only $ops operation bars"
violations=$(count 'class="op o-[a-z]* violation')
[ "$violations" -ge 1 ] || fail "no operation highlighted as a violation"

# The checker's verdict and explanation.
grep -q 'class="badge bad">not linearizable' "$dom" || fail "no 'not linearizable' verdict"
[ "$(count '<li class="unplaced-op">')" -ge 1 ] || fail "the explanation lists no unplaced operation"
grep -q '<pre class="explanation">client history is not linearizable' "$dom" || fail "no explanation text"

render_ms=$(grep -o 'data-render-ms="[0-9.]*"' "$dom" | head -1 | grep -o '[0-9.]*' || true)
[ -n "$render_ms" ] || fail "the page did not record its render time (its script did not finish)"

chrome --screenshot="$shot" --window-size=1600,900 "file://$page" >/dev/null || fail "chromium --screenshot failed"
[ -f "$shot" ] || fail "no screenshot"
bytes=$(wc -c <"$shot")
[ "$bytes" -gt 30000 ] || fail "the screenshot is only $bytes bytes"
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "the screenshot is not a PNG"

echo "ok: 5 lanes, $(count 'class="fault-band') fault bands, $ops operation bars, $violations highlighted; rendered in ${render_ms} ms"
echo "page: $page"
echo "screenshot: $shot ($bytes bytes)"
