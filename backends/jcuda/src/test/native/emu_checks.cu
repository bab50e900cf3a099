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

// Writes one element past the end of its output (off by one): on a GPU it lands in whatever lies
// there; the sanitized emulator (AddressSanitizer) reports a heap-buffer-overflow.
EQ_KERNEL void eq_test_global_out_of_bounds(float* out, int n) {
  int i = threadIdx.x;
  if (i <= n) {
    out[i] = 1.0f;
  }
}

// Reads dynamic shared memory one float past what the launch gave it: the sanitized emulator
// reports a heap-buffer-overflow (its dynamic shared memory is exactly the launch's size).
EQ_KERNEL void eq_test_shared_out_of_bounds(float* out, int n) {
  EQ_DYNAMIC_SHARED(cache);
  int i = threadIdx.x;
  cache[i] = (float) i;
  __syncthreads();
  if (i < n) {
    out[i] = cache[i + 1];
  }
}

// Indexes a static __shared__ array past its 32 elements (launched with more threads than it
// holds): the sanitized emulator (UndefinedBehaviorSanitizer's bounds check) reports the index.
EQ_KERNEL void eq_test_static_shared_out_of_bounds(float* out, int n) {
  __shared__ float tile[32];
  int i = threadIdx.x;
  tile[i] = (float) i;
  __syncthreads();
  if (i < n) {
    out[i] = tile[i % 32];
  }
}
