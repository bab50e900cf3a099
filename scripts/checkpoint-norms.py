"""Per-tensor RMS and largest magnitude of eqprop checkpoints (safetensors), with their metadata.

Usage: python3 scripts/checkpoint-norms.py RUN/checkpoint.safetensors [MORE ...]
Reads the format directly (an 8-byte little-endian header length, a JSON header, raw data), so
needs numpy only. Weights growing without bound are what a diverging run shows first.
"""
import json, struct, sys, numpy as np
for p in sys.argv[1:]:
    b = open(p, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8+n]); d = b[8+n:]
    out = []
    for k, v in sorted(h.items()):
        if k == '__metadata__':
            out.append(str({kk: vv for kk, vv in v.items() if len(vv) < 40})); continue
        s, e = v['data_offsets']
        a = np.frombuffer(d[s:e], dtype={'F32': np.float32, 'F64': np.float64}.get(v['dtype'], np.float32))
        out.append(f"{k}{v['shape']} rms={np.sqrt((a.astype(np.float64)**2).mean()):.4f} max={np.abs(a).max():.3f}")
    print(p); print('\n'.join('  ' + o for o in out))
