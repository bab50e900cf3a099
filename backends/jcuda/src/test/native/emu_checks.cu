// Kernels that are wrong on purpose, compiled into the emulator only (never into the PTX): the
// emulator's checks are shown catching them (EmulatorChecksTest).

// Reads dynamic shared memory before any thread wrote it: the emulator poisons it with NaN at each
// block's start, so the output is NaN, where a GPU would give whatever the memory held.
EQ_KERNEL void eq_test_shared_before_write(float* out, int n) {
  EQ_DYNAMIC_SHARED(cache);
  int i = threadIdx.x;
  if (i < n) {
    out[i] = cache[i];
  }
}

// Half the threads wait at a barrier the other half never reach: a GPU may hang or go on with
// garbage; the emulator reports it.
EQ_KERNEL void eq_test_divergent_barrier(float* out, int n) {
  int i = threadIdx.x;
  if (i % 2 == 1) {
    __syncthreads();
  }
  if (i < n) {
    out[i] = (float) i;
  }
}

// Each thread reads what its neighbour writes in the same phase, with no barrier between: on a GPU
// the result depends on which warp runs first; the emulator runs the launch again with the threads
// of each phase in reverse order and reports the difference.
EQ_KERNEL void eq_test_race(float* out, int n) {
  EQ_DYNAMIC_SHARED(cache);
  int i = threadIdx.x;
  cache[i] = (float) i;
  if (i < n) {
    out[i] = cache[(i + 1) % blockDim.x];
  }
}

// The same with a static __shared__ array: it too starts each block poisoned (on a GPU it holds
// whatever the last block there left).
EQ_KERNEL void eq_test_static_shared_before_write(float* out, int n) {
  __shared__ float kept[32];
  int i = threadIdx.x;
  if (i < n) {
    out[i] = kept[i];
  }
  __syncthreads();
  kept[i] = 1.0f;
}
