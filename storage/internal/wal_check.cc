#include "storage/internal/wal_check.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace clicktrack::storage_internal {
namespace {

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;           // crc (4), length (2), type (1)
constexpr size_t kRecycledHeaderSize = 11;  // … and the log number (4)
constexpr uint8_t kFirstRecycledType = 5;
constexpr uint8_t kLastRecycledType = 8;
constexpr uint32_t kMaskDelta = 0xa282ead8;

// CRC-32C (Castagnoli), bit-reflected, as RocksDB computes it.
uint32_t Crc32c(uint32_t crc, const uint8_t* data, size_t size) {
  static const std::array<uint32_t, 256> kTable = [] {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t value = i;
      for (int bit = 0; bit < 8; ++bit) {
        value = (value >> 1) ^ ((value & 1) != 0 ? 0x82F63B78u : 0u);
      }
      table[i] = value;
    }
    return table;
  }();
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) {
    crc = kTable[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  }
  return ~crc;
}

uint32_t Unmask(uint32_t masked) {
  const uint32_t rotated = masked - kMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}

uint32_t LittleEndian32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// The offset and reason of the first damaged record in `bytes`, or nullopt. A record cut off
// by the end of the file is a torn tail, not damage.
std::optional<std::pair<size_t, std::string>> FirstDamage(const std::vector<uint8_t>& bytes) {
  size_t offset = 0;
  while (offset < bytes.size()) {
    const size_t block_end = std::min(bytes.size(), (offset / kBlockSize + 1) * kBlockSize);
    if (block_end - offset < kHeaderSize) {
      offset = block_end;  // the block's trailer, zero-filled
      continue;
    }
    const uint8_t* header = bytes.data() + offset;
    const size_t length = size_t{header[4]} | size_t{header[5]} << 8;
    const uint8_t type = header[6];
    if (type == 0 && length == 0) {
      return std::nullopt;  // preallocated space: the end of what was written
    }
    const size_t header_size =
        type >= kFirstRecycledType && type <= kLastRecycledType ? kRecycledHeaderSize : kHeaderSize;
    if (offset + header_size + length > block_end) {
      if (block_end == bytes.size()) {
        return std::nullopt;  // torn tail
      }
      return std::make_pair(offset, std::string("record length past its block"));
    }
    // The checksum covers the type, the log number of a recycled record, and the payload.
    const uint32_t actual = Crc32c(0, header + 6, header_size - 6 + length);
    if (actual != Unmask(LittleEndian32(header))) {
      if (offset + header_size + length == bytes.size()) {
        return std::nullopt;  // a torn last record
      }
      return std::make_pair(offset, std::string("checksum mismatch"));
    }
    offset += header_size + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FindWalDamage(absl::string_view dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> logs;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(std::string(dir), ec)) {
    if (absl::EndsWith(entry.path().filename().string(), ".log")) {
      logs.push_back(entry.path());
    }
  }
  std::sort(logs.begin(), logs.end());  // numbered with leading zeros: oldest first
  for (const fs::path& log : logs) {
    std::ifstream in(log, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    if (const auto damage = FirstDamage(bytes)) {
      return absl::StrCat(log.string(), " at byte ", damage->first, ": ", damage->second);
    }
  }
  return std::nullopt;
}

}  // namespace clicktrack::storage_internal
