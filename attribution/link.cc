#include "attribution/link.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace clicktrack::attribution {

RedirectTemplate::RedirectTemplate(absl::string_view destination) {
  if (destination.find(kClickIdMacro) != absl::string_view::npos) {
    pieces_ = absl::StrSplit(destination, kClickIdMacro);
    bare_ = absl::StrJoin(pieces_, "");
  } else {
    bare_ = std::string(destination);
    const size_t hash = destination.find('#');
    const absl::string_view fragment =
        hash == absl::string_view::npos ? absl::string_view() : destination.substr(hash);
    const absl::string_view before_fragment = destination.substr(0, hash);
    const size_t question = before_fragment.find('?');
    std::string head(before_fragment.substr(0, question));
    head.push_back('?');
    if (question != absl::string_view::npos) {
      for (absl::string_view param :
           absl::StrSplit(before_fragment.substr(question + 1), '&', absl::SkipEmpty())) {
        const absl::string_view key = param.substr(0, param.find('='));
        if (key == "click_id") {
          continue;
        }
        head.append(param.data(), param.size());
        head.push_back('&');
      }
    }
    head.append("click_id=");
    pieces_ = {std::move(head), std::string(fragment)};
  }
  for (const std::string& piece : pieces_) {
    fixed_size_ += piece.size();
  }
}

std::string RedirectTemplate::Expand(absl::string_view click_id) const {
  std::string out;
  AppendTo(click_id, out);
  return out;
}

void RedirectTemplate::AppendTo(absl::string_view click_id, std::string& out) const {
  out.reserve(out.size() + fixed_size_ + click_id.size() * (pieces_.size() - 1));
  for (size_t i = 0; i < pieces_.size(); ++i) {
    if (i > 0) {
      out.append(click_id.data(), click_id.size());
    }
    out.append(pieces_[i]);
  }
}

}  // namespace clicktrack::attribution
