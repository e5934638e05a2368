// Runtime information, threads, seeds, random numbers and autograd.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <mutex>

#ifdef DFT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
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

// Process-wide, like torch.backends.cudnn.allow_tf32 and torch.backends.cuda.matmul.allow_tf32. libtorch
// allows TF32 in cuDNN convolutions by default (outputs then differ from fp32 by about 1e-3 relative).
dft_error* dft_set_allow_tf32(int32_t allow) {
  return guarded([&] {
    at::globalContext().setAllowTF32CuDNN(allow != 0);
    at::globalContext().setAllowTF32CuBLAS(allow != 0);
  });
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

dft_error* dft_standard_gamma(int32_t mode, dft_tensor** out, const dft_tensor* alpha, dft_generator* generator) {
  return op(mode, out, [&] {
    const at::Tensor& a = need(alpha, "alpha");
    // Drawn on the CPU (see above); .to() is differentiable, so gradients still reach alpha on its device.
    at::Tensor on_cpu = a.to(at::kCPU);
    at::Generator gen = pick(generator);
    at::Tensor sample = at::_standard_gamma(on_cpu, gen);
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
