// Errors, tensor handles, host transfer and metadata.
#include <cstring>

#include "internal.h"

namespace dft {

std::atomic<int64_t> live_tensors{0};

// Returned when even the error message cannot be allocated; never freed.
static dft_error out_of_memory_error{"out of host memory while reporting an error"};

dft_error* make_error(const std::string& message) {
  try {
    return new dft_error{message};
  } catch (...) {
    return &out_of_memory_error;
  }
}

at::ScalarType scalar_type(int32_t dtype) {
  switch (dtype) {
    case DFT_UINT8: return at::kByte;
    case DFT_INT8: return at::kChar;
    case DFT_INT16: return at::kShort;
    case DFT_INT32: return at::kInt;
    case DFT_INT64: return at::kLong;
    case DFT_FLOAT16: return at::kHalf;
    case DFT_FLOAT32: return at::kFloat;
    case DFT_FLOAT64: return at::kDouble;
    case DFT_BOOL: return at::kBool;
    case DFT_BFLOAT16: return at::kBFloat16;
    default: throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
  }
}

at::Device device(int32_t device_type, int32_t device_index) {
  switch (device_type) {
    case DFT_CPU: return at::Device(at::kCPU);
    case DFT_CUDA: return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device_index < 0 ? 0 : device_index));
    default: throw std::invalid_argument("unknown device type code " + std::to_string(device_type));
  }
}

}  // namespace dft

using namespace dft;

extern "C" {

const char* dft_error_message(const dft_error* error) { return error == nullptr ? "" : error->message.c_str(); }

void dft_error_free(dft_error* error) {
  if (error != nullptr && error != &out_of_memory_error) delete error;
}

int64_t dft_live_tensors(void) { return live_tensors.load(); }

void dft_tensor_free(dft_tensor* tensor) {
  if (tensor == nullptr) return;
  delete tensor;
  live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

dft_error* dft_empty(dft_tensor** out, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t device_type,
                     int32_t device_index) {
  return op(DFT_MODE_NO_GRAD, out, [&] {
    at::IntArrayRef size = int_list(shape, ndim, "shape");
    checked_nbytes(size, at::elementSize(scalar_type(dtype)), "shape");
    return at::empty(size, at::TensorOptions().dtype(scalar_type(dtype)).device(device(device_type, device_index)));
  });
}

dft_error* dft_full(dft_tensor** out, const int64_t* shape, int32_t ndim, double value, int32_t dtype,
                    int32_t device_type, int32_t device_index) {
  return op(DFT_MODE_NO_GRAD, out, [&] {
    at::IntArrayRef size = int_list(shape, ndim, "shape");
    checked_nbytes(size, at::elementSize(scalar_type(dtype)), "shape");
    return at::full(size, value, at::TensorOptions().dtype(scalar_type(dtype)).device(device(device_type, device_index)));
  });
}

dft_error* dft_from_host(dft_tensor** out, const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim,
                         int32_t dtype) {
  return op(DFT_MODE_NO_GRAD, out, [&] {
    at::IntArrayRef size = int_list(shape, ndim, "shape");
    at::ScalarType type = scalar_type(dtype);
    // checked before allocating: a shape read from a file must not make libtorch allocate what is not there
    int64_t expected = checked_nbytes(size, at::elementSize(type), "shape");
    TORCH_CHECK(nbytes == expected, "host buffer holds ", nbytes, " bytes but shape ", size, " of ", type, " needs ",
                expected);
    at::Tensor t = at::empty(size, at::TensorOptions().dtype(type));
    TORCH_CHECK(expected == 0 || data != nullptr, "host buffer is NULL");
    if (expected > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(expected));
    return t;
  });
}

dft_error* dft_copy_to_host(const dft_tensor* tensor, void* dst, int64_t nbytes) {
  return guarded([&] {
    at::Tensor t = need(tensor, "tensor").detach().to(at::kCPU).contiguous();
    int64_t expected = static_cast<int64_t>(t.nbytes());
    TORCH_CHECK(nbytes == expected, "host buffer holds ", nbytes, " bytes but the tensor ", t.sizes(), " of ",
                t.scalar_type(), " has ", expected);
    TORCH_CHECK(expected == 0 || dst != nullptr, "host buffer is NULL");
    if (expected > 0) std::memcpy(dst, t.data_ptr(), static_cast<size_t>(expected));
  });
}

dft_error* dft_data_ptr(const dft_tensor* tensor, void** out) {
  return guarded([&] {
    need_out(out);
    const at::Tensor& t = need(tensor, "tensor");
    TORCH_CHECK(t.device().is_cpu(), "data_ptr needs a CPU tensor, got one on ", t.device());
    TORCH_CHECK(t.is_contiguous(), "data_ptr needs a contiguous tensor");
    *out = t.data_ptr();
  });
}

int32_t dft_ndim(const dft_tensor* tensor) { return tensor == nullptr ? -1 : static_cast<int32_t>(tensor->tensor.dim()); }

int32_t dft_shape(const dft_tensor* tensor, int64_t* out_shape, int32_t capacity) {
  if (tensor == nullptr) return -1;
  auto sizes = tensor->tensor.sizes();
  int32_t n = static_cast<int32_t>(sizes.size());
  for (int32_t i = 0; i < n && i < capacity && out_shape != nullptr; i++) out_shape[i] = sizes[i];
  return n;
}

int32_t dft_dtype(const dft_tensor* tensor) {
  return tensor == nullptr ? -1 : static_cast<int32_t>(tensor->tensor.scalar_type());
}

int32_t dft_device_type(const dft_tensor* tensor) {
  return tensor == nullptr ? -1 : static_cast<int32_t>(tensor->tensor.device().type());
}

int32_t dft_device_index(const dft_tensor* tensor) {
  return tensor == nullptr ? -1 : static_cast<int32_t>(tensor->tensor.device().index());
}

int64_t dft_numel(const dft_tensor* tensor) { return tensor == nullptr ? -1 : tensor->tensor.numel(); }

int32_t dft_is_contiguous(const dft_tensor* tensor) {
  return tensor == nullptr ? -1 : static_cast<int32_t>(tensor->tensor.is_contiguous());
}

dft_error* dft_item(const dft_tensor* tensor, double* out) {
  return guarded([&] {
    if (out == nullptr) throw std::invalid_argument("output pointer is NULL");
    *out = need(tensor, "tensor").item<double>();
  });
}

dft_error* dft_to(int32_t mode, dft_tensor** out, const dft_tensor* tensor, int32_t device_type, int32_t device_index,
                  int32_t dtype) {
  return op(mode, out, [&] {
    const at::Tensor& t = need(tensor, "tensor");
    at::ScalarType type = dtype < 0 ? t.scalar_type() : scalar_type(dtype);
    return to_device(t, device(device_type, device_index), type);
  });
}

dft_error* dft_copy_(dft_tensor* dst, const dft_tensor* src) {
  return guarded([&] {
    if (dst == nullptr) throw std::invalid_argument("tensor argument 'dst' is NULL");
    c10::AutoGradMode no_grad(false);
    std::optional<c10::InferenceMode> inference;  // an inference tensor takes in-place writes only in inference mode
    if (dst->tensor.is_inference()) inference.emplace();
    dst->tensor.copy_(need(src, "src"));
  });
}

}  // extern "C"
