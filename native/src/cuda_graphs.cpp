// CUDA graphs of fixed-shape steps, and host-to-device copies through pinned memory.
#include <memory>
#include <mutex>

#ifdef DFT_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include "internal.h"

namespace dft {

std::atomic<bool> redirecting{false};
static std::atomic<bool> pinned_copies{true};
static std::mutex redirect_mutex;
static std::optional<c10::Stream> redirect_to;

std::optional<c10::Stream> redirected_stream() {
  std::lock_guard<std::mutex> lock(redirect_mutex);
  return redirect_to;
}

static void redirect(std::optional<c10::Stream> stream) {
  std::lock_guard<std::mutex> lock(redirect_mutex);
  redirect_to = stream;
  redirecting.store(stream.has_value(), std::memory_order_release);
}

at::Tensor to_device(const at::Tensor& t, at::Device target, at::ScalarType type) {
#ifdef DFT_WITH_CUDA
  if (pinned_copies && target.is_cuda() && t.device().is_cpu() && !t.requires_grad()) {
    // Converted on the CPU first (a converting copy would stage through pageable memory again), then copied into
    // pinned memory (no handle of this API is pinned, so never the caller's buffer, which it may change or free at
    // once): the copy to the device is then queued without waiting for the device, in stream order with everything
    // after it. libtorch's host allocator keeps the pinned block until the copy is done.
    at::Tensor source = t.to(type).contiguous();
    at::Tensor pinned;
    try {
      pinned = source.pin_memory();
    } catch (const c10::Error&) {
      (void)cudaGetLastError();  // pinning can fail (a locked-memory limit): a plain copy, and no error left behind
      return source.to(target, type);
    }
    return pinned.to(target, type, /*non_blocking=*/true);
  }
#endif
  return t.to(target, type);
}

}  // namespace dft

using namespace dft;

#ifdef DFT_WITH_CUDA
struct dft_graph {
  c10::DeviceIndex device;
  at::cuda::CUDAStream stream;  // captures need a stream other than the default one
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  bool open = false, capturing = false, captured = false;
};

namespace {
// Work on `from` finishes before work queued on `to` after this call.
void order(const at::cuda::CUDAStream& from, const at::cuda::CUDAStream& to) {
  at::cuda::CUDAEvent done;
  done.record(from);
  done.block(to);
}

// Ends what dft_graph_begin began; the redirection is undone first, so a failed capture leaves nothing behind.
void end_graph(dft_graph* g) {
  redirect(std::nullopt);
  g->open = false;
  c10::cuda::CUDAGuard device_guard(g->device);
  at::cuda::CUDAStream normal = at::cuda::getDefaultCUDAStream(g->device);
  if (g->capturing) {
    g->capturing = false;
    at::cuda::CUDAStreamGuard on(g->stream);
    g->graph->capture_end();
    g->captured = true;
  }
  order(g->stream, normal);
}
}  // namespace
#else
struct dft_graph {};
#endif

extern "C" {

int32_t dft_cuda_graphs_available(void) {
#ifdef DFT_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

dft_error* dft_graph_new(dft_graph** out, int32_t device_index) {
  return guarded([&] {
    need_out(out);
#ifdef DFT_WITH_CUDA
    TORCH_CHECK(at::hasCUDA() && device_index >= 0 && device_index < static_cast<int32_t>(at::getNumGPUs()),
                "no CUDA device ", device_index);
    auto device = static_cast<c10::DeviceIndex>(device_index);
    c10::cuda::CUDAGuard device_guard(device);
    *out = new dft_graph{device, at::cuda::getStreamFromPool(false, device), std::make_unique<at::cuda::CUDAGraph>()};
#else
    throw std::runtime_error("CUDA graphs need a CUDA build of the native library; this one has no CUDA");
#endif
  });
}

dft_error* dft_graph_begin(dft_graph* graph, int32_t capture) {
  return guarded([&] {
    if (graph == nullptr) throw std::invalid_argument("graph is NULL");
#ifdef DFT_WITH_CUDA
    TORCH_CHECK(!redirecting.load(), "a graph is already begun (one at a time per process)");
    TORCH_CHECK(!(capture && graph->captured), "the graph is already captured");
    c10::cuda::CUDAGuard device_guard(graph->device);
    order(at::cuda::getDefaultCUDAStream(graph->device), graph->stream);  // the inputs are made on the default stream
    if (capture) {
      at::cuda::CUDAStreamGuard on(graph->stream);
      graph->graph->capture_begin();
    }
    graph->open = true;
    graph->capturing = capture != 0;
    redirect(c10::Stream(graph->stream));
#endif
  });
}

dft_error* dft_graph_end(dft_graph* graph) {
  return guarded([&] {
    if (graph == nullptr) throw std::invalid_argument("graph is NULL");
#ifdef DFT_WITH_CUDA
    TORCH_CHECK(graph->open, "the graph was not begun");
    end_graph(graph);
#endif
  });
}

dft_error* dft_graph_replay(dft_graph* graph) {
  return guarded([&] {
    if (graph == nullptr) throw std::invalid_argument("graph is NULL");
#ifdef DFT_WITH_CUDA
    TORCH_CHECK(graph->captured, "the graph has not been captured");
    TORCH_CHECK(!redirecting.load(), "a graph is being captured: replay after dft_graph_end");
    c10::cuda::CUDAGuard device_guard(graph->device);
    graph->graph->replay();  // on the default stream, like every other call
#endif
  });
}

void dft_graph_free(dft_graph* graph) {
  if (graph == nullptr) return;
#ifdef DFT_WITH_CUDA
  if (graph->open) {
    try {
      end_graph(graph);
    } catch (...) {  // a free reports nothing; the redirection is undone either way
    }
  }
#endif
  delete graph;
}

dft_error* dft_set_pinned_copies(int32_t enabled) {
  return guarded([&] { pinned_copies = enabled != 0; });
}

int32_t dft_get_pinned_copies(void) { return pinned_copies ? 1 : 0; }

}  // extern "C"
