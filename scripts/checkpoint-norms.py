"""Per-tensor RMS and largest magnitude of eqprop checkpoints (safetensors), with their metadata.

Usage: python3 scripts/checkpoint-norms.py RUN/checkpoint.safetensors [MORE ...]
Reads the format directly (safetensors_file.py), so needs numpy only. Compare copies taken after
each epoch: weights whose RMS grows without levelling off are what the falling energy of the diverged conv-mnist run (docs/results.md) points to.
"""
import sys

import numpy as np

from safetensors_file import read


def norms(path):
    metadata, tensors = read(path)
    lines = []
    for name in sorted([*tensors, *(['__metadata__'] if metadata else [])]):
        if name == '__metadata__':
            lines.append(str({k: s for k, s in metadata.items() if len(s) < 40}))
            continue
        a = tensors[name].astype(np.float64)
        lines.append(f"{name}{list(tensors[name].shape)} rms={np.sqrt((a ** 2).mean()):.4f} max={np.abs(a).max():.3f}")
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
