"""How much of a fully connected network's relaxation ejml's fused kernel can skip, from a checkpoint.

Usage: python3 scripts/relaxation-sparsity.py RUN/checkpoint.safetensors [--data data/mnist]
       [--blocks 40] [--block 16] [--steps 100] [--eps 0.5]

Relaxes blocks of `--block` consecutive training images (from their persistent particles when the
checkpoint has them, else from zeros) with the free dynamics s <- clip(s - eps (s - p), 0, 1), as
`EjmlChainRelaxation` does, and prints per hidden layer, averaged over steps and blocks:
  zero     the units at 0 in every sample of a block (rows a step can skip outright),
  same     the units whose rho did not change in any sample of the block since the last step
           (rows a step that adds only what changed can skip),
  same/el  the same per value rather than per block.
Reads the checkpoint directly (safetensors_file.py), so needs numpy only.
"""
import argparse
import gzip
import sys

import numpy as np

from safetensors_file import read


def main():
    a = argparse.ArgumentParser()
    a.add_argument('checkpoint')
    a.add_argument('--data', default='data/mnist')
    a.add_argument('--blocks', type=int, default=40)
    a.add_argument('--block', type=int, default=16)
    a.add_argument('--steps', type=int, default=100)
    a.add_argument('--eps', type=float, default=0.5)
    a.add_argument('--seed', type=int, default=0)
    args = a.parse_args()
    try:
        c = {name: t.astype(np.float32) for name, t in read(args.checkpoint)[1].items()}
        depth = sum(1 for k in c if k.startswith('W'))
        if depth == 0:
            raise ValueError('no weights W1, W2, ...: not a layered network\'s checkpoint')
        w = [c[f'W{k + 1}'] for k in range(depth)]
        b = [c[f'b{k + 1}'][0] for k in range(depth)]
        with gzip.open(f'{args.data}/train-images-idx3-ubyte.gz') as f:
            x_all = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float32) / 255
    except (OSError, ValueError, KeyError) as e:
        print(f'relaxation-sparsity: {e}', file=sys.stderr)
        return 2
    rng = np.random.default_rng(args.seed)
    stats = np.zeros((depth, 3))
    for _ in range(args.blocks):
        i = int(rng.integers(0, len(x_all) - args.block))
        x = x_all[i:i + args.block]
        s = [c[f'particles.{k + 1}'][i:i + args.block].copy() if f'particles.{k + 1}' in c
             else np.zeros((args.block, w[k].shape[1]), np.float32) for k in range(depth)]
        rho = [np.clip(v, 0, 1) for v in s]
        for _ in range(args.steps):
            p = []
            for k in range(depth):
                v = b[k] + (x @ w[0] if k == 0 else rho[k - 1] @ w[k])
                if k + 1 < depth:
                    v = v + rho[k + 1] @ w[k + 1].T
                p.append(v)
            nxt = [np.clip(s[k] - args.eps * (s[k] - p[k]), 0, 1) for k in range(depth)]
            for k in range(depth):
                stats[k, 0] += np.mean(np.all(rho[k] == 0, axis=0))
                stats[k, 1] += np.mean(np.all(nxt[k] == rho[k], axis=0))
                stats[k, 2] += np.mean(nxt[k] == rho[k])
            s = nxt
            rho = nxt
    stats /= args.blocks * args.steps
    for k in range(depth - 1):
        print(f'layer {k + 1} ({w[k].shape[1]} units): zero {stats[k, 0]:.2f}  same {stats[k, 1]:.2f}  '
              f'same/el {stats[k, 2]:.2f}')


if __name__ == '__main__':
    sys.exit(main())
