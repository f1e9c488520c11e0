#include "tracker/importer/import_apply.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "tracker/codec/hmac.h"

namespace clicktrack::tracker {
namespace {

constexpr size_t kClickBatch = 512;
constexpr size_t kWindow = 1024;  // events in the committer at once

// The same import id in the same program always makes the same click id.
attribution::Ulid ImportedClickId(absl::string_view program_id, absl::string_view import_id,
                                  absl::Time at) {
  const auto digest = Sha256(absl::StrCat(program_id, absl::string_view("\0", 1), import_id));
  uint64_t hi = 0;
  uint64_t lo = 0;
  std::memcpy(&hi, digest.data(), sizeof hi);
  std::memcpy(&lo, digest.data() + sizeof hi, sizeof lo);
  return attribution::Ulid::Make(at, hi, lo);
}

}  // namespace

std::string ImportIdOf(const ImportedClick& click, absl::string_view line_text) {
  if (!click.click_id.empty()) {
    return click.click_id;
  }
  return absl::StrCat("line:", HexOf(Sha256(line_text), 16));
}

void Rejections::Add(int64_t line, std::string why) {
  std::lock_guard lock(mu_);
  ++count_;
  listed_.emplace_back(line, std::move(why));
  if (listed_.size() >= 2 * kMaxListedRejections) {
    Trim();
  }
}

void Rejections::Trim() {
  std::sort(listed_.begin(), listed_.end());
  if (listed_.size() > kMaxListedRejections) {
    listed_.resize(kMaxListedRejections);
  }
}

void Rejections::MoveInto(ImportReport& report) {
  std::lock_guard lock(mu_);
  Trim();
  report.rejected = count_;
  report.rejections = std::move(listed_);
}

absl::StatusOr<std::string> LinkPartners::PartnerOf(const std::string& code) {
  if (const auto found = partners_.find(code); found != partners_.end()) {
    return found->second;
  }
  absl::StatusOr<attribution::Link> link = config_.GetLink(program_id_, code);
  if (!link.ok()) {
    if (absl::IsNotFound(link.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat("link: ", code, " is no link of program ", program_id_));
    }
    return link.status();
  }
  partners_.emplace(code, link->partner_id);
  return link->partner_id;
}

ImportApplier::ImportApplier(const ImportStores& stores, const attribution::Program& program,
                             LinkPartners& links, Rejections& rejections, absl::Time now)
    : stores_(stores), program_(program), links_(links), rejections_(rejections), now_(now) {}

ImportApplier::~ImportApplier() { WaitInFlight(0); }

int64_t ImportApplier::accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

absl::Status ImportApplier::Apply(int64_t line, absl::string_view text, ImportedRecord record) {
  if (auto* click = std::get_if<ImportedClick>(&record)) {
    click->click_id = ImportIdOf(*click, text);
    return AddClick(line, std::move(*click));
  }
  CLICKTRACK_RETURN_IF_ERROR(FlushClicks());  // the engine must see earlier clicks
  if (auto* conversion = std::get_if<ImportedConversion>(&record)) {
    return ApplyConversion(line, std::move(*conversion));
  }
  auto& owner = std::get<ImportedOwner>(record);
  attribution::ConversionEvent event;
  event.effect = attribution::EventEffect::kSetOwner;
  event.occurred_at = owner.since;
  event.identities.customer_ref = std::move(owner.customer_ref);
  event.owner_partner_id = std::move(owner.partner_id);
  Submit(line, std::move(event));
  return absl::OkStatus();
}

absl::Status ImportApplier::AddClick(int64_t line, ImportedClick click) {
  absl::StatusOr<std::string> partner = links_.PartnerOf(click.link);
  if (!partner.ok()) {
    if (!absl::IsInvalidArgument(partner.status())) {
      return partner.status();
    }
    rejections_.Add(line, std::string(partner.status().message()));
    return absl::OkStatus();
  }
  attribution::Click& stored = clicks_.emplace_back();
  stored.id =
      ImportedClickId(program_.id, import_ids_.emplace_back(std::move(click.click_id)), click.at);
  stored.time = click.at;
  stored.program_id = program_.id;
  stored.partner_id = *std::move(partner);
  stored.link_code = std::move(click.link);
  stored.subs = std::move(click.subs);
  pending_.push_back(PendingClick{line, std::move(click.customer)});
  return clicks_.size() >= kClickBatch ? FlushClicks() : absl::OkStatus();
}

absl::Status ImportApplier::FlushClicks() {
  if (clicks_.empty()) {
    return absl::OkStatus();
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const std::vector<bool> stored,
                              stores_.clicks.ImportClicks(absl::MakeSpan(clicks_), import_ids_));
  int64_t done = 0;
  for (size_t i = 0; i < clicks_.size(); ++i) {
    if (!stored[i] || pending_[i].customer.empty()) {
      ++done;  // a click imported before had its identities linked then
      continue;
    }
    attribution::ConversionEvent link;
    link.effect = attribution::EventEffect::kLinkIdentities;
    link.occurred_at = clicks_[i].time;
    link.identities = std::move(pending_[i].customer);
    link.identities.cookie_customer = clicks_[i].customer_id;
    Submit(pending_[i].line, std::move(link));
  }
  {
    std::lock_guard lock(mu_);
    accepted_ += done;
  }
  clicks_.clear();
  import_ids_.clear();
  pending_.clear();
  return absl::OkStatus();
}

absl::Status ImportApplier::ApplyConversion(int64_t line, ImportedConversion conversion) {
  absl::StatusOr<attribution::ConversionEvent> event = BuildConversionEvent(
      conversion.fields, program_, ConversionSource::kPostback, now_, std::nullopt);
  if (!event.ok()) {
    rejections_.Add(line, std::string(event.status().message()));
    return absl::OkStatus();
  }
  if (!conversion.click_id.empty()) {
    CLICKTRACK_ASSIGN_OR_RETURN(event->identities.click_id,
                                stores_.clicks.FindImportedClick(program_.id, conversion.click_id));
    if (!event->identities.click_id.has_value()) {
      event->identities.click_id = attribution::Ulid::FromText(conversion.click_id);
    }
  }
  Submit(line, *std::move(event));
  return absl::OkStatus();
}

void ImportApplier::Submit(int64_t line, attribution::ConversionEvent event) {
  WaitInFlight(kWindow - 1);
  {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  stores_.committer.SubmitConversion(
      program_.id, std::move(event), [this, line](absl::StatusOr<attribution::Decision> decision) {
        if (!decision.ok()) {
          rejections_.Add(line, std::string(decision.status().message()));
        }
        std::lock_guard lock(mu_);
        accepted_ += decision.ok() ? 1 : 0;
        --in_flight_;
        decided_.notify_all();
      });
}

void ImportApplier::WaitInFlight(size_t at_most) {
  std::unique_lock lock(mu_);
  decided_.wait(lock, [&] { return in_flight_ <= at_most; });
}

absl::Status ImportApplier::Finish() {
  CLICKTRACK_RETURN_IF_ERROR(FlushClicks());
  WaitInFlight(0);
  return absl::OkStatus();
}

}  // namespace clicktrack::tracker
