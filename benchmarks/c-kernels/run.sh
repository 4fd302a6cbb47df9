#!/usr/bin/env bash
# Builds the kernels (build.sh) and runs each on the ts engine and on native Unicorn (no counting
# hook) the way `bench`'s programs rows do (dist/cli/bench-program-child.js: `exec`'s code path,
# timed from the engine's creation), alternating; prints seconds and the ts/unicorn ratio (> 1:
# the ts engine is faster), and checks that both print the same. Needs `npm run build`, koffi and
# libunicorn2. Usage: run.sh [OUT_DIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$(mktemp -d)}"
bash "$HERE/build.sh" "$OUT"
CHILD="$HERE/../../dist/cli/bench-program-child.js"
one() { # engine kernel argument -> "seconds stdout"
  node "$CHILD" "{\"mode\":\"exec\",\"engine\":\"$1\",\"elf\":\"$OUT/$2.elf\",\"objects\":[],\"args\":[\"$3\"]}" | tail -1 |
    node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{const r=JSON.parse(s);console.log(r.seconds.toFixed(3),JSON.stringify(r.stdout.trim()))})'
}
printf '%-8s %9s %9s %7s\n' kernel ts_s unicorn_s ratio
SPECS=(sha:200000 nbody:300000 dot:5000 sieve:20 divs:2000000 sortc:20 ddot:3000 horner:3000000
  blur:400 fir:300 i2f:1500 cnt:300 matmul:300 adler:100 mandel:60 rev:300 hist:60
  sad:1000 sat:500 popc:6000 absneg:600 revb:600 clampf:500 mulel:3000 faddp:4000 rgb:300)
for spec in "${SPECS[@]}"; do
  k="${spec%%:*}"
  a="${spec#*:}"
  read -r ts tout <<<"$(one ts "$k" "$a")"
  read -r uc uout <<<"$(one unicorn "$k" "$a")"
  [ "$tout" = "$uout" ] || { echo "$k: outputs differ: $tout / $uout" >&2; exit 1; }
  awk -v k="$k" -v t="$ts" -v u="$uc" 'BEGIN { printf "%-8s %9s %9s %7.2f\n", k, t, u, u / t }'
done
