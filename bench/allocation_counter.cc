#include "bench/allocation_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

// In a file of its own: callers never see these definitions inlined next to their own.
namespace {
std::atomic<uint64_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* pointer = std::malloc(size == 0 ? 1 : size)) {
    return pointer;
  }
  throw std::bad_alloc();
}
void operator delete(void* pointer) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t /*size*/) noexcept { std::free(pointer); }

namespace clicktrack {

uint64_t AllocationCount() { return allocations.load(std::memory_order_relaxed); }

}  // namespace clicktrack
