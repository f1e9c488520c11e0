#pragma once

// The errors of storage/store.h, one function each, so that every implementation of a role
// (RocksDB, the in-memory store) answers with the same words.

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

#include "attribution/ids.h"

namespace clicktrack::storage {

inline absl::Status ProgramNotFound(absl::string_view program_id) {
  return absl::NotFoundError(absl::StrCat("program ", program_id, " not found"));
}
inline absl::Status PartnerNotFound(absl::string_view partner_id) {
  return absl::NotFoundError(absl::StrCat("partner ", partner_id, " not found"));
}
inline absl::Status PartnerTokenNotFound(absl::string_view token_id) {
  return absl::NotFoundError(absl::StrCat("token ", token_id, " not found"));
}
inline absl::Status LinkNotFound(absl::string_view code) {
  return absl::NotFoundError(absl::StrCat("link ", code, " not found"));
}
inline absl::Status ClickNotFound(const attribution::Ulid& click_id) {
  return absl::NotFoundError(absl::StrCat("click ", click_id.ToString(), " not found"));
}
inline absl::Status CustomerNotFound(const attribution::Ulid& customer) {
  return absl::NotFoundError(absl::StrCat("customer ", customer.ToString(), " not found"));
}
inline absl::Status NoCustomerWithRef(absl::string_view customer_ref) {
  return absl::NotFoundError(absl::StrCat("no customer with ref ", customer_ref));
}
inline absl::Status OrderNotFound(absl::string_view order_id) {
  return absl::NotFoundError(absl::StrCat("order ", order_id, " not found"));
}
inline absl::Status LinkCodeTaken(absl::string_view code) {
  return absl::AlreadyExistsError(absl::StrCat("link code ", code, " is taken"));
}
// A program with conversions keeps its currency: amounts, stats and ledger are in it.
inline absl::Status CurrencyChangeRefused(absl::string_view from, absl::string_view to) {
  return absl::FailedPreconditionError(absl::StrCat("currency: the program has conversions in ",
                                                    from, "; it cannot change to ", to,
                                                    " (create a new program instead)"));
}

}  // namespace clicktrack::storage
