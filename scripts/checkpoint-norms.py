"""Per-tensor RMS and largest magnitude of eqprop checkpoints (safetensors), with their metadata.

Usage: python3 scripts/checkpoint-norms.py RUN/checkpoint.safetensors [MORE ...]
Reads the format directly (an 8-byte little-endian header length, a JSON header, raw data), so
needs numpy only. Compare copies taken after each epoch: weights whose RMS grows without
levelling off are what the falling energy of the diverged conv-mnist run (docs/results.md) points to.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {'F32': np.float32, 'F64': np.float64}


def norms(path):
    with open(path, 'rb') as f:
        b = f.read()
    if len(b) < 8:
        raise ValueError('shorter than a safetensors header')
    n = struct.unpack('<Q', b[:8])[0]
    if n > len(b) - 8:
        raise ValueError(f'header length {n} runs past the end of the file ({len(b)} bytes)')
    header = json.loads(b[8:8 + n])
    if not isinstance(header, dict):
        raise ValueError('the header is not a JSON object')
    data = b[8 + n:]
    lines = []
    for name, v in sorted(header.items()):
        if name == '__metadata__':
            lines.append(str({k: s for k, s in v.items() if len(s) < 40}))
            continue
        if v['dtype'] not in DTYPES:
            raise ValueError(f"tensor '{name}' has dtype {v['dtype']}, expected one of {sorted(DTYPES)}")
        start, end = v['data_offsets']
        a = np.frombuffer(data[start:end], dtype=DTYPES[v['dtype']]).astype(np.float64)
        lines.append(f"{name}{v['shape']} rms={np.sqrt((a ** 2).mean()):.4f} max={np.abs(a).max():.3f}")
    return lines


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    for p in paths:
        try:
            lines = norms(p)
        except (OSError, ValueError, KeyError) as e:
            print(f'checkpoint-norms: {p}: {e}', file=sys.stderr)
            return 2
        print(p)
        print('\n'.join('  ' + line for line in lines))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
