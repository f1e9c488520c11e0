#pragma once

// Partner links: code -> (program, partner, destination), and how a destination becomes the
// Location of a redirect.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace clicktrack::attribution {

struct Link {
  std::string code;
  std::string program_id;
  std::string partner_id;
  std::string destination;
  bool active = true;
  absl::Time created_at = absl::UnixEpoch();
};

inline constexpr absl::string_view kClickIdMacro = "{click_id}";

// The Location of a redirect, precomputed once per link so that a redirect only splices the
// click id in. Built from a destination that has already been validated as an http(s) URL.
//
// If the destination holds the macro "{click_id}", every macro is replaced by the id.
// Otherwise "click_id=<id>" becomes the last query parameter: any click_id parameter already
// there is removed, and a "#fragment" stays last.
class RedirectTemplate {
 public:
  explicit RedirectTemplate(absl::string_view destination);

  // The Location for `click_id`. Allocates once (the result).
  std::string Expand(absl::string_view click_id) const;
  // Appends the Location for `click_id` to `out` (no allocation if `out` has capacity).
  void AppendTo(absl::string_view click_id, std::string& out) const;
  // The destination without a click id: the configured URL, or with macros emptied.
  const std::string& bare() const { return bare_; }

 private:
  std::vector<std::string> pieces_;  // the click id goes between consecutive pieces
  std::string bare_;
  size_t fixed_size_ = 0;
};

}  // namespace clicktrack::attribution
