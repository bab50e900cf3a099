#!/usr/bin/env bash
# Prepares what the GPU machine needs (it has no Java and no network) as one archive, .gpu.tar.xz
# (ignored by git, about 35 MiB): a jlink runtime (jre/), the program's jars without ND4J and with
# only JCuda's driver-API native (lib/), the jcuda kit's test classes with the JUnit console
# (test/) and a copy of the PyTorch reference (ep_ref.py).
# Then, through the device tool: run "bash scripts/gpu-check.sh" with carry [".gpu.tar.xz"].
set -euo pipefail
cd "$(dirname "$0")/.."
ref="${EP_REF:-../shared/bench/ep_ref.py}"
console_version=1.14.1   # the JUnit Platform release that goes with junit-jupiter 5.14.1 (parent pom)
[ -f "$ref" ] || { echo "gpu-prepare: no PyTorch reference at $ref (set EP_REF)" >&2; exit 2; }
mvn -q -B -ntp package -DskipTests
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/gpu/lib" "$work/gpu/test"
# the runner's jars but the nd4j backend and what only it brings (its subtree in the dependency tree)
mvn -q -B -ntp dependency:tree -pl runner -Dscope=runtime -DoutputFile="$work/tree.txt"
awk '/^[+\\]- /{nd4j = /eqprop-backend-nd4j/} nd4j' "$work/tree.txt" \
  | sed 's/^[|+\\ -]*//' \
  | awk -F: '{ print (NF == 6) ? $2 "-" $5 "-" $4 ".jar" : $2 "-" $4 ".jar" }' > "$work/nd4j-jars.txt"
cp runner/target/eqprop-runner.jar "$work/gpu/lib/"
for j in runner/target/lib/*.jar; do
  grep -qxF "$(basename "$j")" "$work/nd4j-jars.txt" || cp "$j" "$work/gpu/lib/"
done
# JCuda's natives jar also holds NVRTC, runtime and PTX-compiler bindings the backend never loads
zip -q -d "$work/gpu/lib/jcuda-natives-"*"-linux-x86_64.jar" 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*'
cp -r backends/jcuda/target/test-classes "$work/gpu/test/classes"
cp testing/backend-tck/target/eqprop-backend-tck-*.jar "$work/gpu/test/"
mvn -q -B -ntp dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$console_version \
  -DoutputDirectory="$work/gpu/test"
jlink --add-modules java.base,java.compiler,java.desktop,java.logging,java.management,java.sql,java.xml,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --strip-native-debug-symbols=objcopy=/usr/bin/objcopy --no-header-files --no-man-pages \
  --compress=2 --output "$work/gpu/jre" 2>/dev/null
cp "$ref" "$work/gpu/ep_ref.py"
tar -C "$work" -cJf .gpu.tar.xz.part gpu
mv .gpu.tar.xz.part .gpu.tar.xz
echo "wrote .gpu.tar.xz ($(du -h .gpu.tar.xz | cut -f1); unpacked $(du -sh "$work/gpu" | cut -f1))"
