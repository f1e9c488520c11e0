#include "tracker/importer/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

// An unlinked file holding `content`.
int FileWith(const std::string& content) {
  const int fd = open(testing::TempDir().c_str(), O_TMPFILE | O_RDWR, 0600);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  return fd;
}

struct Seen {
  int64_t number;
  uint64_t offset;
  std::string text;
  bool too_long;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> ReadAll(const std::string& content, size_t max_size) {
  const int fd = FileWith(content);
  LineReader reader(fd, max_size);
  std::vector<Seen> seen;
  FileLine line;
  while (*reader.Next(line)) {
    seen.push_back({line.number, line.offset, std::string(line.text), line.too_long});
  }
  close(fd);
  return seen;
}

TEST(LineReaderTest, SplitsLinesWithTheirNumbersAndOffsets) {
  EXPECT_EQ(ReadAll("a\nbb\r\n\nccc", 10),
            (std::vector<Seen>{
                {1, 0, "a", false}, {2, 2, "bb", false}, {3, 6, "", false}, {4, 7, "ccc", false}}));
  EXPECT_EQ(ReadAll("a\n", 10), (std::vector<Seen>{{1, 0, "a", false}}));
  EXPECT_TRUE(ReadAll("", 10).empty());
}

TEST(LineReaderTest, MarksLinesOverTheLimitAndGoesOn) {
  const std::string big(3 << 20, 'x');  // spans several reads
  EXPECT_EQ(ReadAll("ok\n" + big + "\nafter\n" + big, 1000),
            (std::vector<Seen>{{1, 0, "ok", false},
                               {2, 3, "", true},
                               {3, 4 + big.size(), "after", false},
                               {4, 10 + big.size(), "", true}}));
  const std::string edge(1000, 'y');  // exactly the limit is fine
  EXPECT_EQ(ReadAll(edge + "\n" + edge + "z", 1000),
            (std::vector<Seen>{{1, 0, edge, false}, {2, 1001, "", true}}));
}

TEST(LineReaderTest, ReadsALineAgainByItsOffset) {
  const int fd = FileWith("first\nsecond\n");
  EXPECT_EQ(*LineReader::ReadAt(fd, 6, 6), "second");
  EXPECT_FALSE(LineReader::ReadAt(fd, 10, 10).ok());
  close(fd);
}

}  // namespace
}  // namespace clicktrack::tracker
