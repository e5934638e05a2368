#!/usr/bin/env python3
"""Compares the tensors two safetensors files share (numpy only): rel = max|b - a| / max|a| per tensor.
Usage: compare-safetensors.py REFERENCE OTHER [--rename out=out_mean,w=w_mean] [--tolerance REL]
--rename maps OTHER's names to REFERENCE's (dicface forward writes out/w, the fixture keeps out_mean/w_mean).
Exit status 1 when a shared tensor is over the tolerance, or when none is shared."""
import argparse, json, struct, sys
import numpy as np


def load(path):
    data = open(path, 'rb').read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        start, end = info['data_offsets']
        raw = data[8 + n + start:8 + n + end]
        if info['dtype'] == 'BF16':
            values = (np.frombuffer(raw, np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            values = np.frombuffer(raw, {'F64': np.float64, 'F32': np.float32, 'F16': np.float16, 'I64': np.int64,
                                         'I32': np.int32, 'U8': np.uint8}[info['dtype']])
        out[name] = values.reshape(info['shape']).astype(np.float64)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('reference')
    p.add_argument('other')
    p.add_argument('--rename', default='')
    p.add_argument('--tolerance', type=float, default=1e-4)
    a = p.parse_args()
    rename = dict(pair.split('=') for pair in a.rename.split(',') if pair)
    ref, other = load(a.reference), load(a.other)
    worst, shared = 0.0, 0
    for name, value in other.items():
        r = ref.get(rename.get(name, name))
        if r is None or r.shape != value.shape:
            continue
        rel = float(np.abs(value - r).max() / max(np.abs(r).max(), 1e-30))
        worst, shared = max(worst, rel), shared + 1
        print(f"{name:26s} rel {rel:.2e}{'  OVER' if rel > a.tolerance else ''}")
    print(f"RESULT shared={shared} worst_rel={worst:.3e} tolerance={a.tolerance:g}")
    sys.exit(0 if shared and worst <= a.tolerance else 1)


if __name__ == '__main__':
    main()
