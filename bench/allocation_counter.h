#pragma once

// Counts every allocation of the binary it is linked into (it replaces the global operator
// new), so that a benchmark can report how many one operation makes.

#include <cstdint>

namespace clicktrack {

uint64_t AllocationCount();

}  // namespace clicktrack
