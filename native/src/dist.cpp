// Data parallelism over processes with libtorch's own distributed backend (c10d): a TCPStore for the rendezvous
// (rank 0 serves it) and a Gloo process group on the CPU. Gradients are averaged in buckets: each bucket is one
// flat copy of several tensors, all-reduced in one call, so a model of hundreds of small tensors costs a few calls.

#include "internal.h"

using dft::guarded;
using dft::need;

#ifdef DFT_WITH_C10D
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <vector>

struct dft_group {
  c10::intrusive_ptr<::c10d::ProcessGroupGloo> group;
  int32_t rank;
  int32_t world;
};

namespace {

std::vector<at::Tensor> tensors_of(dft_tensor* const* tensors, int32_t count) {
  if (count < 0 || (count > 0 && tensors == nullptr)) throw std::invalid_argument("tensor list is NULL");
  std::vector<at::Tensor> out;
  out.reserve(count);
  for (int32_t i = 0; i < count; i++) {
    const at::Tensor& t = need(tensors[i], "tensors[i]");
    if (!t.is_contiguous()) throw std::invalid_argument("a tensor to share between processes is not contiguous");
    if (!t.device().is_cpu()) throw std::invalid_argument("data parallelism runs on the CPU with Gloo in this build");
    out.push_back(t);
  }
  return out;
}

void need_group(const dft_group* g) {
  if (g == nullptr || !g->group) throw std::invalid_argument("process group is NULL");
}

}  // namespace

extern "C" {

dft_error* dft_group_new(dft_group** out, const char* host, int32_t port, int32_t rank, int32_t world, int64_t timeout_ms) {
  return guarded([&] {
    if (out == nullptr) throw std::invalid_argument("output pointer is NULL");
    *out = nullptr;
    if (host == nullptr) throw std::invalid_argument("host is NULL");
    if (world < 1 || rank < 0 || rank >= world) {
      throw std::invalid_argument("rank " + std::to_string(rank) + " of " + std::to_string(world) + " processes");
    }
    if (port < 1 || port > 65535) throw std::invalid_argument("port " + std::to_string(port) + " is not 1 to 65535");
    if (timeout_ms < 1) throw std::invalid_argument("the timeout must be positive");
    auto timeout = std::chrono::milliseconds(timeout_ms);
    ::c10d::TCPStoreOptions options;
    options.port = static_cast<uint16_t>(port);
    options.isServer = rank == 0;
    options.numWorkers = world;
    options.waitWorkers = true;
    options.timeout = timeout;
    auto store = c10::make_intrusive<::c10d::TCPStore>(std::string(host), options);
    auto gloo = ::c10d::ProcessGroupGloo::Options::create();
    gloo->timeout = timeout;
    gloo->devices.push_back(::c10d::ProcessGroupGloo::createDeviceForHostname(host));
    auto prefixed = c10::make_intrusive<::c10d::PrefixStore>("dicface", store);
    auto group = c10::make_intrusive<::c10d::ProcessGroupGloo>(prefixed, rank, world, gloo);
    *out = new dft_group{group, rank, world};
  });
}

void dft_group_free(dft_group* group) { delete group; }

dft_error* dft_group_broadcast(dft_group* group, dft_tensor* const* tensors, int32_t count, int32_t root) {
  return guarded([&] {
    need_group(group);
    if (root < 0 || root >= group->world) throw std::invalid_argument("root " + std::to_string(root) + " is no rank");
    at::NoGradGuard no_grad;
    for (at::Tensor& t : tensors_of(tensors, count)) {
      std::vector<at::Tensor> one{t};
      ::c10d::BroadcastOptions options;
      options.rootRank = root;
      group->group->broadcast(one, options)->wait();
    }
  });
}

dft_error* dft_group_allreduce_mean(dft_group* group, dft_tensor* const* tensors, int32_t count, int64_t bucket_bytes) {
  return guarded([&] {
    need_group(group);
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> all = tensors_of(tensors, count);
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
      group->group->allreduce(bucket)->wait();
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
    group->group->barrier()->wait();
  });
}

}  // extern "C"

#else  // built without Gloo's headers

namespace {
void no_c10d() {
  throw std::runtime_error("this build of the native library has no data-parallel training: install libgloo-dev"
                           " (Debian) and build native/ again (scripts/build-native)");
}
}  // namespace

struct dft_group {};

extern "C" {
dft_error* dft_group_new(dft_group** out, const char*, int32_t, int32_t, int32_t, int64_t) {
  return guarded([&] { if (out != nullptr) *out = nullptr; no_c10d(); });
}
void dft_group_free(dft_group* group) { delete group; }
dft_error* dft_group_broadcast(dft_group*, dft_tensor* const*, int32_t, int32_t) { return guarded([&] { no_c10d(); }); }
dft_error* dft_group_allreduce_mean(dft_group*, dft_tensor* const*, int32_t, int64_t) { return guarded([&] { no_c10d(); }); }
dft_error* dft_group_barrier(dft_group*) { return guarded([&] { no_c10d(); }); }
}  // extern "C"

#endif
