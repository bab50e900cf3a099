// JNI entry points of the CPU emulator (EmulatedDevice in the tests): memory is malloc'd, a launch
// runs the named kernel of eqprop_kernels.cu on every block and thread in turn. Built a second way
// with AddressSanitizer and UndefinedBehaviorSanitizer (EmulatorSanitizerTest): every global and
// shared access is then checked against its allocation (global memory and dynamic shared memory are
// heap blocks of their exact size; static __shared__ arrays are checked by UBSan's bounds check).
#include "emu.h"
#include "eqprop_kernels.cu"
#include "emu_checks.cu"

#include <jni.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define EMU_ASAN 1
#endif

emu_dim3 threadIdx, blockIdx, blockDim, gridDim;
float* emu_dynamic_shared;
// the bounds of the section that holds every static __shared__ array (see emu.h)
extern "C" char __start_emu_shared[];
extern "C" char __stop_emu_shared[];

namespace {
const size_t STACK = 64 * 1024;

// A block's thread. A fiber is entered once through ucontext (makecontext, setcontext) and then
// lives on across blocks and launches: it runs the kernel's body, parks, and is resumed with GCC's
// __builtin_setjmp/__builtin_longjmp, which, unlike swapcontext, make no system call (nor does
// AddressSanitizer intercept them, as it does longjmp, with one).
typedef void* Jump[5];

struct Fiber {
  ucontext_t entry;
  Jump parked;
  bool started;
  bool done;
  std::vector<char> stack;
};

Jump scheduler;
std::vector<std::unique_ptr<Fiber>> fibers;
int current;
#ifdef EMU_ASAN
// the scheduler's stack, which AddressSanitizer is told about at each switch back to it
const void* scheduler_bottom;
size_t scheduler_size;
#endif
// the threads of a phase in reverse index order (the second run of an order check)
bool reverse_order;
// every allocation, for the order check's snapshots
std::map<char*, size_t> allocations;
void (*body)(void**);
void** body_args;

// __builtin_longjmp may not be called from the function that calls __builtin_setjmp. Hidden from
// the callers (noipa: not known to never return), so that AddressSanitizer does not unpoison the
// stack before each call, a system call; the switches are announced to it instead.
__attribute__((noipa, no_sanitize_address)) void jump(Jump& to) {
  __builtin_longjmp(to, 1);
}

// On fiber `current`: back to the scheduler, until it resumes this fiber.
void park() {
  Fiber& f = *fibers[current];
#ifdef EMU_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, scheduler_bottom, scheduler_size);
#endif
  if (__builtin_setjmp(f.parked) == 0) {
    jump(scheduler);
  }
#ifdef EMU_ASAN
  __sanitizer_finish_switch_fiber(fake, &scheduler_bottom, &scheduler_size);
#endif
}

void fiber_main() {
#ifdef EMU_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &scheduler_bottom, &scheduler_size);
#endif
  for (;;) {
    body(body_args);
    fibers[current]->done = true;
    park();
  }
}

// On the scheduler: runs fiber i until it reaches __syncthreads or its end.
void resume(unsigned i) {
  Fiber& f = *fibers[i];
  current = i;
  threadIdx = {i % blockDim.x, i / blockDim.x, 0};
#ifdef EMU_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, f.stack.data(), f.stack.size());
#endif
  if (__builtin_setjmp(scheduler) == 0) {
    if (f.started) {
      jump(f.parked);
    }
    f.started = true;
    setcontext(&f.entry);
  }
#ifdef EMU_ASAN
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
}

template <class T>
T arg(void* p) {
  T v;
  memcpy(&v, p, sizeof(T));
  return v;
}

template <class... A, size_t... I>
void call(void (*f)(A...), void** a, std::index_sequence<I...>) {
  f(arg<std::remove_cv_t<std::remove_reference_t<A>>>(a[I])...);
}

template <class... A>
constexpr size_t arity(void (*)(A...)) {
  return sizeof...(A);
}

#define EMU_ENTRY(name) {#name, [](void** a) { call(name, a, std::make_index_sequence<arity(name)>{}); }}

struct Entry {
  const char* name;
  void (*run)(void**);
};

const Entry KERNELS[] = {
    EMU_ENTRY(eq_binary),       EMU_ENTRY(eq_unary),      EMU_ENTRY(eq_add_row),
    EMU_ENTRY(eq_sum_rows),     EMU_ENTRY(eq_row_dot),    EMU_ENTRY(eq_softmax_rows),
    EMU_ENTRY(eq_argmax_rows),  EMU_ENTRY(eq_max_abs),    EMU_ENTRY(eq_move_rows),
    EMU_ENTRY(eq_gemm),         EMU_ENTRY(eq_relax_update), EMU_ENTRY(eq_chain_relax),
    EMU_ENTRY(eq_adam),         EMU_ENTRY(eq_chain_energy), EMU_ENTRY(eq_contrast),
    EMU_ENTRY(eq_chain_step),   EMU_ENTRY(eq_chain_step_tf32), EMU_ENTRY(eq_gemm_tf32),
    EMU_ENTRY(eq_chain_phases), EMU_ENTRY(eq_conv2d), EMU_ENTRY(eq_conv2d_transpose),
    EMU_ENTRY(eq_conv2d_weight_gradient), EMU_ENTRY(eq_pool), EMU_ENTRY(eq_unpool),
    EMU_ENTRY(eq_test_shared_before_write), EMU_ENTRY(eq_test_divergent_barrier), EMU_ENTRY(eq_test_race),
    EMU_ENTRY(eq_test_static_shared_before_write), EMU_ENTRY(eq_test_global_out_of_bounds),
    EMU_ENTRY(eq_test_shared_out_of_bounds), EMU_ENTRY(eq_test_static_shared_out_of_bounds),
};

// Runs one block's threads phase by phase (a phase ends at __syncthreads or at a thread's end).
// Returns an error where the barrier is divergent: in some phase some threads reached
// __syncthreads while others had ended (on a GPU: a hang, or threads going on with garbage).
std::string run_block(int threads) {
  while ((int) fibers.size() < threads) {
    auto f = std::make_unique<Fiber>();
    f->stack.resize(STACK);
    getcontext(&f->entry);
    f->entry.uc_stack.ss_sp = f->stack.data();
    f->entry.uc_stack.ss_size = STACK;
    f->entry.uc_link = nullptr;
    makecontext(&f->entry, fiber_main, 0);
    fibers.push_back(std::move(f));
  }
  for (int i = 0; i < threads; i++) {
    fibers[i]->done = false;
  }
  int ended = 0;
  for (int phase = 0; ended < threads; phase++) {
    int arrived = 0;
    for (int j = 0; j < threads; j++) {
      int i = reverse_order ? threads - 1 - j : j;
      if (fibers[i]->done) {
        continue;
      }
      resume(i);
      if (fibers[i]->done) {
        ended++;
      } else {
        arrived++;
      }
    }
    if (arrived > 0 && ended > 0) {
      // the waiting threads cannot be released: run them to their end, then report
      while (ended < threads) {
        for (int i = 0; i < threads; i++) {
          if (!fibers[i]->done) {
            resume(i);
            ended += fibers[i]->done ? 1 : 0;
          }
        }
      }
      return "divergent __syncthreads: in barrier phase " + std::to_string(phase) + ", " + std::to_string(arrived)
          + " of " + std::to_string(threads) + " threads waited at a barrier the others, having ended, never reach";
    }
  }
  return "";
}
}  // namespace

void __syncthreads() {
  park();
}

extern "C" {

JNIEXPORT jlong JNICALL Java_org_eqprop_backend_jcuda_EmulatedDevice_alloc0(JNIEnv*, jclass, jlong bytes) {
  void* p = calloc(1, (size_t) bytes);
  allocations[(char*) p] = (size_t) bytes;
  return (jlong) p;
}

JNIEXPORT void JNICALL Java_org_eqprop_backend_jcuda_EmulatedDevice_free0(JNIEnv*, jclass, jlong p) {
  allocations.erase((char*) p);
  free((void*) p);
}

JNIEXPORT void JNICALL Java_org_eqprop_backend_jcuda_EmulatedDevice_copyIn(
    JNIEnv* env, jclass, jobject src, jlong dst, jlong bytes) {
  void* s = env->GetPrimitiveArrayCritical((jarray) src, nullptr);
  memcpy((void*) dst, s, (size_t) bytes);
  env->ReleasePrimitiveArrayCritical((jarray) src, s, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_org_eqprop_backend_jcuda_EmulatedDevice_copyOut(
    JNIEnv* env, jclass, jlong src, jobject dst, jlong bytes) {
  void* d = env->GetPrimitiveArrayCritical((jarray) dst, nullptr);
  memcpy(d, (void*) src, (size_t) bytes);
  env->ReleasePrimitiveArrayCritical((jarray) dst, d, 0);
}

JNIEXPORT void JNICALL Java_org_eqprop_backend_jcuda_EmulatedDevice_copy0(
    JNIEnv*, jclass, jlong src, jlong dst, jlong bytes) {
  memmove((void*) dst, (void*) src, (size_t) bytes);
}

// Runs kernel `name`; argument i takes sizes[i] bytes from words, starting at a word boundary.
JNIEXPORT jstring JNICALL Java_org_eqprop_backend_jcuda_EmulatedDevice_launch0(
    JNIEnv* env, jclass, jstring name, jint gx, jint gy, jint bx, jint by, jint shared,
    jlongArray words, jintArray sizes, jboolean orderCheck) {
  const char* n = env->GetStringUTFChars(name, nullptr);
  std::string kernel(n);
  env->ReleaseStringUTFChars(name, n);
  const Entry* e = nullptr;
  for (const Entry& k : KERNELS) {
    if (kernel == k.name) {
      e = &k;
    }
  }
  if (e == nullptr) {
    return env->NewStringUTF(("no kernel named " + kernel).c_str());
  }
  jsize count = env->GetArrayLength(sizes);
  std::vector<jlong> w(env->GetArrayLength(words));
  env->GetLongArrayRegion(words, 0, (jsize) w.size(), w.data());
  std::vector<jint> s(count);
  env->GetIntArrayRegion(sizes, 0, count, s.data());
  std::vector<void*> args(count);
  size_t at = 0;
  for (jsize i = 0; i < count; i++) {
    args[i] = &w[at];
    at += (s[i] + 7) / 8;
  }
  // exactly the launch's dynamic shared memory (one float where it asks for none), so that the
  // sanitized build catches a read or write past it
  std::vector<float> dynamic(std::max<size_t>(1, (size_t) shared / sizeof(float)));
  emu_dynamic_shared = dynamic.data();
  std::string error;
  gridDim = {(unsigned) gx, (unsigned) gy, 1};
  blockDim = {(unsigned) bx, (unsigned) by, 1};
  body = e->run;
  body_args = args.data();
  auto run_grid = [&]() {
    for (int y = 0; y < gy; y++) {
      for (int x = 0; x < gx; x++) {
        blockIdx = {(unsigned) x, (unsigned) y, 0};
        // a block starts with its shared memory poisoned: reading it before writing gives NaN
        std::fill(dynamic.begin(), dynamic.end(), NAN);
        memset(__start_emu_shared, 0xff, (size_t) (__stop_emu_shared - __start_emu_shared));
        std::string e = run_block(bx * by);
        if (!e.empty() && error.empty()) {
          error = "kernel " + kernel + ", block (" + std::to_string(x) + ", " + std::to_string(y) + "): " + e;
        }
      }
    }
  };
  if (!orderCheck) {
    run_grid();
    return error.empty() ? nullptr : env->NewStringUTF(error.c_str());
  }
  // the order check: run, keep what it wrote, run again from the same memory with the threads of
  // each phase in reverse order; threads that race within a phase give other bits
  std::vector<std::pair<char*, std::string>> before;
  for (auto& a : allocations) {
    before.emplace_back(a.first, std::string(a.first, a.second));
  }
  run_grid();
  std::vector<std::string> forward;
  for (auto& b : before) {
    forward.emplace_back(b.first, allocations[b.first]);
    memcpy(b.first, b.second.data(), b.second.size());
  }
  reverse_order = true;
  run_grid();
  reverse_order = false;
  if (error.empty()) {
    for (size_t k = 0; k < before.size(); k++) {
      const char* now = before[k].first;
      for (size_t o = 0; o < forward[k].size(); o++) {
        if (now[o] != forward[k][o]) {
          error = "kernel " + kernel + " writes other values with the threads of a phase run in reverse order "
              + "(a race between threads not separated by __syncthreads): an allocation of " + std::to_string(forward[k].size())
              + " bytes differs from byte " + std::to_string(o);
          break;
        }
      }
      if (!error.empty()) {
        break;
      }
    }
  }
  return error.empty() ? nullptr : env->NewStringUTF(error.c_str());
}
}
