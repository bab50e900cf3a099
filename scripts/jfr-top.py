#!/usr/bin/env python3
"""The hottest methods of a Java Flight Recorder file, as shares of its execution samples.

Usage: python3 scripts/jfr-top.py RECORDING.jfr [COUNT]

Record with EQPROP_JAVA_OPTS="-Xmx2g -XX:StartFlightRecording=filename=RECORDING.jfr,settings=profile".
Prints the top frames (self time) and the frames anywhere in the first twelve of a stack
(inclusive time). JFR drops samples it cannot walk inside the Vector API kernels, so their share
is understated (docs/benchmarks.md): read the figures as a guide to where to look, then time.
"""
import collections
import re
import subprocess
import sys

if len(sys.argv) < 2:
    sys.exit("usage: jfr-top.py RECORDING.jfr [COUNT]")
count = int(sys.argv[2]) if len(sys.argv) > 2 else 15
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", sys.argv[1]],
                      check=True, capture_output=True, text=True).stdout
own = collections.Counter()
inclusive = collections.Counter()
for event in text.split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+([\w.$]+\.[\w$<>]+)\(", event, re.M)
    if frames:
        own[frames[0]] += 1
        for f in set(frames[:12]):
            inclusive[f] += 1
total = sum(own.values())
if total == 0:
    sys.exit("jfr-top.py: no execution samples in " + sys.argv[1])
print(f"{total} samples; self:")
for f, c in own.most_common(count):
    print(f"{c / total:6.1%}  {f}")
print("inclusive:")
for f, c in inclusive.most_common(count):
    print(f"{c / total:6.1%}  {f}")
