// Data parallelism over processes with libtorch's own distributed backend (c10d): a TCPStore for the rendezvous
// (rank 0 serves it), then a Gloo process group on the CPU or an NCCL one on a CUDA device. Gradients are averaged
// in buckets: each bucket is one flat copy of several tensors, all-reduced in one call, so a model of hundreds of
// small tensors costs a few calls.

#include "internal.h"

using dft::guarded;
using dft::need;

#if defined(DFT_WITH_GLOO) || defined(DFT_WITH_NCCL)
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef DFT_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef DFT_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <memory>
#include <vector>

namespace {

// The two collectives this project uses, over whichever c10d group the device chose. ProcessGroupGloo is a
// ProcessGroup in libtorch 1.x and a Backend in 2.x; both have these calls, so a template takes either.
struct Collectives {
  virtual ~Collectives() = default;
  virtual void broadcast(std::vector<at::Tensor>& tensors, int root) = 0;
  virtual void allreduce_sum(std::vector<at::Tensor>& tensors) = 0;
};

// The store's server without libuv: libtorch 2.4 made the libuv server the default, and a libtorch built without
// libuv (Debian's 2.6) then refuses every store ("use_libuv was requested but PyTorch was build without libuv
// support"). The classic one-thread server serves a few processes as well. Older libtorch has no such option.
template <class Options>
auto classic_store_server(Options& options, int) -> decltype(options.useLibUV = false, void()) {
  options.useLibUV = false;
}
template <class Options>
void classic_store_server(Options&, long) {}

template <class Group>
struct CollectivesOf final : Collectives {
  c10::intrusive_ptr<Group> group;
  explicit CollectivesOf(c10::intrusive_ptr<Group> g) : group(std::move(g)) {}
  void broadcast(std::vector<at::Tensor>& tensors, int root) override {
    ::c10d::BroadcastOptions options;
    options.rootRank = root;
    group->broadcast(tensors, options)->wait();
  }
  void allreduce_sum(std::vector<at::Tensor>& tensors) override { group->allreduce(tensors)->wait(); }
};

}  // namespace

struct dft_group {
  std::unique_ptr<Collectives> collectives;
  int32_t rank;
  int32_t world;
  at::Device device;
};

namespace {

const char* const NO_GLOO = "this build of the native library has no Gloo process group for data-parallel training on"
                            " the CPU: install libgloo-dev (Debian) and build native/ again (scripts/build-native)";
const char* const NO_NCCL = "this build of the native library has no NCCL process group for data-parallel training on"
                            " CUDA: build native/ against a CUDA libtorch 2.x with NCCL (its nccl.h found), or train"
                            " across processes on the CPU (--device cpu)";

void need_group(const dft_group* g) {
  if (g == nullptr || !g->collectives) throw std::invalid_argument("process group is NULL");
}

std::vector<at::Tensor> tensors_of(const dft_group* g, dft_tensor* const* tensors, int32_t count) {
  if (count < 0 || (count > 0 && tensors == nullptr)) throw std::invalid_argument("tensor list is NULL");
  std::vector<at::Tensor> out;
  out.reserve(count);
  for (int32_t i = 0; i < count; i++) {
    const at::Tensor& t = need(tensors[i], "tensors[i]");
    if (!t.is_contiguous()) throw std::invalid_argument("a tensor to share between processes is not contiguous");
    if (t.device() != g->device) {
      throw std::invalid_argument("a tensor on " + t.device().str() + ", but this process group shares tensors on "
                                  + g->device.str());
    }
    out.push_back(t);
  }
  return out;
}

std::unique_ptr<Collectives> gloo_group(const c10::intrusive_ptr<::c10d::Store>& store, const std::string& host,
                                        int32_t rank, int32_t world, std::chrono::milliseconds timeout) {
#ifdef DFT_WITH_GLOO
  auto options = ::c10d::ProcessGroupGloo::Options::create();
  options->timeout = timeout;
  options->devices.push_back(::c10d::ProcessGroupGloo::createDeviceForHostname(host));
  return std::make_unique<CollectivesOf<::c10d::ProcessGroupGloo>>(
      c10::make_intrusive<::c10d::ProcessGroupGloo>(store, rank, world, options));
#else
  throw std::runtime_error(NO_GLOO);
#endif
}

std::unique_ptr<Collectives> nccl_group(const c10::intrusive_ptr<::c10d::Store>& store, int32_t device, int32_t rank,
                                        int32_t world, std::chrono::milliseconds timeout) {
#ifdef DFT_WITH_NCCL
  int64_t devices = c10::cuda::device_count();
  if (device >= devices) {
    throw std::invalid_argument("CUDA device " + std::to_string(device) + " does not exist (this machine has "
                                + std::to_string(devices) + "): one process per device");
  }
  c10::cuda::set_device(static_cast<c10::DeviceIndex>(device));  // NCCL's communicator and streams on this device
  auto options = ::c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  return std::make_unique<CollectivesOf<::c10d::ProcessGroupNCCL>>(
      c10::make_intrusive<::c10d::ProcessGroupNCCL>(store, rank, world, options));
#else
  throw std::runtime_error(NO_NCCL);
#endif
}

}  // namespace

extern "C" {

int32_t dft_group_backends(void) {
  int32_t backends = 0;
#ifdef DFT_WITH_GLOO
  backends |= DFT_GROUP_GLOO;
#endif
#ifdef DFT_WITH_NCCL
  backends |= DFT_GROUP_NCCL;
#endif
  return backends;
}

dft_error* dft_group_new(dft_group** out, const char* host, int32_t port, int32_t rank, int32_t world, int64_t timeout_ms,
                         int32_t cuda_device) {
  return guarded([&] {
    if (out == nullptr) throw std::invalid_argument("output pointer is NULL");
    *out = nullptr;
    if (host == nullptr) throw std::invalid_argument("host is NULL");
    if (world < 1 || rank < 0 || rank >= world) {
      throw std::invalid_argument("rank " + std::to_string(rank) + " of " + std::to_string(world) + " processes");
    }
    if (port < 1 || port > 65535) throw std::invalid_argument("port " + std::to_string(port) + " is not 1 to 65535");
    if (timeout_ms < 1) throw std::invalid_argument("the timeout must be positive");
    if (cuda_device < -1) throw std::invalid_argument("CUDA device " + std::to_string(cuda_device) + " (-1: the CPU)");
    // the backend is known to exist before this process waits for the others at the rendezvous
    if ((dft_group_backends() & (cuda_device < 0 ? DFT_GROUP_GLOO : DFT_GROUP_NCCL)) == 0) {
      throw std::runtime_error(cuda_device < 0 ? NO_GLOO : NO_NCCL);
    }
    auto timeout = std::chrono::milliseconds(timeout_ms);
    ::c10d::TCPStoreOptions options;
    options.port = static_cast<uint16_t>(port);
    options.isServer = rank == 0;
    options.numWorkers = world;
    options.waitWorkers = true;
    options.timeout = timeout;
    classic_store_server(options, 0);
    auto store = c10::make_intrusive<::c10d::TCPStore>(std::string(host), options);
    auto prefixed = c10::make_intrusive<::c10d::PrefixStore>("dicface", store);
    std::unique_ptr<Collectives> collectives = cuda_device < 0 ? gloo_group(prefixed, host, rank, world, timeout)
                                                               : nccl_group(prefixed, cuda_device, rank, world, timeout);
    at::Device device = cuda_device < 0 ? at::Device(at::kCPU)
                                        : at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(cuda_device));
    *out = new dft_group{std::move(collectives), rank, world, device};
  });
}

void dft_group_free(dft_group* group) { delete group; }

dft_error* dft_group_broadcast(dft_group* group, dft_tensor* const* tensors, int32_t count, int32_t root) {
  return guarded([&] {
    need_group(group);
    if (root < 0 || root >= group->world) throw std::invalid_argument("root " + std::to_string(root) + " is no rank");
    at::NoGradGuard no_grad;
    for (at::Tensor& t : tensors_of(group, tensors, count)) {
      std::vector<at::Tensor> one{t};
      group->collectives->broadcast(one, root);
    }
  });
}

dft_error* dft_group_allreduce_mean(dft_group* group, dft_tensor* const* tensors, int32_t count, int64_t bucket_bytes) {
  return guarded([&] {
    need_group(group);
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> all = tensors_of(group, tensors, count);
    size_t start = 0;
    while (start < all.size()) {
      // a bucket: consecutive tensors of one dtype, up to bucket_bytes (at least one tensor)
      size_t end = start + 1;
      int64_t bytes = all[start].nbytes();
      while (end < all.size() && all[end].scalar_type() == all[start].scalar_type()
             && bytes + static_cast<int64_t>(all[end].nbytes()) <= bucket_bytes) {
        bytes += all[end].nbytes();
        end++;
      }
      std::vector<at::Tensor> flat_parts;
      for (size_t i = start; i < end; i++) flat_parts.push_back(all[i].reshape({-1}));
      std::vector<at::Tensor> bucket{at::cat(flat_parts)};
      group->collectives->allreduce_sum(bucket);  // NCCL: the current stream waits for it, so what follows is ordered
      bucket[0].div_(group->world);
      int64_t offset = 0;
      for (size_t i = start; i < end; i++) {
        int64_t n = all[i].numel();
        all[i].view({-1}).copy_(bucket[0].narrow(0, offset, n));
        offset += n;
      }
      start = end;
    }
  });
}

dft_error* dft_group_barrier(dft_group* group) {
  return guarded([&] {
    need_group(group);
    // an all-reduce returns to no process before every process has joined it; unlike NCCL's barrier it needs no
    // guess of the device
    std::vector<at::Tensor> one{at::zeros({1}, at::TensorOptions().device(group->device))};
    group->collectives->allreduce_sum(one);
    (void)one[0].item<float>();  // the host waits too
  });
}

}  // extern "C"

#else  // built without any c10d process group

namespace {
void no_c10d() {
  throw std::runtime_error("this build of the native library has no data-parallel training: install libgloo-dev"
                           " (Debian) and build native/ again (scripts/build-native)");
}
}  // namespace

struct dft_group {};

extern "C" {
int32_t dft_group_backends(void) { return 0; }
dft_error* dft_group_new(dft_group** out, const char*, int32_t, int32_t, int32_t, int64_t, int32_t) {
  return guarded([&] { if (out != nullptr) *out = nullptr; no_c10d(); });
}
void dft_group_free(dft_group* group) { delete group; }
dft_error* dft_group_broadcast(dft_group*, dft_tensor* const*, int32_t, int32_t) { return guarded([&] { no_c10d(); }); }
dft_error* dft_group_allreduce_mean(dft_group*, dft_tensor* const*, int32_t, int64_t) { return guarded([&] { no_c10d(); }); }
dft_error* dft_group_barrier(dft_group*) { return guarded([&] { no_c10d(); }); }
}  // extern "C"

#endif
