// A CPU stand-in for the CUDA execution model, enough to run eqprop_kernels.cu as C++ in the
// tests: blocks run one after another; the threads of a block are ucontext fibers on one OS
// thread, switched at __syncthreads(), so shared memory is plain static storage.
#ifndef EQ_EMU_H
#define EQ_EMU_H
#include <math.h>

#define EQ_EMULATED 1
#define EQ_KERNEL extern "C"
#define EQ_DEVICE static inline
#define EQ_DYNAMIC_SHARED(name) float* name = emu_dynamic_shared
#define __shared__ static

struct emu_dim3 {
  unsigned x, y, z;
};
extern emu_dim3 threadIdx, blockIdx, blockDim, gridDim;
extern float* emu_dynamic_shared;
void __syncthreads();
#endif
