#pragma once

// Allocation for Asio handlers without a heap allocation per request.

#include <cstddef>
#include <new>

namespace clicktrack::tracker::http_internal {

// Memory for a session's one outstanding operation of a kind (it never has two reads or two
// writes in flight). Asio's per-thread recycling keeps only a few freed blocks, so with dozens
// of sessions answering in bursts every response allocated its write operation; with a slot
// per session nothing is allocated per request. Asio moves the handler (which owns the
// session, and so the slot) out of the operation before it frees the memory.
class HandlerSlot {
 public:
  void* Allocate(std::size_t size) {
    if (!in_use_ && size <= sizeof(storage_)) {
      in_use_ = true;
      return storage_;
    }
    return ::operator new(size);  // larger than any of our operations: kept correct anyway
  }
  void Deallocate(void* pointer) {
    if (pointer == storage_) {
      in_use_ = false;
    } else {
      ::operator delete(pointer);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[512];
  bool in_use_ = false;
};

template <typename T>
class SlotAllocator {
 public:
  using value_type = T;  // NOLINT(readability-identifier-naming): the Allocator requirements
  explicit SlotAllocator(HandlerSlot& slot) noexcept : slot_(&slot) {}
  template <typename U>
  SlotAllocator(const SlotAllocator<U>& other) noexcept : slot_(other.slot()) {}  // NOLINT

  T* allocate(std::size_t n) { return static_cast<T*>(slot_->Allocate(sizeof(T) * n)); }
  void deallocate(T* pointer, std::size_t /*n*/) noexcept { slot_->Deallocate(pointer); }
  HandlerSlot* slot() const noexcept { return slot_; }
  friend bool operator==(const SlotAllocator& a, const SlotAllocator& b) noexcept {
    return a.slot_ == b.slot_;
  }

 private:
  HandlerSlot* slot_;
};

}  // namespace clicktrack::tracker::http_internal
