#include "attribution/base/utf8.h"

#include "gtest/gtest.h"

namespace clicktrack::base {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9"));                 // é
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));                // €
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));            // 😀
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));            // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(absl::string_view("a\0b", 3)));  // NUL is a character
}

TEST(Utf8Test, RefusesWhatRfc3629Forbids) {
  EXPECT_FALSE(IsValidUtf8("caf\xE9"));  // Latin-1
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // cut short
  EXPECT_FALSE(IsValidUtf8("\x80"));              // a lone continuation byte
}

TEST(Utf8Test, ReplacesEachMaximalInvalidSubpart) {
  EXPECT_EQ(ToValidUtf8("caf\xE9"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  // E2 82 is the start of a 3-byte character cut short: one replacement.
  EXPECT_EQ(ToValidUtf8("\xE2\x82x"), "\xEF\xBF\xBDx");
  // C0 can begin nothing, AF continues nothing: two replacements.
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xF4\x90\x80\x80\xFF\xED\xA0\x80")));
}

}  // namespace
}  // namespace clicktrack::base
