// eqprop's CUDA kernels for the jcuda backend (JcudaBackend names each one).
//
// compile-ptx.sh turns this file into eqprop_kernels.ptx, kept as a resource so that builds
// need no nvcc. The tests also compile it as plain C++ (EQ_EMULATED, src/test/native/emu.h)
// and run it on the CPU, so the code stays within what that emulator provides: no warp
// intrinsics but the wmma fragment functions emu.h mimics, no atomics; a block synchronises only
// through __syncthreads().
//
// Every tensor is a dense row-major float32 matrix; sizes are ints (JcudaBackend refuses
// tensors of 2^31 elements or more).

#ifndef EQ_EMULATED
#include <mma.h>
#define EQ_KERNEL extern "C" __global__
#define EQ_DEVICE static __device__ __forceinline__
#define EQ_DYNAMIC_SHARED(name) extern __shared__ float name[]
#endif

namespace wmma = nvcuda::wmma;

#define EQ_MAX_FREE 8
#define EQ_REDUCE_THREADS 256
#define EQ_TILE 64
#define EQ_TILE_K 16

// The state of a layered network for eq_chain_relax: free layers 0..layers-1 (the paper's
// s_1..s_N), their biases, and w[k] (k >= 1) the weights between layers k-1 and k, n[k-1] x n[k].
struct EqChain {
  float* s[EQ_MAX_FREE];
  const float* b[EQ_MAX_FREE];
  const float* w[EQ_MAX_FREE];
  int n[EQ_MAX_FREE];
};

// min(max(x, lo), hi) that keeps NaN (as Java's Math.min/max do).
EQ_DEVICE float eq_clip(float x, float lo, float hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

EQ_DEVICE float eq_rho(float x) {
  return eq_clip(x, 0.0f, 1.0f);
}

// max(|a|, |b|) that is NaN when either is.
EQ_DEVICE float eq_max_nan(float a, float b) {
  if (a != a || b != b) {
    return nanf("");
  }
  return a > b ? a : b;
}

// One unit's step of the paper's dynamics given its total input p: clip(x - eps * (x - rho'(x) p +
// beta (x - *t)), 0, 1), the last term only where the unit is nudged (t its target, else null).
EQ_DEVICE float eq_step(float x, float p, const float* t, float beta, float eps) {
  float g = x - ((x >= 0.0f && x <= 1.0f) ? p : 0.0f);
  if (t != 0) {
    g += beta * (x - *t);
  }
  return eq_rho(x - eps * g);
}

// eq_binary's opcodes, mirrored by the Java enum BinaryOp (KernelSourceTest compares the two).
enum EqBinaryOp { EQ_BINARY_ADD = 0, EQ_BINARY_SUB = 1, EQ_BINARY_MUL = 2, EQ_BINARY_DIV = 3, EQ_BINARY_AXPY = 4 };

// eq_unary's opcodes, mirrored by the Java enum UnaryOp (KernelSourceTest compares the two).
enum EqUnaryOp {
  EQ_UNARY_SCALE = 0, EQ_UNARY_ADD_SCALAR = 1, EQ_UNARY_SQRT = 2, EQ_UNARY_CLIP = 3, EQ_UNARY_INDICATOR = 4,
  EQ_UNARY_FILL = 5
};

// out = a op b: add, sub, mul, div, or a + alpha*b (axpy).
EQ_KERNEL void eq_binary(int op, const float* a, const float* b, float* out, int n, float alpha) {
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    float x = a[i];
    float y = b[i];
    float r;
    switch (op) {
      case EQ_BINARY_ADD: r = x + y; break;
      case EQ_BINARY_SUB: r = x - y; break;
      case EQ_BINARY_MUL: r = x * y; break;
      case EQ_BINARY_DIV: r = x / y; break;
      default: r = x + alpha * y; break;  // EQ_BINARY_AXPY
    }
    out[i] = r;
  }
}

// out = f(a): p*a, a + p, sqrt(a), clip(a, p, q), the indicator of [p, q], or p (fill).
EQ_KERNEL void eq_unary(int op, const float* a, float* out, int n, float p, float q) {
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    float r;
    switch (op) {
      case EQ_UNARY_SCALE: r = p * a[i]; break;
      case EQ_UNARY_ADD_SCALAR: r = a[i] + p; break;
      case EQ_UNARY_SQRT: r = sqrtf(a[i]); break;
      case EQ_UNARY_CLIP: r = eq_clip(a[i], p, q); break;
      case EQ_UNARY_INDICATOR: r = (a[i] >= p && a[i] <= q) ? 1.0f : 0.0f; break;
      default: r = p; break;  // EQ_UNARY_FILL
    }
    out[i] = r;
  }
}

// out[i][j] = a[i][j] + row[j]
EQ_KERNEL void eq_add_row(const float* a, const float* row, float* out, int rows, int cols) {
  int n = rows * cols;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    out[i] = a[i] + row[i % cols];
  }
}

// out[j] = sum_i a[i][j], one thread per column, rows in order.
EQ_KERNEL void eq_sum_rows(const float* a, float* out, int rows, int cols) {
  int stride = blockDim.x * gridDim.x;
  for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < cols; j += stride) {
    float s = 0.0f;
    for (int i = 0; i < rows; i++) {
      s += a[i * cols + j];
    }
    out[j] = s;
  }
}

// Sums part[0..EQ_REDUCE_THREADS) into part[0]; every thread of the block must call it.
EQ_DEVICE void eq_block_sum(float* part) {
  for (int w = EQ_REDUCE_THREADS / 2; w > 0; w >>= 1) {
    if ((int) threadIdx.x < w) {
      part[threadIdx.x] += part[threadIdx.x + w];
    }
    __syncthreads();
  }
}

// out[i] = sum_j a[i][j] * b[i][j]; one block of EQ_REDUCE_THREADS per row.
EQ_KERNEL void eq_row_dot(const float* a, const float* b, float* out, int rows, int cols) {
  __shared__ float part[EQ_REDUCE_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      s += a[r * cols + j] * b[r * cols + j];
    }
    part[threadIdx.x] = s;
    __syncthreads();
    eq_block_sum(part);
    if (threadIdx.x == 0) {
      out[r] = part[0];
    }
    __syncthreads();
  }
}

// out[i] = softmax(a[i]); one block of EQ_REDUCE_THREADS per row.
EQ_KERNEL void eq_softmax_rows(const float* a, float* out, int rows, int cols) {
  __shared__ float part[EQ_REDUCE_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* x = a + (long long) r * cols;
    float m = -INFINITY;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      m = fmaxf(m, x[j]);
    }
    part[threadIdx.x] = m;
    __syncthreads();
    for (int w = EQ_REDUCE_THREADS / 2; w > 0; w >>= 1) {
      if ((int) threadIdx.x < w) {
        part[threadIdx.x] = fmaxf(part[threadIdx.x], part[threadIdx.x + w]);
      }
      __syncthreads();
    }
    float max = part[0];
    __syncthreads();
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      s += expf(x[j] - max);
    }
    part[threadIdx.x] = s;
    __syncthreads();
    eq_block_sum(part);
    float sum = part[0];
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      out[(long long) r * cols + j] = expf(x[j] - max) / sum;
    }
    __syncthreads();
  }
}

// out[i] = the first j of the largest a[i][j], as an int or (asFloat != 0) as a float; one block
// of EQ_REDUCE_THREADS per row.
EQ_KERNEL void eq_argmax_rows(const float* a, int* out, int rows, int cols, int asFloat) {
  __shared__ float value[EQ_REDUCE_THREADS];
  __shared__ int index[EQ_REDUCE_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    float best = -INFINITY;
    int at = cols;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      float v = a[r * cols + j];
      if (v > best || at == cols) {
        best = v;
        at = j;
      }
    }
    value[threadIdx.x] = best;
    index[threadIdx.x] = at;
    __syncthreads();
    for (int w = EQ_REDUCE_THREADS / 2; w > 0; w >>= 1) {
      if ((int) threadIdx.x < w) {
        float v = value[threadIdx.x + w];
        int j = index[threadIdx.x + w];
        int mine = index[threadIdx.x];
        if (j < cols && (mine == cols || v > value[threadIdx.x] || (v == value[threadIdx.x] && j < mine))) {
          value[threadIdx.x] = v;
          index[threadIdx.x] = j;
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      if (asFloat) {
        ((float*) out)[r] = (float) index[0];
      } else {
        out[r] = index[0];
      }
    }
    __syncthreads();
  }
}

// partial[block] = max |a| over the block's share (NaN if any is NaN); the host combines the blocks.
EQ_KERNEL void eq_max_abs(const float* a, int n, float* partial) {
  __shared__ float part[EQ_REDUCE_THREADS];
  float m = 0.0f;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    m = eq_max_nan(m, fabsf(a[i]));
  }
  part[threadIdx.x] = m;
  __syncthreads();
  for (int w = EQ_REDUCE_THREADS / 2; w > 0; w >>= 1) {
    if ((int) threadIdx.x < w) {
      part[threadIdx.x] = eq_max_nan(part[threadIdx.x], part[threadIdx.x + w]);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    partial[blockIdx.x] = part[0];
  }
}

// dst[r] = src[rows[r]] (scatter = 0) or dst[rows[r]] = src[r] (scatter = 1), count rows of cols.
EQ_KERNEL void eq_move_rows(int scatter, const float* src, const int* rows, float* dst, int count, int cols) {
  int n = count * cols;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    int r = i / cols;
    int c = i - r * cols;
    if (scatter) {
      dst[(long long) rows[r] * cols + c] = src[i];
    } else {
      dst[i] = src[(long long) rows[r] * cols + c];
    }
  }
}

// acc[i][j] += sum_kk as[kk][ty + 16i] * bs[kk][tx + 16j]: one thread's 4 x 4 outputs of a 64 x 64
// tile over one EQ_TILE_K slice of the inner dimension, from the tiles in shared memory.
EQ_DEVICE void eq_tile_products(const float (*as)[EQ_TILE + 4], const float (*bs)[EQ_TILE + 4],
                                float acc[4][4], int tx, int ty) {
  for (int kk = 0; kk < EQ_TILE_K; kk++) {
    float av[4];
    float bv[4];
    for (int i = 0; i < 4; i++) {
      av[i] = as[kk][ty + 16 * i];
      bv[i] = bs[kk][tx + 16 * i];
    }
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        acc[i][j] += av[i] * bv[j];
      }
    }
  }
}

// c = alpha * acc + beta * c for one thread's 4 x 4 outputs of the 64 x 64 tile at (row0, col0)
// (c's old values ignored when beta == 0).
EQ_DEVICE void eq_tile_store(float* c, const float acc[4][4], int m, int n, int row0, int col0, int tx,
                             int ty, float alpha, float beta) {
  for (int i = 0; i < 4; i++) {
    int gi = row0 + ty + 16 * i;
    if (gi >= m) {
      continue;
    }
    for (int j = 0; j < 4; j++) {
      int gj = col0 + tx + 16 * j;
      if (gj < n) {
        long long at = (long long) gi * n + gj;
        c[at] = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * c[at];
      }
    }
  }
}

// The TF32 tensor-core counterpart of eq_tile_products (the backend's tf32 option): the block's 8
// warps each own two 16 x 16 accumulator fragments of the 64 x 64 tile, fragment row warp / 2 and
// columns 2 (warp % 2) and 2 (warp % 2) + 1; each EQ_TILE_K slice is two 16 x 16 x 8 products,
// the operands rounded to tf32 (10 bits of mantissa), the sums kept in fp32.
struct EqTf32Tile {
  wmma::fragment<wmma::accumulator, 16, 16, 8, float> c[2];
};

EQ_DEVICE void eq_tf32_start(EqTf32Tile& t) {
  wmma::fill_fragment(t.c[0], 0.0f);
  wmma::fill_fragment(t.c[1], 0.0f);
}

EQ_DEVICE void eq_tf32_products(const float (*as)[EQ_TILE + 4], const float (*bs)[EQ_TILE + 4], EqTf32Tile& t,
                                int warp) {
  int fr = warp / 2;
  int fc = (warp % 2) * 2;
  for (int ks = 0; ks < EQ_TILE_K; ks += 8) {
    wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::col_major> a;
    wmma::load_matrix_sync(a, &as[ks][16 * fr], EQ_TILE + 4);
    for (int i = 0; i < a.num_elements; i++) {
      a.x[i] = wmma::__float_to_tf32(a.x[i]);
    }
    for (int f = 0; f < 2; f++) {
      wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> b;
      wmma::load_matrix_sync(b, &bs[ks][16 * (fc + f)], EQ_TILE + 4);
      for (int i = 0; i < b.num_elements; i++) {
        b.x[i] = wmma::__float_to_tf32(b.x[i]);
      }
      wmma::mma_sync(t.c[f], a, b, t.c[f]);
    }
  }
}

// Hands the fragments' sums to each thread's acc[4][4] (rows ty + 16i, columns tx + 16j, as
// eq_tile_products leaves them) through cs; every thread of the block must call it.
EQ_DEVICE void eq_tf32_finish(const EqTf32Tile& t, float (*cs)[EQ_TILE + 4], float acc[4][4], int warp, int tx,
                              int ty) {
  int fr = warp / 2;
  int fc = (warp % 2) * 2;
  for (int f = 0; f < 2; f++) {
    wmma::store_matrix_sync(&cs[16 * fr][16 * (fc + f)], t.c[f], EQ_TILE + 4, wmma::mem_row_major);
  }
  __syncthreads();
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 4; j++) {
      acc[i][j] = cs[ty + 16 * i][tx + 16 * j];
    }
  }
}

// Zeroes a 64 x 64 tile's sums before its first slice: each thread's acc, and t with TF32.
template <bool TF32>
EQ_DEVICE void eq_slices_start(EqTf32Tile& t, float acc[4][4]) {
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 4; j++) {
      acc[i][j] = 0.0f;
    }
  }
  if (TF32) {
    eq_tf32_start(t);
  }
}

// Adds the slice of a 64 x 64 tile's products just loaded into as and bs: to t (TF32) or to each
// thread's acc; the block's threads wait for the loads before and for each other after.
template <bool TF32>
EQ_DEVICE void eq_slice(const float (*as)[EQ_TILE + 4], const float (*bs)[EQ_TILE + 4], EqTf32Tile& t,
                        float acc[4][4], int tid) {
  __syncthreads();
  if (TF32) {
    eq_tf32_products(as, bs, t, tid / 32);
  } else {
    eq_tile_products(as, bs, acc, tid % 16, tid / 16);
  }
  __syncthreads();
}

// After the last slice: with TF32, the fragments' sums into each thread's acc (eq_tf32_finish).
template <bool TF32>
EQ_DEVICE void eq_slices_done(const EqTf32Tile& t, float acc[4][4], int tid) {
  if (TF32) {
    __shared__ __align__(32) float cs[EQ_TILE][EQ_TILE + 4];
    eq_tf32_finish(t, cs, acc, tid / 32, tid % 16, tid / 16);
  }
}

// Loads the 64 x EQ_TILE_K slice of op(a) (m x k) at (row0, k0) into as[kk][r] and the EQ_TILE_K x
// 64 slice of op(b) (k x n) at (k0, col0) into bs[kk][c], zeros outside the matrices; rho applied
// to a's values where rhoA. Every thread of the 16 x 16 block loads 4 values of each; consecutive
// threads read consecutive addresses in either layout.
EQ_DEVICE void eq_load_tiles(float (*as)[EQ_TILE + 4], float (*bs)[EQ_TILE + 4], const float* a, int transA,
                             int rhoA, const float* b, int transB, int m, int n, int k, int row0, int col0,
                             int k0, int tid) {
  int lda = transA ? m : k;
  int ldb = transB ? k : n;
  for (int l = 0; l < 4; l++) {
    int e = tid + 256 * l;
    int kk;
    int rr;
    if (transA) {  // a is k x m: consecutive threads read consecutive rows of op(a)
      rr = e % EQ_TILE;
      kk = e / EQ_TILE;
    } else {       // a is m x k: consecutive threads read consecutive k
      rr = e / EQ_TILE_K;
      kk = e % EQ_TILE_K;
    }
    int gi = row0 + rr;
    int gk = k0 + kk;
    float v = 0.0f;
    if (gi < m && gk < k) {
      v = transA ? a[(long long) gk * lda + gi] : a[(long long) gi * lda + gk];
      if (rhoA) {
        v = eq_rho(v);
      }
    }
    as[kk][rr] = v;
    int cc;
    if (transB) {  // b is n x k
      cc = e / EQ_TILE_K;
      kk = e % EQ_TILE_K;
    } else {       // b is k x n
      cc = e % EQ_TILE;
      kk = e / EQ_TILE;
    }
    int gj = col0 + cc;
    gk = k0 + kk;
    v = 0.0f;
    if (gj < n && gk < k) {
      v = transB ? b[(long long) gj * ldb + gk] : b[(long long) gk * ldb + gj];
    }
    bs[kk][cc] = v;
  }
}

// c = alpha * op(a) * op(b) + beta * c (c's old values ignored when beta == 0), row-major,
// op(a) m x k, op(b) k x n. Tiles of 64 x 64 per block of 16 x 16 threads, 4 x 4 outputs per
// thread (rows ty + 16i, columns tx + 16j), k in steps of 16 through shared memory; with TF32,
// the products on the tensor cores (eq_tf32_products). Two entries, so that the fp32 one keeps
// its registers.
template <bool TF32>
EQ_DEVICE void eq_gemm_tiles(int m, int n, int k, float alpha, const float* a, int transA, const float* b,
                             int transB, float beta, float* c) {
  __shared__ __align__(32) float as[EQ_TILE_K][EQ_TILE + 4];
  __shared__ __align__(32) float bs[EQ_TILE_K][EQ_TILE + 4];
  int tx = threadIdx.x;
  int ty = threadIdx.y;
  int tid = ty * 16 + tx;
  int row0 = blockIdx.y * EQ_TILE;
  int col0 = blockIdx.x * EQ_TILE;
  float acc[4][4];
  EqTf32Tile t;
  eq_slices_start<TF32>(t, acc);
  for (int k0 = 0; k0 < k; k0 += EQ_TILE_K) {
    eq_load_tiles(as, bs, a, transA, 0, b, transB, m, n, k, row0, col0, k0, tid);
    eq_slice<TF32>(as, bs, t, acc, tid);
  }
  eq_slices_done<TF32>(t, acc, tid);
  eq_tile_store(c, acc, m, n, row0, col0, tx, ty, alpha, beta);
}

EQ_KERNEL void eq_gemm(int m, int n, int k, float alpha, const float* a, int transA,
                       const float* b, int transB, float beta, float* c) {
  eq_gemm_tiles<false>(m, n, k, alpha, a, transA, b, transB, beta, c);
}

EQ_KERNEL void eq_gemm_tf32(int m, int n, int k, float alpha, const float* a, int transA,
                            const float* b, int transB, float beta, float* c) {
  eq_gemm_tiles<true>(m, n, k, alpha, a, transA, b, transB, beta, c);
}

// The weight part of ChainContrast for the 64 x 64 tile of c at (row0, col0): c += alpha *
// (rho(a1)^T rho(b1) - rho(a2)^T rho(b2)), with a1, a2 k x m and b1, b2 k x n (k the batch);
// where a2 is null (the input layer, the same in both states), c += alpha * rho(a1)^T (rho(b1) -
// rho(b2)). Tiled as eq_gemm (transposed a), rho and the difference taken as the tiles load.
EQ_DEVICE void eq_contrast_tile(int m, int n, int k, float alpha, const float* a1, const float* a2,
                                const float* b1, const float* b2, float* c, int row0, int col0) {
  __shared__ float as[EQ_TILE_K][EQ_TILE + 4];
  __shared__ float bs[EQ_TILE_K][EQ_TILE + 4];
  int tx = threadIdx.x;
  int ty = threadIdx.y;
  int tid = ty * 16 + tx;
  float acc[4][4];
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 4; j++) {
      acc[i][j] = 0.0f;
    }
  }
  int passes = a2 != 0 ? 2 : 1;
  for (int pass = 0; pass < passes; pass++) {
    const float* a = pass == 0 ? a1 : a2;
    const float* b = pass == 0 ? b1 : b2;
    float sign = pass == 0 ? 1.0f : -1.0f;
    for (int k0 = 0; k0 < k; k0 += EQ_TILE_K) {
      for (int l = 0; l < 4; l++) {
        // consecutive threads read consecutive columns of a and of b
        int e = tid + 256 * l;
        int cc = e % EQ_TILE;
        int kk = e / EQ_TILE;
        int gk = k0 + kk;
        int gi = row0 + cc;
        as[kk][cc] = gi < m && gk < k ? sign * eq_rho(a[(long long) gk * m + gi]) : 0.0f;
        int gj = col0 + cc;
        float v = 0.0f;
        if (gj < n && gk < k) {
          long long at = (long long) gk * n + gj;
          v = a2 != 0 ? eq_rho(b[at]) : eq_rho(b1[at]) - eq_rho(b2[at]);
        }
        bs[kk][cc] = v;
      }
      __syncthreads();
      eq_tile_products(as, bs, acc, tx, ty);
      __syncthreads();
    }
  }
  eq_tile_store(c, acc, m, n, row0, col0, tx, ty, alpha, 1.0f);
}

// The bias part of ChainContrast for column j: bias[j] += scale * sum_i (rho(a[i][j]) -
// rho(b[i][j])), a and b rows x cols.
EQ_DEVICE void eq_contrast_bias(const float* a, const float* b, float* bias, int rows, int cols,
                                float scale, int j) {
  float s = 0.0f;
  for (int i = 0; i < rows; i++) {
    long long at = (long long) i * cols + j;
    s += eq_rho(a[at]) - eq_rho(b[at]);
  }
  bias[j] += scale * s;
}

// ChainContrast over up to EQ_MAX_FREE layers in one launch: for layer k, the weights w[k]
// (n[k] x n[k+1]) between the layer below (below[k] in state a, belowB[k] in state b; belowB[k]
// null for the input, the same in both) and a[k], b[k], scaled by wscale[k]; its bias by bscale[k].
// The blocks (16 x 16 threads) first take the 64 x 64 tiles of every layer's weights in turn,
// then 256 bias columns each.
struct EqContrast {
  const float* below[EQ_MAX_FREE];
  const float* belowB[EQ_MAX_FREE];
  const float* a[EQ_MAX_FREE];
  const float* b[EQ_MAX_FREE];
  float* w[EQ_MAX_FREE];
  float* bias[EQ_MAX_FREE];
  float wscale[EQ_MAX_FREE];
  float bscale[EQ_MAX_FREE];
  int n[EQ_MAX_FREE + 1];
  int batch;
  int layers;
};

EQ_KERNEL void eq_contrast(EqContrast c) {
  int block = blockIdx.x;
  for (int k = 0; k < c.layers; k++) {
    int across = (c.n[k + 1] + EQ_TILE - 1) / EQ_TILE;
    int tiles = across * ((c.n[k] + EQ_TILE - 1) / EQ_TILE);
    if (block < tiles) {
      eq_contrast_tile(c.n[k], c.n[k + 1], c.batch, c.wscale[k], c.below[k], c.belowB[k], c.a[k], c.b[k],
                       c.w[k], block / across * EQ_TILE, block % across * EQ_TILE);
      return;
    }
    block -= tiles;
  }
  for (int k = 0; k < c.layers; k++) {
    int columns = (c.n[k + 1] + 255) / 256;
    if (block < columns) {
      int j = block * 256 + threadIdx.y * 16 + threadIdx.x;
      if (j < c.n[k + 1]) {
        eq_contrast_bias(c.a[k], c.b[k], c.bias[k], c.batch, c.n[k + 1], c.bscale[k], j);
      }
      return;
    }
    block -= columns;
  }
}

// One step of the paper's dynamics for one layer, given its total input p:
// out = clip(s - eps * (s - rho'(s) p + beta (s - target)), 0, 1); target may be null.
EQ_KERNEL void eq_relax_update(const float* s, const float* p, const float* target, float* out,
                               int n, float beta, float eps) {
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    out[i] = eq_step(s[i], p[i], target != 0 ? target + i : 0, beta, eps);
  }
}

// Unit j of layer k's share of a sample's layered Hopfield energy, 1/2 x^2 - rho(x) p, with p its
// bias plus the drive (k = 0, driven) or rho(below) W[k][., j] (k > 0; below the sample's layer k-1),
// so each pair of layers counts once.
EQ_DEVICE float eq_energy_term(const EqChain& c, int k, int j, float x, float driven, const float* below) {
  float p = c.b[k][j];
  if (k == 0) {
    p += driven;
  } else {
    for (int q = 0; q < c.n[k - 1]; q++) {
      p += eq_rho(below[q]) * c.w[k][(long long) q * c.n[k] + j];
    }
  }
  return 0.5f * x * x - eq_rho(x) * p;
}

// Where the per-sample kernels keep a sample's state in shared memory: layer k's units at off[k]
// of each state buffer (total units in all), its work items (unit, chunk of `chunk` input terms)
// from poff[k], chunks[k] of them per unit (items in all).
struct EqLayout {
  int off[EQ_MAX_FREE];
  int poff[EQ_MAX_FREE + 1];
  int chunks[EQ_MAX_FREE];
  int total;
  int items;
};

EQ_DEVICE void eq_layout(const EqChain& c, int layers, int chunk, EqLayout& l) {
  l.total = 0;
  l.poff[0] = 0;
  for (int k = 0; k < layers; k++) {
    l.off[k] = l.total;
    l.total += c.n[k];
    int range = (k > 0 ? c.n[k - 1] : 0) + (k + 1 < layers ? c.n[k + 1] : 0);
    l.chunks[k] = range == 0 ? 1 : (range + chunk - 1) / chunk;
    l.poff[k + 1] = l.poff[k] + c.n[k] * l.chunks[k];
  }
  l.items = l.poff[layers];
}

// `steps` steps of sample `sample`'s relaxation from the state in cur (nxt and part scratch);
// returns the buffer holding the result. Each step computes every layer's input from the old
// state: work item (layer k, unit j, chunk q) sums `chunk` terms of rho(s[k-1]) W[k][., j] followed
// by rho(s[k+1]) W[k+1][j, .] into part[]; then each unit adds its chunks, its bias and (layer 0)
// the drive, and takes its step into the other buffer. Every thread of the block must call it.
EQ_DEVICE float* eq_chain_steps(const EqChain& c, int layers, const EqLayout& l, float* cur, float* nxt,
                                float* part, int chunk, int sample, const float* drive, const float* target,
                                float beta, float eps, int steps) {
  int last = layers - 1;
  for (int step = 0; step < steps; step++) {
    for (int w = threadIdx.x; w < l.items; w += blockDim.x) {
      int k = 0;
      while (w >= l.poff[k + 1]) {
        k++;
      }
      int local = w - l.poff[k];
      int j = local / l.chunks[k];
      int q0 = (local - j * l.chunks[k]) * chunk;
      int below = k > 0 ? c.n[k - 1] : 0;
      int range = below + (k < last ? c.n[k + 1] : 0);
      int q1 = q0 + chunk < range ? q0 + chunk : range;
      float sum = 0.0f;
      for (int q = q0; q < q1; q++) {
        if (q < below) {
          sum += eq_rho(cur[l.off[k - 1] + q]) * c.w[k][(long long) q * c.n[k] + j];
        } else {
          int u = q - below;
          sum += eq_rho(cur[l.off[k + 1] + u]) * c.w[k + 1][(long long) j * c.n[k + 1] + u];
        }
      }
      part[w] = sum;
    }
    __syncthreads();
    for (int u = threadIdx.x; u < l.total; u += blockDim.x) {
      int k = 0;
      while (k < last && u >= l.off[k + 1]) {
        k++;
      }
      int j = u - l.off[k];
      float p = c.b[k][j];
      if (k == 0) {
        p += drive[(long long) sample * c.n[0] + j];
      }
      const float* mine = part + l.poff[k] + j * l.chunks[k];
      for (int q = 0; q < l.chunks[k]; q++) {
        p += mine[q];
      }
      const float* aim = k == last && target != 0 ? target + (long long) sample * c.n[k] + j : 0;
      nxt[u] = eq_step(cur[u], p, aim, beta, eps);
    }
    __syncthreads();
    float* t = cur;
    cur = nxt;
    nxt = t;
  }
  return cur;
}

// Copies sample `sample`'s layers between global memory (s) and a state buffer in shared memory.
EQ_DEVICE void eq_chain_load(float* const* s, const EqChain& c, int layers, const EqLayout& l, float* buffer,
                             int sample) {
  for (int k = 0; k < layers; k++) {
    for (int j = threadIdx.x; j < c.n[k]; j += blockDim.x) {
      buffer[l.off[k] + j] = s[k][(long long) sample * c.n[k] + j];
    }
  }
}

EQ_DEVICE void eq_chain_store(float* const* s, const EqChain& c, int layers, const EqLayout& l,
                              const float* buffer, int sample) {
  for (int k = 0; k < layers; k++) {
    for (int j = threadIdx.x; j < c.n[k]; j += blockDim.x) {
      s[k][(long long) sample * c.n[k] + j] = buffer[l.off[k] + j];
    }
  }
}

// All `steps` steps of the relaxation of a layered network (ChainRelaxation), one block per
// sample, the state in shared memory for the whole launch (eq_chain_steps).
// Dynamic shared memory: 2 * sum(n) + sum(n[k] * chunks[k]) floats (JcudaRelaxation sizes it).
EQ_KERNEL void eq_chain_relax(EqChain c, int layers, const float* drive, const float* target,
                              float beta, float eps, int steps, int chunk) {
  EQ_DYNAMIC_SHARED(shared);
  EqLayout l;
  eq_layout(c, layers, chunk, l);
  float* cur = shared;
  int sample = blockIdx.x;
  eq_chain_load(c.s, c, layers, l, cur, sample);
  __syncthreads();
  cur = eq_chain_steps(c, layers, l, cur, shared + l.total, shared + 2 * l.total, chunk, sample, drive, target,
                       beta, eps, steps);
  eq_chain_store(c.s, c, layers, l, cur, sample);
}

// The nudged state's layers for eq_chain_phases.
struct EqLayers {
  float* s[EQ_MAX_FREE];
};

// A training step's two phases (ChainPhases), one block per sample as eq_chain_relax: the free
// phase from zeros (fromZeros) or from c.s, its state stored back to c.s; the sample's energy at
// that point (as eq_chain_energy, from the state in shared memory) into energy[sample] and its
// class (the first largest output unit, as a float) into classes[sample]; then the nudged phase
// from there into nudged. Dynamic shared memory: as eq_chain_relax, plus blockDim.x floats for
// the energy's sum (blockDim.x <= 512).
EQ_KERNEL void eq_chain_phases(EqChain c, EqLayers nudged, int layers, const float* drive, const float* target,
                               float beta, float eps, int freeSteps, int nudgedSteps, int chunk, int fromZeros,
                               float* energy, float* classes) {
  EQ_DYNAMIC_SHARED(shared);
  EqLayout l;
  eq_layout(c, layers, chunk, l);
  float* cur = shared;
  float* sums = shared + 2 * l.total + l.items;
  int sample = blockIdx.x;
  if (fromZeros) {
    for (int u = threadIdx.x; u < l.total; u += blockDim.x) {
      cur[u] = 0.0f;
    }
  } else {
    eq_chain_load(c.s, c, layers, l, cur, sample);
  }
  __syncthreads();
  float* nxt = shared + l.total;
  cur = eq_chain_steps(c, layers, l, cur, cur == shared ? nxt : shared, shared + 2 * l.total, chunk, sample, drive,
                       0, 0.0f, eps, freeSteps);
  eq_chain_store(c.s, c, layers, l, cur, sample);
  float e = 0.0f;
  for (int u = threadIdx.x; u < l.total; u += blockDim.x) {
    int k = 0;
    while (k < layers - 1 && u >= l.off[k + 1]) {
      k++;
    }
    int j = u - l.off[k];
    float driven = k == 0 ? drive[(long long) sample * c.n[0] + j] : 0.0f;
    e += eq_energy_term(c, k, j, cur[u], driven, k > 0 ? cur + l.off[k - 1] : cur);
  }
  sums[threadIdx.x] = e;
  __syncthreads();
  for (int w = 256; w > 0; w >>= 1) {
    if ((int) threadIdx.x < w && threadIdx.x + w < blockDim.x) {
      sums[threadIdx.x] += sums[threadIdx.x + w];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    energy[sample] = sums[0];
    int out = l.off[layers - 1];
    int best = 0;
    for (int j = 1; j < c.n[layers - 1]; j++) {
      if (cur[out + j] > cur[out + best]) {
        best = j;
      }
    }
    classes[sample] = (float) best;
  }
  cur = eq_chain_steps(c, layers, l, cur, cur == shared ? shared + l.total : shared, shared + 2 * l.total, chunk,
                       sample, drive, target, beta, eps, nudgedSteps);
  eq_chain_store(nudged.s, c, layers, l, cur, sample);
}

// One relaxation step of a layered network for a whole batch (ChainRelaxation), every layer in one
// launch: s[k] the state before the step, out[k] after it (distinct buffers), b[k] the biases,
// w[k] (k >= 1) the weights between layers k-1 and k, n[k-1] x n[k].
struct EqStep {
  const float* s[EQ_MAX_FREE];
  float* out[EQ_MAX_FREE];
  const float* b[EQ_MAX_FREE];
  const float* w[EQ_MAX_FREE];
  int n[EQ_MAX_FREE];
};

// The blocks (16 x 16 threads) take the 64 x 64 tiles (samples x units) of every layer in turn.
// A tile sums its units' input as tiled products over the weights, rho(s[k-1]) w[k] then
// rho(s[k+1]) w[k+1]^T, each weight read once for 64 samples; then each thread adds the bias and
// (layer 0) the drive and takes the step of its 4 x 4 units, as eq_relax_update does. With TF32
// (the entry eq_chain_step_tf32), the products on the tensor cores (eq_tf32_products).
template <bool TF32>
EQ_DEVICE void eq_chain_step_tiles(const EqStep& c, int layers, int batch, const float* drive, const float* target,
                                   float beta, float eps) {
  __shared__ __align__(32) float as[EQ_TILE_K][EQ_TILE + 4];
  __shared__ __align__(32) float bs[EQ_TILE_K][EQ_TILE + 4];
  int block = blockIdx.x;
  int k = 0;
  int rowTiles = (batch + EQ_TILE - 1) / EQ_TILE;
  for (; k < layers; k++) {
    int tiles = rowTiles * ((c.n[k] + EQ_TILE - 1) / EQ_TILE);
    if (block < tiles) {
      break;
    }
    block -= tiles;
  }
  if (k == layers) {
    return;
  }
  int n = c.n[k];
  int row0 = block % rowTiles * EQ_TILE;
  int col0 = block / rowTiles * EQ_TILE;
  int tx = threadIdx.x;
  int ty = threadIdx.y;
  int tid = ty * 16 + tx;
  float acc[4][4];
  EqTf32Tile t;
  eq_slices_start<TF32>(t, acc);
  // the products with the layer below (q = 0), then with the layer above (q = 1)
  for (int q = 0; q < 2; q++) {
    int other = q == 0 ? k - 1 : k + 1;
    if (other < 0 || other >= layers) {
      continue;
    }
    for (int k0 = 0; k0 < c.n[other]; k0 += EQ_TILE_K) {
      eq_load_tiles(as, bs, c.s[other], 0, 1, c.w[q == 0 ? k : k + 1], q, batch, n, c.n[other], row0, col0, k0,
                    tid);
      eq_slice<TF32>(as, bs, t, acc, tid);
    }
  }
  eq_slices_done<TF32>(t, acc, tid);
  int nudged = k == layers - 1 && target != 0;
  for (int i = 0; i < 4; i++) {
    int r = row0 + ty + 16 * i;
    if (r >= batch) {
      continue;
    }
    for (int j = 0; j < 4; j++) {
      int u = col0 + tx + 16 * j;
      if (u < n) {
        long long at = (long long) r * n + u;
        float p = acc[i][j] + c.b[k][u];
        if (k == 0) {
          p += drive[at];
        }
        c.out[k][at] = eq_step(c.s[k][at], p, nudged ? target + at : 0, beta, eps);
      }
    }
  }
}

EQ_KERNEL void eq_chain_step(EqStep c, int layers, int batch, const float* drive, const float* target,
                             float beta, float eps) {
  eq_chain_step_tiles<false>(c, layers, batch, drive, target, beta, eps);
}

EQ_KERNEL void eq_chain_step_tf32(EqStep c, int layers, int batch, const float* drive, const float* target,
                                  float beta, float eps) {
  eq_chain_step_tiles<true>(c, layers, batch, drive, target, beta, eps);
}

// The layered Hopfield energy of every sample (ChainRelaxation.energy), one block of
// EQ_REDUCE_THREADS per sample: each unit j of layer k adds 1/2 s^2 - rho(s) p, with p its bias,
// the drive (k = 0) or rho(s[k-1]) W[k][., j] (k > 0), so each pair of layers counts once.
EQ_KERNEL void eq_chain_energy(EqChain c, int layers, const float* drive, float* out) {
  __shared__ float part[EQ_REDUCE_THREADS];
  int sample = blockIdx.x;
  float e = 0.0f;
  for (int k = 0; k < layers; k++) {
    const float* s = c.s[k] + (long long) sample * c.n[k];
    for (int j = threadIdx.x; j < c.n[k]; j += blockDim.x) {
      float driven = k == 0 ? drive[(long long) sample * c.n[0] + j] : 0.0f;
      e += eq_energy_term(c, k, j, s[j], driven, k > 0 ? c.s[k - 1] + (long long) sample * c.n[k - 1] : s);
    }
  }
  part[threadIdx.x] = e;
  __syncthreads();
  eq_block_sum(part);
  if (threadIdx.x == 0) {
    out[sample] = part[0];
  }
}

// Adam with decoupled weight decay in one pass (AdamUpdate); moments below 1e-30 are stored as 0.
EQ_KERNEL void eq_adam(float* param, const float* grad, float* m, float* v, int n, float lr,
                       float beta1, float beta2, float epsilon, float correction1,
                       float correction2, float decay) {
  float step = lr / correction1;
  float root2 = sqrtf(correction2);
  float keep = 1.0f - lr * decay;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    float g = grad[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    if (fabsf(mi) < 1e-30f) {
      mi = 0.0f;
    }
    if (vi < 1e-30f) {
      vi = 0.0f;
    }
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i] * keep - step * mi / (sqrtf(vi) / root2 + epsilon);
  }
}

// Convolutions (cross-correlations) of a batch of images, each sample's row laid out channel by
// channel, row by row: input batch x [ci][h][wd], weights [co][ci][k][k], output batch x
// [co][oh][ow], stride s and zero padding p. One thread per element of the result, its sum over
// the channels and taps in order, so that results do not depend on the launch's shape.

// out = beta*out + conv(in, w).
EQ_KERNEL void eq_conv2d(const float* in, const float* w, float* out, int batch, int ci_n, int h, int wd,
                         int co_n, int k, int s, int p, int oh, int ow, float beta) {
  int n = batch * co_n * oh * ow;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    int ox = i % ow;
    int oy = (i / ow) % oh;
    int co = (i / (ow * oh)) % co_n;
    int b = i / (ow * oh * co_n);
    float acc = 0.0f;
    for (int ci = 0; ci < ci_n; ci++) {
      const float* plane = in + (b * ci_n + ci) * h * wd;
      const float* kernel = w + (co * ci_n + ci) * k * k;
      for (int ky = 0; ky < k; ky++) {
        int y = oy * s - p + ky;
        if (y < 0 || y >= h) {
          continue;
        }
        for (int kx = 0; kx < k; kx++) {
          int x = ox * s - p + kx;
          if (x >= 0 && x < wd) {
            acc += plane[y * wd + x] * kernel[ky * k + kx];
          }
        }
      }
    }
    out[i] = beta == 0.0f ? acc : beta * out[i] + acc;
  }
}

// in = beta*in + conv^T(out, w): the adjoint of eq_conv2d in its input; one thread per input
// element, over the output channels and the taps that reach it.
EQ_KERNEL void eq_conv2d_transpose(const float* out, const float* w, float* in, int batch, int ci_n, int h,
                                   int wd, int co_n, int k, int s, int p, int oh, int ow, float beta) {
  int n = batch * ci_n * h * wd;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    int x = i % wd;
    int y = (i / wd) % h;
    int ci = (i / (wd * h)) % ci_n;
    int b = i / (wd * h * ci_n);
    float acc = 0.0f;
    for (int co = 0; co < co_n; co++) {
      const float* plane = out + (b * co_n + co) * oh * ow;
      const float* kernel = w + (co * ci_n + ci) * k * k;
      for (int ky = 0; ky < k; ky++) {
        int ty = y + p - ky;
        if (ty < 0 || ty % s != 0 || ty / s >= oh) {
          continue;
        }
        for (int kx = 0; kx < k; kx++) {
          int tx = x + p - kx;
          if (tx >= 0 && tx % s == 0 && tx / s < ow) {
            acc += plane[(ty / s) * ow + tx / s] * kernel[ky * k + kx];
          }
        }
      }
    }
    in[i] = beta == 0.0f ? acc : beta * in[i] + acc;
  }
}

// w += alpha * sum over the batch of the correlation of each input patch with the output: one
// thread per weight, over the samples and output positions in order.
EQ_KERNEL void eq_conv2d_weight_gradient(const float* in, const float* out, float* w, int batch, int ci_n,
                                         int h, int wd, int co_n, int k, int s, int p, int oh, int ow,
                                         float alpha) {
  int n = co_n * ci_n * k * k;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    int kx = i % k;
    int ky = (i / k) % k;
    int ci = (i / (k * k)) % ci_n;
    int co = i / (k * k * ci_n);
    float acc = 0.0f;
    for (int b = 0; b < batch; b++) {
      const float* image = in + (b * ci_n + ci) * h * wd;
      const float* plane = out + (b * co_n + co) * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        int y = oy * s - p + ky;
        if (y < 0 || y >= h) {
          continue;
        }
        for (int ox = 0; ox < ow; ox++) {
          int x = ox * s - p + kx;
          if (x >= 0 && x < wd) {
            acc += plane[oy * ow + ox] * image[y * wd + x];
          }
        }
      }
    }
    w[i] += alpha * acc;
  }
}

// Pooling of batch x [c][h][wd] over size x size windows (stride size; a row or column that no
// whole window covers is left out) into batch x [c][oh][ow]: the window's largest value, whose
// offset within the sample goes to selection as a float (the first of equal ones), or (max = 0)
// its mean. One thread per output element.
EQ_KERNEL void eq_pool(const float* in, float* out, float* selection, int batch, int c_n, int h, int wd,
                       int size, int max) {
  int oh = h / size;
  int ow = wd / size;
  int n = batch * c_n * oh * ow;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    int ox = i % ow;
    int oy = (i / ow) % oh;
    int c = (i / (ow * oh)) % c_n;
    int b = i / (ow * oh * c_n);
    const float* sample = in + b * c_n * h * wd;
    int best = -1;
    float top = 0.0f;
    float sum = 0.0f;
    for (int dy = 0; dy < size; dy++) {
      for (int dx = 0; dx < size; dx++) {
        int at = (c * h + oy * size + dy) * wd + ox * size + dx;
        float v = sample[at];
        sum += v;
        if (best < 0 || v > top) {
          best = at;
          top = v;
        }
      }
    }
    if (max) {
      out[i] = top;
      selection[i] = (float) best;
    } else {
      out[i] = sum / (float) (size * size);
    }
  }
}

// in = beta*in + P^T(out): each input element takes its window's value where the window selected
// it (max) or its share of the window's value (average), and nothing outside every window. One
// thread per input element (the windows do not overlap).
EQ_KERNEL void eq_unpool(const float* out, const float* selection, float* in, int batch, int c_n, int h,
                         int wd, int size, int max, float beta) {
  int oh = h / size;
  int ow = wd / size;
  int n = batch * c_n * h * wd;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    int at = i % (c_n * h * wd);
    int b = i / (c_n * h * wd);
    int x = at % wd;
    int y = (at / wd) % h;
    int c = at / (wd * h);
    float v = 0.0f;
    if (y / size < oh && x / size < ow) {
      int o = b * c_n * oh * ow + (c * oh + y / size) * ow + x / size;
      if (!max) {
        v = out[o] / (float) (size * size);
      } else if ((int) selection[o] == at) {
        v = out[o];
      }
    }
    in[i] = beta == 0.0f ? v : beta * in[i] + v;
  }
}
