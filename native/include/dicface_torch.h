/*
 * dicface_torch.h — the C API of DicFace for Fiji over libtorch (the contract with the Java bindings).
 *
 * Rules that hold for every function:
 *  - Handles are opaque. A function that returns a new handle through an out-parameter (dft_tensor**,
 *    dft_generator**) transfers ownership to the caller, who frees it exactly once with dft_tensor_free /
 *    dft_generator_free. Input handles are borrowed: the callee never frees or keeps them.
 *  - Errors are returned in-band: a fallible function returns NULL on success, or a dft_error* that the
 *    caller owns and frees with dft_error_free. No C++ exception ever crosses this boundary and no state
 *    is kept per OS thread, so a caller may move between OS threads between any two calls (Java virtual
 *    threads do). On error the out-parameters are left NULL.
 *  - Functions that compute take `mode` first: DFT_MODE_GRAD records autograd history, DFT_MODE_NO_GRAD
 *    does not, DFT_MODE_INFERENCE runs under c10::InferenceMode (fastest; results cannot enter autograd).
 *    The mode applies to that call only, for the same reason as above.
 *  - Buffers: shapes and index lists are `const int64_t*` with an explicit length; host data is raw bytes
 *    with an explicit byte count that must match the tensor exactly.
 *  - dtype codes equal c10::ScalarType values; device type codes equal c10::DeviceType values.
 */
#ifndef DICFACE_TORCH_H
#define DICFACE_TORCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define DFT_API __declspec(dllexport)
#else
#define DFT_API __attribute__((visibility("default")))
#endif

/* Bumped whenever a signature changes; the Java side refuses a library with another version. */
#define DFT_API_VERSION 8

typedef struct dft_tensor dft_tensor;
typedef struct dft_error dft_error;
typedef struct dft_generator dft_generator;
typedef struct dft_group dft_group;
typedef struct dft_graph dft_graph;

enum dft_dtype {
  DFT_UINT8 = 0, DFT_INT8 = 1, DFT_INT16 = 2, DFT_INT32 = 3, DFT_INT64 = 4,
  DFT_FLOAT16 = 5, DFT_FLOAT32 = 6, DFT_FLOAT64 = 7, DFT_BOOL = 11, DFT_BFLOAT16 = 15
};
enum dft_device_type { DFT_CPU = 0, DFT_CUDA = 1 };
enum dft_mode { DFT_MODE_GRAD = 0, DFT_MODE_NO_GRAD = 1, DFT_MODE_INFERENCE = 2 };

enum dft_unary_op {
  DFT_NEG = 0, DFT_ABS = 1, DFT_EXP = 2, DFT_LOG = 3, DFT_SQRT = 4, DFT_RSQRT = 5, DFT_SIGMOID = 6,
  DFT_SILU = 7, DFT_GELU = 8 /* exact (erf) */, DFT_RELU = 9, DFT_TANH = 10, DFT_LGAMMA = 11,
  DFT_DIGAMMA = 12, DFT_CONTIGUOUS = 13, DFT_CLONE = 14, DFT_DETACH = 15, DFT_SQUARE = 16,
  DFT_LOG1P = 17, DFT_SIGN = 18, DFT_FLOOR = 19, DFT_ROUND = 20
};
enum dft_binary_op {
  DFT_ADD = 0, DFT_SUB = 1, DFT_MUL = 2, DFT_DIV = 3, DFT_POW = 4, DFT_MAXIMUM = 5, DFT_MINIMUM = 6,
  DFT_RSUB = 7 /* other - self */, DFT_EQ = 8, DFT_LT = 9, DFT_GT = 10
};
enum dft_reduce_op { DFT_SUM = 0, DFT_MEAN = 1, DFT_AMAX = 2, DFT_AMIN = 3 };
enum dft_pad_mode { DFT_PAD_CONSTANT = 0, DFT_PAD_REFLECT = 1, DFT_PAD_REPLICATE = 2 };

/* ---- errors ---- */
DFT_API const char* dft_error_message(const dft_error* error);            /* borrowed, valid until freed */
DFT_API void dft_error_free(dft_error* error);                            /* NULL is ignored */

/* ---- runtime ---- */
DFT_API int32_t dft_api_version(void);
DFT_API const char* dft_torch_version(void);                              /* static string, e.g. "1.13.0" */
DFT_API int32_t dft_cuda_is_available(void);
DFT_API int64_t dft_cuda_device_count(void);
DFT_API int32_t dft_get_num_threads(void);
DFT_API dft_error* dft_set_num_threads(int32_t threads);                  /* applies to every OS thread */
DFT_API dft_error* dft_manual_seed(int64_t seed);                         /* default generators, all devices */
DFT_API dft_error* dft_cuda_empty_cache(void);                            /* no-op without CUDA */
/* A CUDA device's memory in bytes: out[0] free and out[1] total (the driver's), out[2] allocated now, out[3] allocated
   at most, out[4] reserved now, out[5] reserved at most (libtorch's caching allocator, since the last reset). An error
   when the library was built without CUDA or the device does not exist. */
DFT_API dft_error* dft_cuda_memory(int32_t device_index, int64_t* out);
DFT_API dft_error* dft_cuda_reset_peak_memory(int32_t device_index);     /* the "at most" figures start again */
DFT_API dft_error* dft_set_allow_tf32(int32_t allow);                     /* TF32 tensor-core math for fp32 convolutions and matmuls on CUDA */
DFT_API int32_t dft_get_allow_tf32(void);                                 /* 1 when cuDNN may use TF32 */
DFT_API dft_error* dft_set_cudnn_benchmark(int32_t enabled);             /* cuDNN times its convolution algorithms per shape, keeps the fastest */
DFT_API dft_error* dft_set_channels_last(int32_t enabled);               /* convolutions take and give channels-last (NHWC) tensors */
DFT_API int32_t dft_get_channels_last(void);                              /* 1 when they do */
DFT_API int64_t dft_live_tensors(void);                                   /* handles not yet freed */
/* On (the default): dft_to from the CPU to a CUDA device copies through pinned memory and returns before the copy is
   done (it is queued in order with every later call, and the source may be freed at once). */
DFT_API dft_error* dft_set_pinned_copies(int32_t enabled);
DFT_API int32_t dft_get_pinned_copies(void);

/* ---- CUDA graphs: a fixed-shape sequence of calls recorded once and replayed as one launch ---- */
DFT_API int32_t dft_cuda_graphs_available(void);                          /* 1 in a CUDA build (a device is needed too) */
DFT_API dft_error* dft_graph_new(dft_graph** out, int32_t device_index);
/* From begin to end every call of this library, from any thread, runs on the graph's own stream, which first waits
   for the device's default stream: with capture 0 it runs there (a warm-up: lazy initialisations stay out of the
   capture), with capture 1 it is recorded and not run. Tensors made while capturing live in the graph's memory pool;
   no call in between may copy to the host. One graph begun at a time per process. */
DFT_API dft_error* dft_graph_begin(dft_graph* graph, int32_t capture);
DFT_API dft_error* dft_graph_end(dft_graph* graph);                      /* the default stream then waits for the graph's */
DFT_API dft_error* dft_graph_replay(dft_graph* graph);                   /* the captured calls again, on the default stream */
DFT_API void dft_graph_free(dft_graph* graph);                            /* NULL is ignored; ends a begun graph */

/* ---- data parallelism: c10d, a TCPStore rendezvous at host:port (rank 0 serves it), Gloo on the CPU, NCCL on CUDA ---- */
#define DFT_GROUP_GLOO 1
#define DFT_GROUP_NCCL 2
DFT_API int32_t dft_group_backends(void);                                 /* the DFT_GROUP_* this build has, or-ed */
/* Joins the group of `world` processes as `rank`, sharing tensors on the CPU (cuda_device -1, Gloo) or on that CUDA
   device (NCCL); every call of the group fails after timeout_ms without an answer. */
DFT_API dft_error* dft_group_new(dft_group** out, const char* host, int32_t port, int32_t rank, int32_t world, int64_t timeout_ms, int32_t cuda_device);
DFT_API void dft_group_free(dft_group* group);                            /* NULL is ignored */
/* Each tensor (contiguous, on the group's device) takes root's values. */
DFT_API dft_error* dft_group_broadcast(dft_group* group, dft_tensor* const* tensors, int32_t count, int32_t root);
/* Each tensor becomes the mean over the processes, in buckets of up to bucket_bytes (one all-reduce each). */
DFT_API dft_error* dft_group_allreduce_mean(dft_group* group, dft_tensor* const* tensors, int32_t count, int64_t bucket_bytes);
DFT_API dft_error* dft_group_barrier(dft_group* group);

/* ---- CPU caching allocator (keeps large freed blocks instead of returning them to the OS) ---- */
DFT_API dft_error* dft_cpu_cache_enable(int32_t enabled);
DFT_API void dft_cpu_cache_set_limit(int64_t bytes);                      /* most bytes kept idle */
DFT_API void dft_cpu_cache_release(void);                                 /* frees all idle blocks */
DFT_API void dft_cpu_cache_stats(int64_t* out_stats, int32_t capacity);   /* enabled, idle bytes, hits, misses */

/* ---- tensors: creation, host transfer, metadata ---- */
DFT_API dft_error* dft_empty(dft_tensor** out, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t device_type, int32_t device_index);
DFT_API dft_error* dft_full(dft_tensor** out, const int64_t* shape, int32_t ndim, double value, int32_t dtype, int32_t device_type, int32_t device_index);
DFT_API dft_error* dft_from_host(dft_tensor** out, const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype); /* copies */
DFT_API dft_error* dft_copy_to_host(const dft_tensor* tensor, void* dst, int64_t nbytes);  /* any device or layout */
DFT_API dft_error* dft_data_ptr(const dft_tensor* tensor, void** out);    /* CPU + contiguous only; valid while tensor lives */
DFT_API void dft_tensor_free(dft_tensor* tensor);                         /* NULL is ignored */
DFT_API int32_t dft_ndim(const dft_tensor* tensor);
DFT_API int32_t dft_shape(const dft_tensor* tensor, int64_t* out_shape, int32_t capacity); /* returns ndim */
DFT_API int32_t dft_dtype(const dft_tensor* tensor);
DFT_API int32_t dft_device_type(const dft_tensor* tensor);
DFT_API int32_t dft_device_index(const dft_tensor* tensor);               /* -1 on CPU */
DFT_API int64_t dft_numel(const dft_tensor* tensor);
DFT_API int32_t dft_is_contiguous(const dft_tensor* tensor);
DFT_API dft_error* dft_item(const dft_tensor* tensor, double* out);
DFT_API dft_error* dft_to(int32_t mode, dft_tensor** out, const dft_tensor* tensor, int32_t device_type, int32_t device_index, int32_t dtype); /* dtype -1 keeps it */
DFT_API dft_error* dft_copy_(dft_tensor* dst, const dft_tensor* src);     /* in place, never recorded */

/* ---- elementwise ---- */
DFT_API dft_error* dft_unary(int32_t mode, dft_tensor** out, int32_t op, const dft_tensor* x);
DFT_API dft_error* dft_binary(int32_t mode, dft_tensor** out, int32_t op, const dft_tensor* a, const dft_tensor* b);
DFT_API dft_error* dft_binary_scalar(int32_t mode, dft_tensor** out, int32_t op, const dft_tensor* a, double b);
DFT_API dft_error* dft_clamp(int32_t mode, dft_tensor** out, const dft_tensor* x, double min, double max); /* +-inf: unbounded */
DFT_API dft_error* dft_leaky_relu(int32_t mode, dft_tensor** out, const dft_tensor* x, double negative_slope);
DFT_API dft_error* dft_softplus(int32_t mode, dft_tensor** out, const dft_tensor* x, double beta, double threshold);
DFT_API dft_error* dft_where(int32_t mode, dft_tensor** out, const dft_tensor* condition, const dft_tensor* a, const dft_tensor* b);

/* ---- neural-network ops ---- */
DFT_API dft_error* dft_conv2d(int32_t mode, dft_tensor** out, const dft_tensor* x, const dft_tensor* weight, const dft_tensor* bias, int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w, int64_t dilation, int64_t groups); /* bias nullable */
DFT_API dft_error* dft_group_norm(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t groups, const dft_tensor* weight, const dft_tensor* bias, double eps);
DFT_API dft_error* dft_layer_norm(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* normalized_shape, int32_t ndim, const dft_tensor* weight, const dft_tensor* bias, double eps);
DFT_API dft_error* dft_linear(int32_t mode, dft_tensor** out, const dft_tensor* x, const dft_tensor* weight, const dft_tensor* bias); /* bias nullable */
DFT_API dft_error* dft_matmul(int32_t mode, dft_tensor** out, const dft_tensor* a, const dft_tensor* b);
DFT_API dft_error* dft_bmm(int32_t mode, dft_tensor** out, const dft_tensor* a, const dft_tensor* b);
DFT_API dft_error* dft_softmax(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim);
/* softmax(q k^T / sqrt(dim)) v over [batch, length, dim]: libtorch 2.x's fused scaled_dot_product_attention, 1.x
   the same ops one by one (dft_attention_fused says which) */
DFT_API dft_error* dft_attention(int32_t mode, dft_tensor** out, const dft_tensor* q, const dft_tensor* k, const dft_tensor* v);
DFT_API int32_t dft_attention_fused(void);
DFT_API dft_error* dft_log_softmax(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim);
DFT_API dft_error* dft_pixel_unshuffle(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t factor);
DFT_API dft_error* dft_pixel_shuffle(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t factor);
DFT_API dft_error* dft_upsample_nearest2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t out_h, int64_t out_w);
DFT_API dft_error* dft_upsample_bilinear2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t out_h, int64_t out_w, int32_t align_corners);
DFT_API dft_error* dft_max_pool2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t kernel, int64_t stride);
DFT_API dft_error* dft_upsample_bicubic2d(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t out_h, int64_t out_w, int32_t align_corners);
DFT_API dft_error* dft_pad(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* pads, int32_t npads, int32_t pad_mode, double value); /* pads as torch.nn.functional.pad: last dim first */

/* ---- shape and indexing ---- */
DFT_API dft_error* dft_cat(int32_t mode, dft_tensor** out, const dft_tensor* const* xs, int32_t n, int64_t dim);
DFT_API dft_error* dft_stack(int32_t mode, dft_tensor** out, const dft_tensor* const* xs, int32_t n, int64_t dim);
DFT_API dft_error* dft_split(int32_t mode, dft_tensor** outs, const dft_tensor* x, const int64_t* sizes, int32_t n, int64_t dim); /* n outputs */
DFT_API dft_error* dft_reshape(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape, int32_t ndim);
DFT_API dft_error* dft_view(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape, int32_t ndim);
DFT_API dft_error* dft_expand(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape, int32_t ndim);
DFT_API dft_error* dft_permute(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* dims, int32_t ndim);
DFT_API dft_error* dft_transpose(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim0, int64_t dim1);
DFT_API dft_error* dft_narrow(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim, int64_t start, int64_t length);
DFT_API dft_error* dft_as_strided(int32_t mode, dft_tensor** out, const dft_tensor* x, const int64_t* shape, const int64_t* strides, int32_t ndim, int64_t offset); /* a view of x's storage */
DFT_API dft_error* dft_index_select(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim, const dft_tensor* index);

/* ---- reductions ---- */
DFT_API dft_error* dft_reduce(int32_t mode, dft_tensor** out, int32_t op, const dft_tensor* x, const int64_t* dims, int32_t ndims, int32_t keepdim); /* ndims 0: all */
DFT_API dft_error* dft_max_dim(int32_t mode, dft_tensor** values, dft_tensor** indices, const dft_tensor* x, int64_t dim, int32_t keepdim);
DFT_API dft_error* dft_argmax(int32_t mode, dft_tensor** out, const dft_tensor* x, int64_t dim, int32_t keepdim);
DFT_API dft_error* dft_topk(int32_t mode, dft_tensor** values, dft_tensor** indices, const dft_tensor* x, int64_t k, int64_t dim, int32_t largest, int32_t sorted);

/* ---- random numbers: generators run on the CPU, so a seed gives the same numbers on every device ---- */
DFT_API dft_error* dft_generator_new(dft_generator** out, int64_t seed);
DFT_API void dft_generator_free(dft_generator* generator);                /* NULL is ignored */
DFT_API dft_error* dft_generator_get_state(dft_tensor** out, dft_generator* generator); /* uint8 tensor */
DFT_API dft_error* dft_generator_set_state(dft_generator* generator, const dft_tensor* state);
DFT_API dft_error* dft_normal(dft_tensor** out, const int64_t* shape, int32_t ndim, double mean, double std, dft_generator* generator, int32_t dtype, int32_t device_type, int32_t device_index); /* generator nullable: default */
DFT_API dft_error* dft_uniform(dft_tensor** out, const int64_t* shape, int32_t ndim, double low, double high, dft_generator* generator, int32_t dtype, int32_t device_type, int32_t device_index);
DFT_API dft_error* dft_standard_gamma(int32_t mode, dft_tensor** out, const dft_tensor* alpha, dft_generator* generator); /* differentiable in alpha */

/* ---- in place, never recorded by autograd (optimizer and EMA updates) ---- */
enum dft_inplace_op { DFT_ADD_ = 0 /* self += alpha * other */, DFT_MUL_ = 1 /* self *= other */,
  DFT_ADDCMUL_ = 2 /* self += alpha * a * b */, DFT_ADDCDIV_ = 3 /* self += alpha * a / b */ };
DFT_API dft_error* dft_inplace(dft_tensor* self, int32_t op, const dft_tensor* a, const dft_tensor* b, double alpha); /* b only for addcmul/addcdiv */
DFT_API dft_error* dft_inplace_scalar(dft_tensor* self, int32_t op, double value); /* DFT_ADD_: self += value; DFT_MUL_: self *= value */

/* ---- autograd ---- */
DFT_API dft_error* dft_set_requires_grad(dft_tensor* tensor, int32_t requires_grad);
DFT_API int32_t dft_requires_grad(const dft_tensor* tensor);
DFT_API dft_error* dft_backward(const dft_tensor* tensor, const dft_tensor* gradient, int32_t retain_graph); /* gradient nullable for scalars */
DFT_API dft_error* dft_grad(dft_tensor** out, const dft_tensor* tensor); /* *out stays NULL when no gradient exists */
DFT_API dft_error* dft_zero_grad(dft_tensor* tensor);                     /* drops the accumulated gradient */

#ifdef __cplusplus
}
#endif
#endif
