#!/usr/bin/env bash
# Runs every GPU check in one go on the GPU machine, after scripts/gpu-prepare.sh here; through the
# device tool: command "bash scripts/gpu-check.sh", carry [".gpu.tar.xz"]. Results go to $OUT
# (default runs/gpu-check): summary.txt (each step, exit status, seconds), one log per step, the
# kit's JUnit XML, bench CSVs and charts, the training run's metrics. Each step has a time limit;
# a failing step does not stop the next, and the whole run keeps within GPU_CHECK_BUDGET seconds
# (default 560, under the device tool's 600 a call): a step gets what is left, and is skipped
# when under 20 s remain. The summary and the key figures are printed at the end as well. GPU_CHECK_STEPS="kit bench-1h ..." runs only those;
# GPU_CHECK_BACKEND=ejml dry-runs the Java steps on a machine without a GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-runs/gpu-check}"
mkdir -p "$out"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
tar -C "$root" -xJf .gpu.tar.xz || { echo "gpu-check: no .gpu.tar.xz: run scripts/gpu-prepare.sh and carry it" >&2; exit 2; }
gpu="$root/gpu"
java="$gpu/jre/bin/java"
steps="${GPU_CHECK_STEPS:-info kit bench-1h conv torch-1h bench-3h torch-3h train-1h}"
backend="${GPU_CHECK_BACKEND:-jcuda}"
budget="${GPU_CHECK_BUDGET:-560}"
summary="$out/summary.txt"
: > "$summary"
failed=0

eqprop() {
  "$java" -Xmx16g --add-modules jdk.incubator.vector -Deqprop.home="$PWD" -cp "$gpu/lib/*" org.eqprop.runner.Main "$@"
}
ref() {
  python3 "$gpu/ep_ref.py" --data data/mnist --torch --cache-input --random-sign --epochs 1 "$@"
}
step() {
  local name="$1" limit="$2"
  shift 2
  case " $steps " in *" $name "*) ;; *) return ;; esac
  local left=$((budget - SECONDS))
  if [ "$left" -lt 20 ]; then
    failed=1
    echo "$name skipped: ${left}s of the budget left" | tee -a "$summary"
    return
  fi
  [ "$limit" -le "$left" ] || limit="$left"
  local start=$SECONDS
  timeout "$limit" bash -c "$*" > "$out/$name.log" 2>&1
  local rc=$?
  [ "$rc" -eq 0 ] || failed=1
  echo "$name rc=$rc limit=${limit}s took=$((SECONDS - start))s" | tee -a "$summary"
}
info() {
  nvidia-smi
  "$java" -version
  eqprop backends
}
kit() {
  "$java" --add-modules jdk.incubator.vector -cp "$gpu/test/classes:$gpu/test/*:$gpu/lib/*" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree \
    --select-class org.eqprop.backend.jcuda.JcudaConformanceTest \
    --select-class org.eqprop.backend.jcuda.JcudaGraphsConformanceTest \
    --select-class org.eqprop.backend.jcuda.JcudaStepsConformanceTest \
    --select-class org.eqprop.backend.jcuda.JcudaTf32Test --reports-dir "$out/kit"
}
# the paper's 784-500-10 (20 + 4 steps) at batch 20 and 256; 784-500-500-500-10 (500 + 8) at 256
# and again with graphs=on (launches held back and replayed as CUDA graphs), jcuda only
bench_1h() {
  eqprop bench --backends $backend --batch-sizes 20,256 --out "$out/bench-1h" --force
  if [ "$backend" = jcuda ]; then
    eqprop bench --backends jcuda --batch-sizes 20,256 --set backend.options.graphs=on \
      --out "$out/bench-1h-graphs" --force
  fi
}
torch_1h() {
  for b in 20 256; do
    ref --batch "$b" --n-train 20000 && ref --batch "$b" --n-train 60000 --graph
  done
}
# 784-500-500-500-10 at 256: auto (which takes relaxation=steps there), then the per-sample kernel and
# the per-step products, to check auto's choice, then auto with tf32=on
bench_3h() {
  eqprop bench --preset paper-3h --backends $backend --batch-sizes 256 --batches 20 --warmup 5 --inference 1000 \
    --out "$out/bench-3h" --force
  if [ "$backend" = jcuda ]; then
    for mode in kernel products; do
      eqprop bench --preset paper-3h --backends jcuda --batch-sizes 256 --batches 20 --warmup 5 --inference 1000 \
        --set backend.options.relaxation=$mode --out "$out/bench-3h-$mode" --force
    done
    eqprop bench --preset paper-3h --backends jcuda --batch-sizes 256 --batches 20 --warmup 5 --inference 1000 \
      --set backend.options.tf32=on --out "$out/bench-3h-tf32" --force
  fi
}
torch_3h() {
  ref --layers 784,500,500,500,10 --t1 500 --t2 8 --alphas 0.128,0.032,0.008,0.002 --batch 256 \
    --n-train 60000 --max-batches 20
  ref --layers 784,500,500,500,10 --t1 500 --t2 8 --alphas 0.128,0.032,0.008,0.002 --batch 256 \
    --n-train 60000 --max-batches 40 --graph
}
# the conv network of ../shared/bench/ep_jax_conv.py (1x28x28 -> 32 -> 64 channels, 5x5, max pooling,
# T1 40, T2 10, batch 100): 2,000 training examples, for docs/benchmarks.md's conv table
conv() {
  eqprop train --config examples/networks/conv-jax-reference.yaml --backend $backend --epochs 1 \
    --set training.train-limit=2000 --set training.test-limit=1000 --out "$out/conv" --force
}
# the paper's network for its 25 epochs, seed 1, to compare with ejml's 2.69% (docs/results.md)
train_1h() { eqprop train --preset paper-1h --backend $backend --out "$out/train-1h" --force; }

export gpu java out backend
export -f eqprop ref info kit bench_1h conv torch_1h bench_3h torch_3h train_1h
step info 60 info
step kit 200 kit
step bench-1h 140 bench_1h
step conv 90 conv
step torch-1h 120 torch_1h
step bench-3h 150 bench_3h
step torch-3h 100 torch_3h
step train-1h 240 train_1h

echo "== summary"; cat "$summary"
echo "== backends"; grep -A4 '^NAME' "$out/info.log" 2>/dev/null
echo "== kit"; grep -E 'tests (successful|failed|skipped)' "$out/kit.log" 2>/dev/null
for f in bench-1h bench-3h; do echo "== $f"; grep -A3 '^backend' "$out/$f.log" 2>/dev/null; done  # bench-1h: plain, then graphs=on
for f in torch-1h torch-3h; do echo "== $f"; grep -E 'samples_per_s|Error|error:' "$out/$f.log" 2>/dev/null; done
echo "== conv"; grep -E '^epoch|rror' "$out/conv.log" 2>/dev/null
echo "== train-1h"; tail -3 "$out/train-1h.log" 2>/dev/null
exit "$failed"  # non-zero when a step failed or ran out of time
