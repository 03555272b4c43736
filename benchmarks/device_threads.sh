#!/usr/bin/env bash
# Thread scaling on a many-core machine: brianjit on 1, 2, 4, 8, 16 threads next to Brian2
# cpp_standalone with the same OpenMP thread counts, for COBAHH 4k/40k, LIF 10k, CUBA 4k and
# STDP-1000; one fresh process per point (benchmarks/threads.py). Installs nothing: it needs the
# repository's Python environment (brianjit importable) and, for Brian2, benchmarks/.venv-brian2
# with a working g++ (without them: BRIAN2=0 runs brianjit alone).
#   bash benchmarks/device_threads.sh                 # everything, 1 repeat
#   THREADS=1,2,4 POINTS=cobahh-40k REPEATS=3 bash benchmarks/device_threads.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
THREADS=${THREADS:-1,2,4,8,16}
POINTS=${POINTS:-cobahh-4k,cobahh-40k,lif-10k,cuba-4k,stdp-1000}
REPEATS=${REPEATS:-1}
BRIAN2=${BRIAN2:-1}
nproc; uptime
"$PYTHON" -c "import brianjit, os; print('brianjit', brianjit.__file__, 'cores', len(os.sched_getaffinity(0)))"
args=(--threads "$THREADS" --points "$POINTS" --repeats "$REPEATS")
if [ "$BRIAN2" = 1 ] && [ -x benchmarks/.venv-brian2/bin/python ]; then
    args+=(--brian2)
else
    echo "Brian2 cpp_standalone left out (BRIAN2=0 or no benchmarks/.venv-brian2)"
fi
"$PYTHON" benchmarks/threads.py "${args[@]}"
uptime
