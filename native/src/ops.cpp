// Elementwise, neural-network, shape and reduction ops.
#include <ATen/Context.h>
#include <atomic>
#include <cmath>
#include <vector>

#include "internal.h"

#include <torch/version.h>

using namespace dft;

namespace {

at::Tensor unary(int32_t op, const at::Tensor& x) {
  switch (op) {
    case DFT_NEG: return at::neg(x);
    case DFT_ABS: return at::abs(x);
    case DFT_EXP: return at::exp(x);
    case DFT_LOG: return at::log(x);
    case DFT_SQRT: return at::sqrt(x);
    case DFT_RSQRT: return at::rsqrt(x);
    case DFT_SIGMOID: return at::sigmoid(x);
    case DFT_SILU: return at::silu(x);
    case DFT_GELU: return at::gelu(x, "none");
    case DFT_RELU: return at::relu(x);
    case DFT_TANH: return at::tanh(x);
    case DFT_LGAMMA: return at::lgamma(x);
    case DFT_DIGAMMA: return at::digamma(x);
    case DFT_CONTIGUOUS: return x.contiguous();
    case DFT_CLONE: return x.clone();
    case DFT_DETACH: return x.detach();
    case DFT_SQUARE: return at::square(x);
    case DFT_LOG1P: return at::log1p(x);
    case DFT_SIGN: return at::sign(x);
    case DFT_FLOOR: return at::floor(x);
    case DFT_ROUND: return at::round(x);
    default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
  }
}

template <class B>
at::Tensor binary(int32_t op, const at::Tensor& a, const B& b) {
  switch (op) {
    case DFT_ADD: return at::add(a, b);
    case DFT_SUB: return at::sub(a, b);
    case DFT_MUL: return at::mul(a, b);
    case DFT_DIV: return at::div(a, b);
    case DFT_POW: return at::pow(a, b);
    case DFT_RSUB: return at::rsub(a, b);
    case DFT_EQ: return at::eq(a, b);
    case DFT_LT: return at::lt(a, b);
    case DFT_GT: return at::gt(a, b);
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
}

std::vector<at::Tensor> tensor_list(const dft_tensor* const* xs, int32_t n) {
  if (n <= 0) throw std::invalid_argument("tensor list is empty");
  if (xs == nullptr) throw std::invalid_argument("tensor list is NULL");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; i++) list.push_back(need(xs[i], "list element"));
  return list;
}

}  // namespace

extern "C" {

dft_error* dft_unary(int32_t mode, dft_tensor** out, int32_t op_code, const dft_tensor* x) {
  return op(mode, out, [&] { return unary(op_code, need(x, "x")); });
}

dft_error* dft_binary(int32_t mode, dft_tensor** out, int32_t op_code, const dft_tensor* a, const dft_tensor* b) {
  return op(mode, out, [&] {
    const at::Tensor& ta = need(a, "a");
    const at::Tensor& tb = need(b, "b");
    if (op_code == DFT_MAXIMUM) return at::maximum(ta, tb);
    if (op_code == DFT_MINIMUM) return at::minimum(ta, tb);
    return binary(op_code, ta, tb);
  });
}

dft_error* dft_binary_scalar(int32_t mode, dft_tensor** out, int32_t op_code, const dft_tensor* a, double b) {
  return op(mode, out, [&] {
    const at::Tensor& ta = need(a, "a");
    if (op_code == DFT_MAXIMUM) return at::clamp_min(ta, b);
    if (op_code == DFT_MINIMUM) return at::clamp_max(ta, b);
    return binary(op_code, ta, at::Scalar(b));
  });
}

dft_error* dft_clamp(int32_t mode, dft_tensor** out, const dft_tensor* x, double min, double max) {
  return op(mode, out, [&] {
    // Branches instead of optional scalars: c10::optional is a class of its own in libtorch 1.x and an
    // alias of std::optional in 2.x, so naming either ties this file to one of them.
    bool has_lo = !std::isinf(min), has_hi = !std::isinf(max);
    TORCH_CHECK(has_lo || has_hi, "clamp needs a finite min or max");
    const at::Tensor& t = need(x, "x");
    if (!has_hi) return at::clamp_min(t, min);
    if (!has_lo) return at::clamp_max(t, max);
    return at::clamp(t, min, max);
  });
}

dft_error* dft_leaky_relu(int32_t mode, dft_tensor** out, const dft_tensor* x, double negative_slope) {
  return op(mode, out, [&] { return at::leaky_relu(need(x, "x"), negative_slope); });
}

dft_error* dft_softplus(int32_t mode, dft_tensor** out, const dft_tensor* x, double beta, double threshold) {
  return op(mode, out, [&] { return at::softplus(need(x, "x"), beta, threshold); });
}

dft_error* dft_where(int32_t mode, dft_tensor** out, const dft_tensor* condition, const dft_tensor* a,
                     const dft_tensor* b) {
  return op(mode, out, [&] { return at::where(need(condition, "condition"), need(a, "a"), need(b, "b")); });
}

namespace {
// Off by default: measured slower on the CPU (oneDNN, libtorch 1.13); for GPUs whose tensor cores want NHWC.
std::atomic<bool> channels_last{false};
}  // namespace

dft_error* dft_set_channels_last(int32_t enabled) {
  return guarded([&] { channels_last = enabled != 0; });
}

int32_t dft_get_channels_last(void) {
  return channels_last ? 1 : 0;
}

dft_error* dft_conv2d(int32_t mode, dft_tensor** out, const dft_tensor* x, const dft_tensor* weight,
                      const dft_tensor* bias, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w,
                      int64_t dilation, int64_t groups) {
  return op(mode, out, [&] {
    at::Tensor input = need(x, "x");
    at::Tensor w = need(weight, "weight");
    at::Tensor b = optional_tensor(bias);
    if (channels_last && input.dim() == 4) {
      // both in NHWC (no copy when they are already), so the output is too and the next convolution takes it as it is
      input = input.contiguous(at::MemoryFormat::ChannelsLast);
      w = w.contiguous(at::MemoryFormat::ChannelsLast);
    }
    // libtorch runs a small one-frame float input on its own CPU kernel and the same input in a batch on oneDNN, so a
    // frame's features would depend on how many frames share the call. oneDNN for every float convolution without
    // gradients keeps a frame's result the same in any batch (training keeps libtorch's choice and its autograd).
    bool needs_grad = c10::GradMode::is_enabled() &&
                      (input.requires_grad() || w.requires_grad() || (b.defined() && b.requires_grad()));
    if (!needs_grad && input.device().is_cpu() && input.scalar_type() == at::kFloat && input.dim() == 4 &&
        w.scalar_type() == at::kFloat && at::hasMKLDNN() && at::globalContext().userEnabledMkldnn()) {
      return at::mkldnn_convolution(input, w, b, {pad_h, pad_w}, {stride_h, stride_w}, {dilation, dilation}, groups);
    }
    return at::conv2d(input, w, b, {stride_h, stride_w}, {pad_h, pad_w}, {dilation, dilation}, groups);
  });
}

dft_error* dft_group_norm(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t groups,
                          const dft_tensor* weight, const dft_tensor* bias, double eps) {
  return op(mode, out, [&] {
    return at::group_norm(need(x, "x"), groups, optional_tensor(weight), optional_tensor(bias), eps);
  });
}

dft_error* dft_layer_norm(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* normalized_shape,
                          int32_t ndim, const dft_tensor* weight, const dft_tensor* bias, double eps) {
  return op(mode, out, [&] {
    return at::layer_norm(need(x, "x"), int_list(normalized_shape, ndim, "normalized_shape"),
                          optional_tensor(weight), optional_tensor(bias), eps);
  });
}

dft_error* dft_linear(int32_t mode, dft_tensor** out, const dft_tensor* x, const dft_tensor* weight,
                      const dft_tensor* bias) {
  return op(mode, out, [&] { return at::linear(need(x, "x"), need(weight, "weight"), optional_tensor(bias)); });
}

dft_error* dft_matmul(int32_t mode, dft_tensor** out, const dft_tensor* a, const dft_tensor* b) {
  return op(mode, out, [&] { return at::matmul(need(a, "a"), need(b, "b")); });
}

dft_error* dft_bmm(int32_t mode, dft_tensor** out, const dft_tensor* a, const dft_tensor* b) {
  return op(mode, out, [&] { return at::bmm(need(a, "a"), need(b, "b")); });
}

int32_t dft_attention_fused(void) {
#if TORCH_VERSION_MAJOR >= 2
  return 1;
#else
  return 0;
#endif
}

dft_error* dft_attention(int32_t mode, dft_tensor** out, const dft_tensor* q, const dft_tensor* k, const dft_tensor* v) {
  return op(mode, out, [&] {
    const at::Tensor& tq = need(q, "q");
    const at::Tensor& tk = need(k, "k");
    const at::Tensor& tv = need(v, "v");
    if (tq.dim() != 3 || tk.dim() != 3 || tv.dim() != 3) throw std::invalid_argument("attention takes [batch, length, dim] tensors");
#if TORCH_VERSION_MAJOR >= 2
    // one fused kernel (flash or memory-efficient attention where the device has them); its scale is dim^-1/2
    return at::scaled_dot_product_attention(tq, tk, tv);
#else
    // the same ops, in the same order, as torch.nn.functional.multi_head_attention_forward
    return at::bmm(at::softmax(at::bmm(at::div(tq, at::Scalar(std::sqrt(static_cast<double>(tq.size(2))))),
                                       tk.transpose(1, 2)), -1), tv);
#endif
  });
}

dft_error* dft_softmax(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim) {
  return op(mode, out, [&] { return at::softmax(need(x, "x"), dim); });
}

dft_error* dft_log_softmax(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim) {
  return op(mode, out, [&] { return at::log_softmax(need(x, "x"), dim); });
}

dft_error* dft_pixel_unshuffle(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t factor) {
  return op(mode, out, [&] { return at::pixel_unshuffle(need(x, "x"), factor); });
}

dft_error* dft_pixel_shuffle(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t factor) {
  return op(mode, out, [&] { return at::pixel_shuffle(need(x, "x"), factor); });
}

dft_error* dft_upsample_nearest2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t out_h, int64_t out_w) {
  return op(mode, out, [&] { return at::upsample_nearest2d(need(x, "x"), {out_h, out_w}); });
}

dft_error* dft_upsample_bilinear2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t out_h, int64_t out_w,
                                   int32_t align_corners) {
  return op(mode, out, [&] { return at::upsample_bilinear2d(need(x, "x"), {out_h, out_w}, align_corners != 0); });
}

dft_error* dft_max_pool2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t kernel, int64_t stride) {
  return op(mode, out, [&] { return at::max_pool2d(need(x, "x"), {kernel, kernel}, {stride, stride}); });
}

dft_error* dft_upsample_bicubic2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t out_h, int64_t out_w,
                                  int32_t align_corners) {
  return op(mode, out, [&] { return at::upsample_bicubic2d(need(x, "x"), {out_h, out_w}, align_corners != 0); });
}

dft_error* dft_pad(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* pads, int32_t npads,
                   int32_t pad_mode, double value) {
  return op(mode, out, [&] {
    const at::Tensor& t = need(x, "x");
    at::IntArrayRef p = int_list(pads, npads, "pads");
    switch (pad_mode) {
      case DFT_PAD_CONSTANT: return at::constant_pad_nd(t, p, value);
      case DFT_PAD_REFLECT:
        TORCH_CHECK(npads == 4, "reflect padding takes 4 pads (left, right, top, bottom), got ", npads);
        return at::reflection_pad2d(t, p);
      case DFT_PAD_REPLICATE:
        TORCH_CHECK(npads == 4, "replicate padding takes 4 pads (left, right, top, bottom), got ", npads);
        return at::replication_pad2d(t, p);
      default: throw std::invalid_argument("unknown pad mode " + std::to_string(pad_mode));
    }
  });
}

dft_error* dft_cat(int32_t mode, dft_tensor** out, const dft_tensor* const* xs, int32_t n, int64_t dim) {
  return op(mode, out, [&] { return at::cat(tensor_list(xs, n), dim); });
}

dft_error* dft_stack(int32_t mode, dft_tensor** out, const dft_tensor* const* xs, int32_t n, int64_t dim) {
  return op(mode, out, [&] { return at::stack(tensor_list(xs, n), dim); });
}

dft_error* dft_split(int32_t mode, dft_tensor** outs, const dft_tensor* x, const int64_t* sizes, int32_t n,
                     int64_t dim) {
  return guarded([&] {
    if (outs == nullptr) throw std::invalid_argument("output array is NULL");
    for (int32_t i = 0; i < n; i++) outs[i] = nullptr;
    ModeGuard guard(mode);
    std::vector<at::Tensor> parts = at::split_with_sizes(need(x, "x"), int_list(sizes, n, "sizes"), dim);
    for (int32_t i = 0; i < n; i++) outs[i] = wrap(std::move(parts[static_cast<size_t>(i)]));
  });
}

dft_error* dft_reshape(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape, int32_t ndim) {
  return op(mode, out, [&] { return at::reshape(need(x, "x"), int_list(shape, ndim, "shape")); });
}

dft_error* dft_view(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape, int32_t ndim) {
  return op(mode, out, [&] { return need(x, "x").view(int_list(shape, ndim, "shape")); });
}

dft_error* dft_expand(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape, int32_t ndim) {
  return op(mode, out, [&] { return need(x, "x").expand(int_list(shape, ndim, "shape")); });
}

dft_error* dft_permute(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* dims, int32_t ndim) {
  return op(mode, out, [&] { return need(x, "x").permute(int_list(dims, ndim, "dims")); });
}

dft_error* dft_transpose(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim0, int64_t dim1) {
  return op(mode, out, [&] { return at::transpose(need(x, "x"), dim0, dim1); });
}

dft_error* dft_narrow(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim, int64_t start,
                      int64_t length) {
  return op(mode, out, [&] { return at::narrow(need(x, "x"), dim, start, length); });
}

dft_error* dft_as_strided(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape,
                          const int64_t* strides, int32_t ndim, int64_t offset) {
  return op(mode, out, [&] {
    const at::Tensor& t = need(x, "x");
    at::IntArrayRef size = int_list(shape, ndim, "shape");
    at::IntArrayRef stride = int_list(strides, ndim, "strides");
    // as_strided trusts its arguments (they come from files): check, with overflow-safe arithmetic, that
    // every element lies inside the storage. An empty view may sit anywhere up to the storage's end.
    int64_t storage_numel = static_cast<int64_t>(t.storage().nbytes() / t.element_size());
    TORCH_CHECK(offset >= 0 && offset <= storage_numel, "as_strided: offset ", offset,
                " lies outside the storage of ", storage_numel, " elements");
    bool empty = false;
    int64_t last = offset;
    for (int32_t i = 0; i < ndim; i++) {
      TORCH_CHECK(size[i] >= 0 && stride[i] >= 0, "as_strided: negative size or stride");
      if (size[i] == 0) empty = true;
    }
    for (int32_t i = 0; i < ndim && !empty; i++) {
      int64_t step = 0;
      TORCH_CHECK(!__builtin_mul_overflow(size[i] - 1, stride[i], &step) && !__builtin_add_overflow(last, step, &last),
                  "as_strided: the view's extent overflows int64");
    }
    TORCH_CHECK(empty || last < storage_numel, "as_strided: view [offset ", offset, ", last element ", last,
                "] lies outside the storage of ", storage_numel, " elements");
    return t.as_strided(size, stride, offset);
  });
}

dft_error* dft_index_select(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim,
                            const dft_tensor* index) {
  return op(mode, out, [&] { return at::index_select(need(x, "x"), dim, need(index, "index")); });
}

dft_error* dft_reduce(int32_t mode, dft_tensor** out, int32_t op_code, const dft_tensor* x, const int64_t* dims,
                      int32_t ndims, int32_t keepdim) {
  return op(mode, out, [&] {
    const at::Tensor& t = need(x, "x");
    at::IntArrayRef d = int_list(dims, ndims, "dims");
    bool keep = keepdim != 0;
    switch (op_code) {
      case DFT_SUM: return ndims == 0 ? at::sum(t) : at::sum(t, d, keep);
      case DFT_MEAN: return ndims == 0 ? at::mean(t) : at::mean(t, d, keep);
      case DFT_AMAX: return at::amax(t, d, keep);
      case DFT_AMIN: return at::amin(t, d, keep);
      default: throw std::invalid_argument("unknown reduce op " + std::to_string(op_code));
    }
  });
}

dft_error* dft_max_dim(int32_t mode, dft_tensor** values, dft_tensor** indices, const dft_tensor* x, int64_t dim,
                       int32_t keepdim) {
  return guarded([&] {
    need_out(values);
    need_out(indices);
    ModeGuard guard(mode);
    auto result = at::max(need(x, "x"), dim, keepdim != 0);
    *values = wrap(std::get<0>(result));
    *indices = wrap(std::get<1>(result));
  });
}

dft_error* dft_argmax(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim, int32_t keepdim) {
  return op(mode, out, [&] { return at::argmax(need(x, "x"), dim, keepdim != 0); });
}

dft_error* dft_topk(int32_t mode, dft_tensor** values, dft_tensor** indices, const dft_tensor* x, int64_t k,
                    int64_t dim, int32_t largest, int32_t sorted) {
  return guarded([&] {
    need_out(values);
    need_out(indices);
    ModeGuard guard(mode);
    auto result = at::topk(need(x, "x"), k, dim, largest != 0, sorted != 0);
    *values = wrap(std::get<0>(result));
    *indices = wrap(std::get<1>(result));
  });
}

dft_error* dft_inplace(dft_tensor* self, int32_t op_code, const dft_tensor* a, const dft_tensor* b, double alpha) {
  return guarded([&] {
    if (self == nullptr) throw std::invalid_argument("tensor argument 'self' is NULL");
    c10::AutoGradMode no_grad(false);
    at::Tensor& t = self->tensor;
    switch (op_code) {
      case DFT_ADD_: t.add_(need(a, "a"), alpha); break;
      case DFT_MUL_: t.mul_(need(a, "a")); break;
      case DFT_ADDCMUL_: t.addcmul_(need(a, "a"), need(b, "b"), alpha); break;
      case DFT_ADDCDIV_: t.addcdiv_(need(a, "a"), need(b, "b"), alpha); break;
      default: throw std::invalid_argument("unknown in-place op " + std::to_string(op_code));
    }
  });
}

dft_error* dft_inplace_scalar(dft_tensor* self, int32_t op_code, double value) {
  return guarded([&] {
    if (self == nullptr) throw std::invalid_argument("tensor argument 'self' is NULL");
    c10::AutoGradMode no_grad(false);
    switch (op_code) {
      case DFT_ADD_: self->tensor.add_(value); break;
      case DFT_MUL_: self->tensor.mul_(value); break;
      default: throw std::invalid_argument("in-place scalar op " + std::to_string(op_code) + " is not add_ or mul_");
    }
  });
}

}  // extern "C"
