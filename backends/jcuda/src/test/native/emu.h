// A CPU stand-in for the CUDA execution model, enough to run eqprop_kernels.cu as C++ in the
// tests: blocks run one after another; the threads of a block are fibers on one OS thread
// (emu_jni.cpp), switched at __syncthreads(), so shared memory is plain static storage. Checks (see
// emu_jni.cpp): shared memory, static and dynamic, is poisoned with NaN at each block's start, a barrier some
// threads wait at while others have ended is reported as an error of the launch, and on request a
// launch runs again with the threads of each phase in reverse order and must write the same bits.
// Built with the sanitizers (EmulatorSanitizerTest), every access is checked against its allocation.
#ifndef EQ_EMU_H
#define EQ_EMU_H
#include <math.h>

#define EQ_EMULATED 1
#define EQ_KERNEL extern "C"
#define EQ_DEVICE static inline
#define EQ_DYNAMIC_SHARED(name) float* name = emu_dynamic_shared
// static __shared__ arrays all go into one section, so a launch can poison them at each block's
// start (the linker marks its bounds: __start_emu_shared, __stop_emu_shared)
#define __shared__ static __attribute__((section("emu_shared")))

struct emu_dim3 {
  unsigned x, y, z;
};
#define __align__(n) __attribute__((aligned(n)))

extern emu_dim3 threadIdx, blockIdx, blockDim, gridDim;
extern float* emu_dynamic_shared;
void __syncthreads();

// The warp-level matrix functions (nvcuda::wmma) the TF32 kernels use, for fp32/tf32 16 x 16 x 8
// fragments. On a GPU a fragment is spread over the 32 threads of a warp; here every thread holds
// the whole matrix (row-major: a is M x K, b is K x N, an accumulator M x N) and does the whole
// operation, so the 32 copies agree and a store writes the same values 32 times. Rounding to tf32
// is round to nearest, ties away from zero, keeping 10 bits of mantissa, as cvt.rna.tf32.f32 does.
#include <stdint.h>
#include <string.h>
namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };
namespace precision {
struct tf32 {};
}

template <typename Use, int M, int N, int K>
struct fragment_size {
  static const int rows = M;
  static const int cols = N;
};
template <int M, int N, int K>
struct fragment_size<matrix_a, M, N, K> {
  static const int rows = M;
  static const int cols = K;
};
template <int M, int N, int K>
struct fragment_size<matrix_b, M, N, K> {
  static const int rows = K;
  static const int cols = N;
};

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
  static const int rows = fragment_size<Use, M, N, K>::rows;
  static const int cols = fragment_size<Use, M, N, K>::cols;
  static const int num_elements = rows * cols;
  float x[num_elements];
};

template <typename F>
inline void fill_fragment(F& f, float v) {
  for (int i = 0; i < F::num_elements; i++) {
    f.x[i] = v;
  }
}

template <typename Layout>
struct is_col_major {
  static const bool value = false;
};
template <>
struct is_col_major<col_major> {
  static const bool value = true;
};

template <typename Use, int M, int N, int K, typename T, typename Layout>
inline void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const float* p, unsigned ldm) {
  typedef fragment<Use, M, N, K, T, Layout> F;
  for (int r = 0; r < F::rows; r++) {
    for (int c = 0; c < F::cols; c++) {
      f.x[r * F::cols + c] = is_col_major<Layout>::value ? p[c * ldm + r] : p[r * ldm + c];
    }
  }
}

template <int M, int N, int K, typename TA, typename LA, typename TB, typename LB>
inline void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, TA, LA>& a,
                     const fragment<matrix_b, M, N, K, TB, LB>& b, const fragment<accumulator, M, N, K, float>& c) {
  float out[M * N];
  for (int m = 0; m < M; m++) {
    for (int n = 0; n < N; n++) {
      float s = c.x[m * N + n];
      for (int k = 0; k < K; k++) {
        s += a.x[m * K + k] * b.x[k * N + n];
      }
      out[m * N + n] = s;
    }
  }
  memcpy(d.x, out, sizeof out);
}

template <int M, int N, int K>
inline void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t layout) {
  for (int m = 0; m < M; m++) {
    for (int n = 0; n < N; n++) {
      if (layout == mem_row_major) {
        p[m * ldm + n] = f.x[m * N + n];
      } else {
        p[n * ldm + m] = f.x[m * N + n];
      }
    }
  }
}

inline float __float_to_tf32(float x) {
  uint32_t bits;
  memcpy(&bits, &x, 4);
  if ((bits & 0x7f800000u) != 0x7f800000u) {  // finite: round the 13 dropped bits, ties away
    bits = (bits + 0x1000u) & 0xffffe000u;
  }
  memcpy(&x, &bits, 4);
  return x;
}
}  // namespace wmma
}  // namespace nvcuda
#endif
