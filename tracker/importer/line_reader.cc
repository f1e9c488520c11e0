#include "tracker/importer/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace clicktrack::tracker {
namespace {

constexpr size_t kReadSize = 1 << 20;

absl::Status ReadError() {
  return absl::InternalError(absl::StrCat("cannot read the import: ", strerror(errno)));
}

}  // namespace

LineReader::LineReader(int fd, size_t max_size) : fd_(fd), max_size_(max_size) {}

absl::StatusOr<bool> LineReader::Fill() {
  if (eof_) {
    return false;
  }
  buffer_.erase(0, begin_);
  buffer_offset_ += begin_;
  begin_ = 0;
  const size_t kept = buffer_.size();
  buffer_.resize(kept + kReadSize);
  ssize_t got;
  do {
    got = pread(fd_, buffer_.data() + kept, kReadSize, static_cast<off_t>(file_offset_));
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    return ReadError();
  }
  buffer_.resize(kept + static_cast<size_t>(got));
  file_offset_ += static_cast<uint64_t>(got);
  eof_ = got == 0;
  return !eof_;
}

absl::StatusOr<bool> LineReader::Next(FileLine& line) {
  line = FileLine{.number = ++number_, .offset = buffer_offset_ + begin_};
  size_t searched = begin_;
  for (;;) {
    const size_t end = buffer_.find('\n', searched);
    if (end != std::string::npos) {
      absl::string_view text(buffer_.data() + begin_, end - begin_);
      begin_ = end + 1;
      if (!text.empty() && text.back() == '\r') {
        text.remove_suffix(1);
      }
      if (!line.too_long) {
        line.too_long = text.size() > max_size_;
        line.text = line.too_long ? absl::string_view() : text;
      }
      return true;
    }
    if (buffer_.size() - begin_ > max_size_ + 1) {
      line.too_long = true;  // drop what is read of it, and look on for its end
      begin_ = buffer_.size();
    }
    const size_t unread = buffer_.size() - begin_;
    absl::StatusOr<bool> more = Fill();
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      if (unread == 0 && !line.too_long) {
        --number_;
        return false;  // the file ended with a line break
      }
      absl::string_view text(buffer_.data() + begin_, buffer_.size() - begin_);
      begin_ = buffer_.size();
      line.too_long = line.too_long || text.size() > max_size_;
      line.text = line.too_long ? absl::string_view() : text;
      return true;
    }
    searched = begin_ + unread;
  }
}

absl::StatusOr<std::string> LineReader::ReadAt(int fd, uint64_t offset, size_t size) {
  std::string bytes(size, '\0');
  for (size_t done = 0; done < size;) {
    const ssize_t got =
        pread(fd, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return got == 0 ? absl::InternalError("the import file shrank while it was read")
                      : ReadError();
    }
    done += static_cast<size_t>(got);
  }
  return bytes;
}

}  // namespace clicktrack::tracker
