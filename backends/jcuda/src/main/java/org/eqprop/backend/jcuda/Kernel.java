package org.eqprop.backend.jcuda;

/**
 * The kernels of {@code eqprop_kernels.cu} that the backend launches, each with its parameter
 * types as the PTX declares them; every launch is checked against them, and a test checks them
 * against the PTX resource.
 */
enum Kernel {
  BINARY("eq_binary", "u32 u64 u64 u64 u32 f32"),
  UNARY("eq_unary", "u32 u64 u64 u32 f32 f32"),
  ADD_ROW("eq_add_row", "u64 u64 u64 u32 u32"),
  SUM_ROWS("eq_sum_rows", "u64 u64 u32 u32"),
  ROW_DOT("eq_row_dot", "u64 u64 u64 u32 u32"),
  SOFTMAX_ROWS("eq_softmax_rows", "u64 u64 u32 u32"),
  ARGMAX_ROWS("eq_argmax_rows", "u64 u64 u32 u32 u32"),
  MAX_ABS("eq_max_abs", "u64 u32 u64"),
  MOVE_ROWS("eq_move_rows", "u32 u64 u64 u64 u32 u32"),
  GEMM("eq_gemm", "u32 u32 u32 f32 u64 u32 u64 u32 f32 u64"),
  GEMM_TF32("eq_gemm_tf32", "u32 u32 u32 f32 u64 u32 u64 u32 f32 u64"),
  CONTRAST("eq_contrast", "b8[496]"),
  RELAX_UPDATE("eq_relax_update", "u64 u64 u64 u64 u32 f32 f32"),
  CHAIN_RELAX("eq_chain_relax", "b8[224] u32 u64 u64 f32 f32 u32 u32"),
  CHAIN_PHASES("eq_chain_phases", "b8[224] b8[64] u32 u64 u64 f32 f32 u32 u32 u32 u32 u64 u64"),
  CHAIN_STEP("eq_chain_step", "b8[288] u32 u32 u64 u64 f32 f32"),
  CHAIN_STEP_TF32("eq_chain_step_tf32", "b8[288] u32 u32 u64 u64 f32 f32"),
  CHAIN_ENERGY("eq_chain_energy", "b8[224] u32 u64 u64"),
  ADAM("eq_adam", "u64 u64 u64 u64 u32 f32 f32 f32 f32 f32 f32 f32"),
  CONV2D("eq_conv2d", "u64 u64 u64 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 f32"),
  CONV2D_TRANSPOSE("eq_conv2d_transpose", "u64 u64 u64 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 f32"),
  CONV2D_WEIGHT_GRADIENT("eq_conv2d_weight_gradient", "u64 u64 u64 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 f32"),
  POOL("eq_pool", "u64 u64 u64 u32 u32 u32 u32 u32 u32"),
  UNPOOL("eq_unpool", "u64 u64 u64 u32 u32 u32 u32 u32 u32 f32");

  /** The entry's name in the PTX. */
  final String entry;
  /** Its parameter types, space-separated. */
  final String params;

  Kernel(String entry, String params) {
    this.entry = entry;
    this.params = params;
  }

  /** Fails when {@code args} do not have this kernel's parameter types. */
  void check(KernelArgs args) {
    if (!params.equals(args.types())) {
      throw new IllegalArgumentException(
          "kernel " + entry + " takes (" + params + "), launched with (" + args.types() + ")");
    }
  }
}
