"""Reads an eqprop checkpoint (safetensors) with numpy only, for the scripts beside it.

The format: an 8-byte little-endian header length, a JSON header (each tensor's dtype, shape and
byte range, and a `__metadata__` object of strings), then the raw data.
"""
import json
import struct

import numpy as np

DTYPES = {'F32': np.float32, 'F64': np.float64}


def read(path):
    """Returns (metadata, {name: array}), each array shaped and of the file's dtype; ValueError on a bad file."""
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
    metadata = {}
    tensors = {}
    for name, v in header.items():
        if name == '__metadata__':
            metadata = v
            continue
        if v['dtype'] not in DTYPES:
            raise ValueError(f"tensor '{name}' has dtype {v['dtype']}, expected one of {sorted(DTYPES)}")
        start, end = v['data_offsets']
        tensors[name] = np.frombuffer(data[start:end], dtype=DTYPES[v['dtype']]).reshape(v['shape'])
    return metadata, tensors
