// Shared internals of the C API: handle types, the exception guard and argument helpers.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/Stream.h>
#include <c10/core/StreamGuard.h>

#include <atomic>
#include <optional>
#include <string>

#include "dicface_torch.h"

struct dft_tensor {
  at::Tensor tensor;
};

struct dft_error {
  std::string message;
};

struct dft_generator {
  at::Generator generator;
};

namespace dft {

extern std::atomic<int64_t> live_tensors;
// t.to(target, type); from the CPU to a CUDA device through pinned memory, without blocking (dft_set_pinned_copies).
at::Tensor to_device(const at::Tensor& t, at::Device target, at::ScalarType type);
// While a graph is begun (dft_graph_begin) every call runs on its stream: the stream of that graph, or nothing.
extern std::atomic<bool> redirecting;
std::optional<c10::Stream> redirected_stream();

dft_error* make_error(const std::string& message);
void sync_thread_count();

// Runs f, turning every exception into an in-band error. f may not leak an exception of any type.
template <class F>
dft_error* guarded(F&& f) noexcept {
  try {
    sync_thread_count();
    std::optional<c10::StreamGuard> on_graph_stream;
    if (redirecting.load(std::memory_order_acquire)) {
      if (auto stream = redirected_stream()) on_graph_stream.emplace(*stream);
    }
    f();
    return nullptr;
  } catch (const c10::Error& e) {
    return make_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return make_error(e.what());
  } catch (...) {
    return make_error("unknown C++ exception");
  }
}

// The grad mode of one call: set here and undone on return, so nothing depends on the OS thread.
class ModeGuard {
 public:
  explicit ModeGuard(int32_t mode) {
    switch (mode) {
      case DFT_MODE_GRAD: grad_.emplace(true); break;
      case DFT_MODE_NO_GRAD: grad_.emplace(false); break;
      case DFT_MODE_INFERENCE: inference_.emplace(); break;
      default: throw std::invalid_argument("unknown grad mode " + std::to_string(mode));
    }
  }

 private:
  std::optional<c10::AutoGradMode> grad_;
  std::optional<c10::InferenceMode> inference_;
};

inline dft_tensor* wrap(at::Tensor t) {
  auto* handle = new dft_tensor{std::move(t)};
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return handle;
}

inline const at::Tensor& need(const dft_tensor* t, const char* name) {
  if (t == nullptr) throw std::invalid_argument(std::string("tensor argument '") + name + "' is NULL");
  return t->tensor;
}

inline at::Tensor optional_tensor(const dft_tensor* t) { return t == nullptr ? at::Tensor() : t->tensor; }

template <class T>
inline T** need_out(T** out) {
  if (out == nullptr) throw std::invalid_argument("output pointer is NULL");
  *out = nullptr;
  return out;
}

inline at::IntArrayRef int_list(const int64_t* values, int32_t n, const char* name) {
  if (n < 0) throw std::invalid_argument(std::string(name) + ": negative length");
  if (n > 0 && values == nullptr) throw std::invalid_argument(std::string(name) + " is NULL");
  return at::IntArrayRef(values, static_cast<size_t>(n));
}

// The byte size of a contiguous tensor of this shape, refusing negative sizes and any overflow of
// int64 (sizes come from files: they are hostile until checked).
inline int64_t checked_nbytes(at::IntArrayRef shape, int64_t itemsize, const char* name) {
  int64_t n = itemsize;
  for (int64_t d : shape) {
    if (d < 0) throw std::invalid_argument(std::string(name) + ": negative dimension " + std::to_string(d));
    if (__builtin_mul_overflow(n, d, &n)) throw std::invalid_argument(std::string(name) + ": the byte size overflows int64");
  }
  return n;
}

at::ScalarType scalar_type(int32_t dtype);
at::Device device(int32_t device_type, int32_t device_index);

// A tensor-valued op: mode guard, output check, wrap.
template <class F>
dft_error* op(int32_t mode, dft_tensor** out, F&& f) noexcept {
  return guarded([&] {
    need_out(out);
    ModeGuard guard(mode);
    *out = wrap(f());
  });
}

}  // namespace dft
