#pragma once

// The lines of a file read front to back through one buffer, so that a file of any size needs
// only the buffer. A line ends at "\n"; a "\r" before it is dropped.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

struct FileLine {
  int64_t number = 0;      // from 1
  uint64_t offset = 0;     // of its first byte in the file
  absl::string_view text;  // valid until the next Next(); empty when too_long
  bool too_long = false;   // over the reader's max_size: its text is not kept
};

class LineReader {
 public:
  LineReader(int fd, size_t max_size);

  // The next line into `line`: false at the end of the file; kInternal when reading fails.
  absl::StatusOr<bool> Next(FileLine& line);

  // The bytes [offset, offset + size) of the file (a line Next() returned before).
  static absl::StatusOr<std::string> ReadAt(int fd, uint64_t offset, size_t size);

 private:
  // Reads more after the unread bytes; false at the end of the file.
  absl::StatusOr<bool> Fill();

  const int fd_;
  const size_t max_size_;
  std::string buffer_;
  size_t begin_ = 0;            // unread bytes are [begin_, buffer_.size())
  uint64_t buffer_offset_ = 0;  // the file offset of buffer_[0]
  uint64_t file_offset_ = 0;    // where the next read starts
  int64_t number_ = 0;
  bool eof_ = false;
};

}  // namespace clicktrack::tracker
