// Runtime information, threads, seeds, random numbers and autograd.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#ifdef DFT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#endif

#include "internal.h"

namespace dft {

// libtorch keeps the intra-op thread count per OS thread (OpenMP ICV) and only initialises it once per
// thread. A count set later from another thread is therefore replayed on each thread at its next call.
static std::atomic<int32_t> requested_threads{0};
static std::atomic<int64_t> threads_generation{0};
static thread_local int64_t seen_generation = 0;

void sync_thread_count() {
  int64_t generation = threads_generation.load(std::memory_order_acquire);
  if (generation != seen_generation) {
    seen_generation = generation;
    at::set_num_threads(requested_threads.load());
  }
}

}  // namespace dft

using namespace dft;

namespace {

// Random numbers are drawn on the CPU and moved, so a seed means the same numbers on every device.
at::Generator pick(dft_generator* generator) {
  return generator != nullptr ? generator->generator : at::detail::getDefaultCPUGenerator();
}

template <class F>
at::Tensor draw(dft_generator* generator, int32_t dtype, int32_t device_type, int32_t device_index, F&& fill) {
  at::Generator gen = pick(generator);  // the kernels lock the generator themselves
  return fill(gen).to(device(device_type, device_index), scalar_type(dtype));
}

}  // namespace

extern "C" {

int32_t dft_api_version(void) { return DFT_API_VERSION; }

const char* dft_torch_version(void) { return TORCH_VERSION; }

int32_t dft_cuda_is_available(void) {
  try {
    return at::hasCUDA() && at::getNumGPUs() > 0 ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

int64_t dft_cuda_device_count(void) {
  try {
    return at::hasCUDA() ? static_cast<int64_t>(at::getNumGPUs()) : 0;
  } catch (...) {
    return 0;
  }
}

int32_t dft_get_num_threads(void) {
  try {
    sync_thread_count();
    return at::get_num_threads();
  } catch (...) {
    return -1;
  }
}

dft_error* dft_set_num_threads(int32_t threads) {
  return guarded([&] {
    TORCH_CHECK(threads > 0, "thread count must be positive, got ", threads);
    requested_threads.store(threads);
    threads_generation.fetch_add(1, std::memory_order_acq_rel);
    sync_thread_count();
  });
}

dft_error* dft_manual_seed(int64_t seed) {
  return guarded([&] { at::manual_seed(static_cast<uint64_t>(seed)); });
}

dft_error* dft_cuda_empty_cache(void) {
  return guarded([&] {
#ifdef DFT_WITH_CUDA
    if (at::hasCUDA()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
  });
}

#ifdef DFT_WITH_CUDA
namespace {
c10::DeviceIndex cuda_device(int32_t index) {
  if (!at::hasCUDA() || index < 0 || index >= static_cast<int32_t>(at::getNumGPUs())) {
    throw std::invalid_argument("no CUDA device " + std::to_string(index));
  }
  return static_cast<c10::DeviceIndex>(index);
}
}  // namespace
#endif

dft_error* dft_cuda_memory(int32_t device_index, int64_t* out) {
  return guarded([&] {
    if (out == nullptr) throw std::invalid_argument("output array is NULL");
#ifdef DFT_WITH_CUDA
    c10::DeviceIndex device = cuda_device(device_index);
    c10::cuda::CUDAGuard guard(device);
    size_t free_bytes = 0, total_bytes = 0;
    C10_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
    const size_t aggregate = 0;  // StatType::AGGREGATE in every libtorch (the enum moved namespace in 2.x)
    out[0] = static_cast<int64_t>(free_bytes);
    out[1] = static_cast<int64_t>(total_bytes);
    out[2] = stats.allocated_bytes[aggregate].current;
    out[3] = stats.allocated_bytes[aggregate].peak;
    out[4] = stats.reserved_bytes[aggregate].current;
    out[5] = stats.reserved_bytes[aggregate].peak;
#else
    throw std::runtime_error("this build of the native library has no CUDA");
#endif
  });
}

dft_error* dft_cuda_reset_peak_memory(int32_t device_index) {
  return guarded([&] {
#ifdef DFT_WITH_CUDA
    c10::cuda::CUDACachingAllocator::resetPeakStats(cuda_device(device_index));
#else
    throw std::runtime_error("this build of the native library has no CUDA");
#endif
  });
}

// Process-wide, like torch.backends.cudnn.allow_tf32 and torch.backends.cuda.matmul.allow_tf32. libtorch
// allows TF32 in cuDNN convolutions by default (outputs then differ from fp32 by about 1e-3 relative).
dft_error* dft_set_allow_tf32(int32_t allow) {
  return guarded([&] {
    at::globalContext().setAllowTF32CuDNN(allow != 0);
    at::globalContext().setAllowTF32CuBLAS(allow != 0);
  });
}

dft_error* dft_set_cudnn_benchmark(int32_t enabled) {
  return guarded([&] { at::globalContext().setBenchmarkCuDNN(enabled != 0); });
}

int32_t dft_get_allow_tf32(void) {
  try {
    return at::globalContext().allowTF32CuDNN() ? 1 : 0;
  } catch (...) {
    return -1;
  }
}

dft_error* dft_generator_new(dft_generator** out, int64_t seed) {
  return guarded([&] {
    need_out(out);
    *out = new dft_generator{at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed))};
  });
}

void dft_generator_free(dft_generator* generator) { delete generator; }

dft_error* dft_generator_get_state(dft_tensor** out, dft_generator* generator) {
  return op(DFT_MODE_NO_GRAD, out, [&] {
    if (generator == nullptr) throw std::invalid_argument("generator is NULL");
    std::lock_guard<std::mutex> lock(generator->generator.mutex());
    return generator->generator.get_state();
  });
}

dft_error* dft_generator_set_state(dft_generator* generator, const dft_tensor* state) {
  return guarded([&] {
    if (generator == nullptr) throw std::invalid_argument("generator is NULL");
    std::lock_guard<std::mutex> lock(generator->generator.mutex());
    generator->generator.set_state(need(state, "state"));
  });
}

dft_error* dft_normal(dft_tensor** out, const int64_t* shape, int32_t ndim, double mean, double std,
                      dft_generator* generator, int32_t dtype, int32_t device_type, int32_t device_index) {
  return op(DFT_MODE_NO_GRAD, out, [&] {
    at::IntArrayRef size = int_list(shape, ndim, "shape");
    return draw(generator, dtype, device_type, device_index, [&](at::Generator& gen) {
      return at::empty(size, at::kFloat).normal_(mean, std, gen);
    });
  });
}

dft_error* dft_uniform(dft_tensor** out, const int64_t* shape, int32_t ndim, double low, double high,
                       dft_generator* generator, int32_t dtype, int32_t device_type, int32_t device_index) {
  return op(DFT_MODE_NO_GRAD, out, [&] {
    at::IntArrayRef size = int_list(shape, ndim, "shape");
    return draw(generator, dtype, device_type, device_index, [&](at::Generator& gen) {
      return at::empty(size, at::kFloat).uniform_(low, high, gen);
    });
  });
}

}  // extern "C"

namespace {

// A Dirichlet draw for one 512x512 frame takes 262,144 Gamma variates; in one stream they cost about 40 ms,
// more than the whole network on a GPU. Draws that need no gradient are therefore split into blocks of a
// fixed size, each with its own stream seeded from the generator in block order, and drawn in parallel:
// the numbers depend on the seed and the shape alone, not on the thread count or the device.
constexpr int64_t kGammaBlock = int64_t{1} << 14;

at::Tensor blocked_standard_gamma(const at::Tensor& alpha, at::Generator& gen) {
  at::Tensor flat = alpha.contiguous().view({-1});
  const int64_t n = flat.numel();
  std::vector<uint64_t> seeds(static_cast<size_t>((n + kGammaBlock - 1) / kGammaBlock));
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    auto* cpu = gen.get<at::CPUGeneratorImpl>();
    for (auto& seed : seeds) seed = cpu->random64();
  }
  at::Tensor sample = at::empty_like(flat);
  const bool inference = c10::InferenceMode::is_enabled();
  auto draw_block = [&](int64_t b) {
    int64_t start = b * kGammaBlock, len = std::min(kGammaBlock, n - start);
    at::Generator block_gen = at::make_generator<at::CPUGeneratorImpl>(seeds[static_cast<size_t>(b)]);
    sample.narrow(0, start, len).copy_(at::_standard_gamma(flat.narrow(0, start, len), block_gen));
  };
  // Plain threads, not at::parallel_for: that template runs serially when this file is compiled without
  // OpenMP, and linking an OpenMP runtime here could load a second one beside libtorch's own.
  const int64_t blocks = static_cast<int64_t>(seeds.size());
  const int64_t workers = std::min<int64_t>(std::max(at::get_num_threads(), 1), blocks);
  std::atomic<int64_t> next{0};
  std::vector<std::exception_ptr> errors(static_cast<size_t>(workers));
  auto work = [&](int64_t w) {
    try {
      c10::InferenceMode same_mode(inference);  // threads do not inherit the caller's mode
      c10::AutoGradMode no_grad(false);
      for (int64_t b = next++; b < blocks; b = next++) draw_block(b);
    } catch (...) {
      errors[static_cast<size_t>(w)] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (int64_t w = 1; w < workers; w++) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return sample.view(alpha.sizes());
}

}  // namespace

extern "C" {

dft_error* dft_standard_gamma(int32_t mode, dft_tensor** out, const dft_tensor* alpha, dft_generator* generator) {
  return op(mode, out, [&] {
    const at::Tensor& a = need(alpha, "alpha");
    // Drawn on the CPU (see above); .to() is differentiable, so gradients still reach alpha on its device.
    at::Tensor on_cpu = a.to(at::kCPU);
    at::Generator gen = pick(generator);
    bool needs_grad = at::GradMode::is_enabled() && a.requires_grad();
    at::Tensor sample = !needs_grad && on_cpu.numel() > kGammaBlock ? blocked_standard_gamma(on_cpu, gen)
                                                                     : at::_standard_gamma(on_cpu, gen);
    return sample.to(a.device());
  });
}

dft_error* dft_set_requires_grad(dft_tensor* tensor, int32_t requires_grad) {
  return guarded([&] {
    if (tensor == nullptr) throw std::invalid_argument("tensor argument 'tensor' is NULL");
    tensor->tensor.set_requires_grad(requires_grad != 0);
  });
}

int32_t dft_requires_grad(const dft_tensor* tensor) {
  return tensor == nullptr ? -1 : static_cast<int32_t>(tensor->tensor.requires_grad());
}

dft_error* dft_backward(const dft_tensor* tensor, const dft_tensor* gradient, int32_t retain_graph) {
  return guarded([&] {
    c10::AutoGradMode enabled(true);
    need(tensor, "tensor").backward(optional_tensor(gradient), retain_graph != 0);
  });
}

dft_error* dft_grad(dft_tensor** out, const dft_tensor* tensor) {
  return guarded([&] {
    need_out(out);
    const at::Tensor& grad = need(tensor, "tensor").grad();
    if (grad.defined()) *out = wrap(grad);
  });
}

dft_error* dft_zero_grad(dft_tensor* tensor) {
  return guarded([&] {
    if (tensor == nullptr) throw std::invalid_argument("tensor argument 'tensor' is NULL");
    tensor->tensor.mutable_grad() = at::Tensor();
  });
}

}  // extern "C"
