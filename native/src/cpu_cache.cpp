// A caching CPU allocator: large freed blocks are kept for reuse instead of being handed back to the OS.
//
// Why: glibc serves large blocks with mmap and unmaps them on free, so every big op page-faults a fresh
// output (a 3x3 conv on [5,64,128,128] measured 100-160 ms instead of 18-20 ms). Tuning malloc through
// MALLOC_* variables only works when set before the JVM starts, which a Fiji plugin cannot do. Blocks are
// kept in size classes (8 per power of two, so at most 12.5 % slack) up to a byte limit.
#include <c10/core/CPUAllocator.h>
#include <torch/version.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "internal.h"

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define DFT_ALLOCATE_CONST            // allocate() is non-const and copy_data() pure virtual since 2.3
#define DFT_NEEDS_COPY_DATA 1
#else
#define DFT_ALLOCATE_CONST const
#define DFT_NEEDS_COPY_DATA 0
#endif

namespace {

constexpr size_t kAlignment = 64;              // c10's own CPU alignment
constexpr size_t kSmallest = size_t{256} << 10;  // smaller blocks stay with glibc's arenas, which reuse them
constexpr uint8_t kPriority = 100;             // above libtorch's default registration

size_t size_class(size_t n) {
  size_t power = size_t{1} << (63 - __builtin_clzll(n));
  size_t step = power / 8;
  return (n + step - 1) / step * step;
}

// Data pointer and context are the same (the raw_deleter contract): some kernels (gelu's, for one)
// free through raw_deallocate(), so the deleter must take any CPU pointer, including the small blocks
// that were handed to the fallback allocator.
class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) DFT_ALLOCATE_CONST override {
    if (n < kSmallest) return fallback()->allocate(n);
    auto* self = const_cast<CachingCpuAllocator*>(this);
    void* ptr = self->take(size_class(n));
    return {ptr, ptr, &CachingCpuAllocator::give_back, c10::Device(c10::kCPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &CachingCpuAllocator::give_back; }

#if DFT_NEEDS_COPY_DATA
  void copy_data(void* dest, const void* src, std::size_t count) const override { std::memcpy(dest, src, count); }
#endif

  void enable(bool on) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fallback_ == nullptr) fallback_ = c10::GetCPUAllocator();
    c10::SetCPUAllocator(on ? static_cast<c10::Allocator*>(this) : fallback_, kPriority);
    enabled_ = on;
    if (!on) release_locked();
  }

  void set_limit(size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    limit_ = bytes;
    while (idle_bytes_ > limit_ && !idle_.empty()) evict_one_locked();
  }

  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    release_locked();
  }

  void stats(int64_t* out, int32_t capacity) {
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t values[] = {enabled_ ? 1 : 0, static_cast<int64_t>(idle_bytes_), hits_, misses_};
    for (int32_t i = 0; i < capacity && i < 4; i++) out[i] = values[i];
  }

  static CachingCpuAllocator& instance() {
    static CachingCpuAllocator* allocator = new CachingCpuAllocator();  // never destroyed: blocks outlive exit
    return *allocator;
  }

 private:
  c10::Allocator* fallback() const {
    return fallback_ != nullptr ? fallback_ : c10::GetDefaultCPUAllocator();
  }

  void* take(size_t size) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto it = idle_.find(size);
    if (it != idle_.end() && !it->second.empty()) {
      void* ptr = it->second.back();
      it->second.pop_back();
      idle_bytes_ -= size;
      hits_++;
      in_use_[ptr] = size;
      return ptr;
    }
    misses_++;
    lock.unlock();
    void* ptr = nullptr;
    if (posix_memalign(&ptr, kAlignment, size) != 0) {
      release();  // idle blocks of other sizes may be what stands in the way
      if (posix_memalign(&ptr, kAlignment, size) != 0) {
        TORCH_CHECK(false, "out of CPU memory: could not allocate ", size, " bytes");
      }
    }
    lock.lock();
    in_use_[ptr] = size;
    return ptr;
  }

  static void give_back(void* ptr) {
    if (ptr == nullptr) return;
    CachingCpuAllocator& self = instance();
    {
      std::lock_guard<std::mutex> lock(self.mutex_);
      auto it = self.in_use_.find(ptr);
      if (it == self.in_use_.end()) {
        // A small block from the fallback allocator, freed through raw_deallocate().
        self.fallback()->raw_deleter()(ptr);
        return;
      }
      size_t size = it->second;
      self.in_use_.erase(it);
      if (self.enabled_ && self.idle_bytes_ + size <= self.limit_) {
        self.idle_[size].push_back(ptr);
        self.idle_bytes_ += size;
        return;
      }
    }
    std::free(ptr);
  }

  void evict_one_locked() {
    for (auto& entry : idle_) {
      if (entry.second.empty()) continue;
      std::free(entry.second.back());
      entry.second.pop_back();
      idle_bytes_ -= entry.first;
      return;
    }
  }

  void release_locked() {
    for (auto& entry : idle_) {
      for (void* ptr : entry.second) std::free(ptr);
    }
    idle_.clear();
    idle_bytes_ = 0;
  }

  std::mutex mutex_;
  c10::Allocator* fallback_ = nullptr;
  bool enabled_ = false;
  size_t limit_ = size_t{1} << 30;
  size_t idle_bytes_ = 0;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
  std::unordered_map<size_t, std::vector<void*>> idle_;  // size class -> idle blocks
  std::unordered_map<void*, size_t> in_use_;              // large blocks handed out -> size class
};

}  // namespace

extern "C" {

dft_error* dft_cpu_cache_enable(int32_t enabled) {
  return dft::guarded([&] { CachingCpuAllocator::instance().enable(enabled != 0); });
}

void dft_cpu_cache_set_limit(int64_t bytes) {
  CachingCpuAllocator::instance().set_limit(bytes < 0 ? 0 : static_cast<size_t>(bytes));
}

void dft_cpu_cache_release(void) { CachingCpuAllocator::instance().release(); }

void dft_cpu_cache_stats(int64_t* out_stats, int32_t capacity) {
  if (out_stats != nullptr) CachingCpuAllocator::instance().stats(out_stats, capacity);
}

}  // extern "C"
