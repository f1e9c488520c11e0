#pragma once

// Invariant checks. Never use these on untrusted input: bad input is an absl::Status
// (kInvalidArgument), a broken invariant is a bug and stops the process.

#include <cstdio>
#include <cstdlib>

#define CLICKTRACK_CHECK(condition)                                                            \
  do {                                                                                         \
    if (!(condition)) [[unlikely]] {                                                           \
      std::fprintf(stderr, "{\"level\":\"critical\",\"msg\":\"check failed: %s at %s:%d\"}\n", \
                   #condition, __FILE__, __LINE__);                                            \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)

#ifdef NDEBUG
#define CLICKTRACK_DCHECK(condition) \
  do {                               \
  } while (false && (condition))
#else
#define CLICKTRACK_DCHECK(condition) CLICKTRACK_CHECK(condition)
#endif
