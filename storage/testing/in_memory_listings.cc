// InMemoryStore's listings (programs, a partner's links) and partner tokens.

#include <algorithm>

#include "storage/store_errors.h"
#include "storage/testing/in_memory_store.h"

namespace clicktrack::storage {

std::vector<storage::ConfigStore::ProgramRef> InMemoryStore::ListPrograms() const {
  std::lock_guard lock(mu_);
  std::vector<ProgramRef> out;
  for (const auto& [id, program] : programs_) {
    out.push_back(program);
  }
  return out;
}

std::vector<attribution::Link> InMemoryStore::ListLinks(absl::string_view program_id,
                                                        absl::string_view partner_id) const {
  std::lock_guard lock(mu_);
  std::vector<attribution::Link> out;
  for (const auto& [code, cached] : links_) {
    if (cached.link.program_id == program_id && cached.link.partner_id == partner_id) {
      out.push_back(cached.link);
    }
  }
  return out;
}

absl::Status InMemoryStore::CreatePartnerToken(const storage::PartnerToken& token) {
  if (absl::Status found = GetPartner(token.program_id, token.partner_id).status(); !found.ok()) {
    return found;
  }
  std::lock_guard lock(mu_);
  tokens_.insert_or_assign(token.digest, token);
  return absl::OkStatus();
}

std::vector<storage::PartnerToken> InMemoryStore::ListPartnerTokens(
    absl::string_view program_id, absl::string_view partner_id) const {
  std::lock_guard lock(mu_);
  std::vector<storage::PartnerToken> out;
  for (const auto& [digest, token] : tokens_) {
    if (token.program_id == program_id && token.partner_id == partner_id) {
      out.push_back(token);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

absl::Status InMemoryStore::RevokePartnerToken(absl::string_view program_id,
                                               absl::string_view partner_id,
                                               absl::string_view token_id) {
  std::lock_guard lock(mu_);
  for (auto it = tokens_.begin(); it != tokens_.end(); ++it) {
    const storage::PartnerToken& token = it->second;
    if (token.program_id == program_id && token.partner_id == partner_id && token.id == token_id) {
      tokens_.erase(it);
      return absl::OkStatus();
    }
  }
  return storage::PartnerTokenNotFound(token_id);
}

std::optional<storage::PartnerToken> InMemoryStore::FindPartnerToken(
    const std::array<unsigned char, 32>& digest) const {
  std::lock_guard lock(mu_);
  const auto it = tokens_.find(digest);
  return it == tokens_.end() ? std::nullopt : std::optional(it->second);
}

}  // namespace clicktrack::storage
