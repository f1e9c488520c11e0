#include "storage/testing/in_memory_store.h"

#include <utility>

#include "absl/strings/str_cat.h"

#include "attribution/customer_alias.h"
#include "storage/store_errors.h"

namespace clicktrack::storage {

using attribution::Ulid;

InMemoryStore::InMemoryStore(attribution::IdSource* ids) : ids_(ids != nullptr ? ids : &own_ids_) {}

attribution::InMemoryView& InMemoryStore::ViewOf(const std::string& program_id) {
  std::unique_ptr<attribution::InMemoryView>& view = views_[program_id];
  if (view == nullptr) {
    view = std::make_unique<attribution::InMemoryView>(program_id);
    for (const attribution::Click& click : clicks_) {
      view->AddClick(
          click.program_id, click.customer_id,
          {.id = click.id, .time = click.time, .partner_id = click.partner_id, .bot = click.bot});
    }
  }
  return *view;
}

absl::Status InMemoryStore::PutProgram(const attribution::Program& program) {
  std::lock_guard lock(mu_);
  const auto existing = programs_.find(program.id);
  if (existing != programs_.end() && !(existing->second->currency == program.currency) &&
      !ViewOf(program.id).conversions().empty()) {
    return storage::CurrencyChangeRefused(existing->second->currency.Code(),
                                          program.currency.Code());
  }
  programs_[program.id] = std::make_shared<const attribution::Program>(program);
  ViewOf(program.id);
  return absl::OkStatus();
}

absl::StatusOr<ConfigStore::ProgramRef> InMemoryStore::GetProgram(
    absl::string_view program_id) const {
  std::lock_guard lock(mu_);
  const auto it = programs_.find(program_id);
  if (it == programs_.end()) {
    return storage::ProgramNotFound(program_id);
  }
  return it->second;
}

absl::Status InMemoryStore::PutPartner(const attribution::Partner& partner) {
  if (absl::Status found = GetProgram(partner.program_id).status(); !found.ok()) {
    return found;
  }
  std::lock_guard lock(mu_);
  partners_[{partner.program_id, partner.id}] =
      std::make_shared<const attribution::Partner>(partner);
  ViewOf(partner.program_id).AddPartner(partner.id, partner.commission);
  return absl::OkStatus();
}

absl::StatusOr<ConfigStore::PartnerRef> InMemoryStore::GetPartner(
    absl::string_view program_id, absl::string_view partner_id) const {
  std::lock_guard lock(mu_);
  const auto it = partners_.find({std::string(program_id), std::string(partner_id)});
  if (it == partners_.end()) {
    return storage::PartnerNotFound(partner_id);
  }
  return it->second;
}

std::vector<attribution::Partner> InMemoryStore::ListPartners(absl::string_view program_id) const {
  std::lock_guard lock(mu_);
  std::vector<attribution::Partner> out;
  for (const auto& [key, partner] : partners_) {
    if (key.first == program_id) {
      out.push_back(*partner);
    }
  }
  return out;
}

absl::Status InMemoryStore::CreateLink(const attribution::Link& link) {
  if (absl::Status found = GetProgram(link.program_id).status(); !found.ok()) {
    return found;
  }
  if (absl::Status found = GetPartner(link.program_id, link.partner_id).status(); !found.ok()) {
    return found;
  }
  std::lock_guard lock(mu_);
  if (links_.contains(link.code)) {
    return storage::LinkCodeTaken(link.code);
  }
  links_.emplace(
      link.code,
      CachedLink{.link = link, .redirect = attribution::RedirectTemplate(link.destination)});
  return absl::OkStatus();
}

absl::Status InMemoryStore::UpdateLink(const attribution::Link& link) {
  if (absl::Status found = GetLink(link.program_id, link.code).status(); !found.ok()) {
    return found;
  }
  std::lock_guard lock(mu_);
  links_.insert_or_assign(
      link.code,
      CachedLink{.link = link, .redirect = attribution::RedirectTemplate(link.destination)});
  return absl::OkStatus();
}

absl::StatusOr<attribution::Link> InMemoryStore::GetLink(absl::string_view program_id,
                                                         absl::string_view code) const {
  std::lock_guard lock(mu_);
  const auto it = links_.find(code);
  if (it == links_.end() || it->second.link.program_id != program_id) {
    return storage::LinkNotFound(code);
  }
  return it->second.link;
}

bool InMemoryStore::VisitActiveLink(absl::string_view code,
                                    absl::FunctionRef<void(const CachedLink&)> visit) const {
  std::lock_guard lock(mu_);
  const auto it = links_.find(code);
  if (it == links_.end() || !it->second.link.active) {
    return false;
  }
  visit(it->second);
  return true;
}

bool InMemoryStore::HadUniqueClick(const attribution::Click& click) const {
  return std::any_of(clicks_.begin(), clicks_.end(), [&](const attribution::Click& earlier) {
    // Stored clicks of any time: only those at or before this one count, as in RocksDB's scan.
    return earlier.time <= click.time && attribution::RepeatsUniqueClick(earlier, click);
  });
}

void InMemoryStore::AddCounter(const attribution::Click& click, attribution::StatsCounter counter) {
  counters_[{click.program_id, click.partner_id, absl::ToCivilDay(click.time, absl::UTCTimeZone()),
             static_cast<size_t>(counter)}] += 1;
}

absl::Status InMemoryStore::RecordClicks(absl::Span<attribution::Click> clicks) {
  std::lock_guard lock(mu_);
  for (attribution::Click& click : clicks) {
    click.unique = !click.bot && !HadUniqueClick(click);
    clicks_.push_back(click);
    for (auto& [program, view] : views_) {
      view->AddClick(
          click.program_id, click.customer_id,
          {.id = click.id, .time = click.time, .partner_id = click.partner_id, .bot = click.bot});
    }
    if (!click.bot) {
      AddCounter(click, attribution::StatsCounter::kClicks);
      if (click.unique) {
        AddCounter(click, attribution::StatsCounter::kUniqueClicks);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<attribution::Click> InMemoryStore::GetClick(const Ulid& click_id) const {
  std::lock_guard lock(mu_);
  for (const attribution::Click& click : clicks_) {
    if (click.id == click_id) {
      return click;
    }
  }
  return storage::ClickNotFound(click_id);
}

absl::StatusOr<std::vector<bool>> InMemoryStore::ImportClicks(
    absl::Span<attribution::Click> clicks, absl::Span<const std::string> import_ids) {
  std::vector<bool> stored(clicks.size(), false);
  std::vector<attribution::Click> fresh;
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < clicks.size(); ++i) {
      attribution::Click& click = clicks[i];
      if (imported_clicks_.emplace(std::pair(click.program_id, import_ids[i]), click.id).second) {
        click.new_customer = true;
        click.customer_id = click.id;
        fresh.push_back(click);
        stored[i] = true;
      }
    }
  }
  if (absl::Status status = RecordClicks(absl::MakeSpan(fresh)); !status.ok()) {
    return status;
  }
  return stored;
}

absl::StatusOr<std::optional<attribution::Ulid>> InMemoryStore::FindImportedClick(
    absl::string_view program_id, absl::string_view import_id) const {
  std::lock_guard lock(mu_);
  const auto it = imported_clicks_.find(std::pair(std::string(program_id), std::string(import_id)));
  return it == imported_clicks_.end() ? std::nullopt : std::optional<attribution::Ulid>(it->second);
}

void InMemoryStore::SubmitConversion(std::string program_id, attribution::ConversionEvent event,
                                     ConversionCallback done) {
  absl::StatusOr<ProgramRef> program = GetProgram(program_id);
  if (!program.ok()) {
    std::move(done)(program.status());
    return;
  }
  absl::StatusOr<attribution::Decision> decision;
  {
    std::lock_guard lock(mu_);
    attribution::InMemoryView& view = ViewOf(program_id);
    decision = attribution::Attribute(**program, event, view, *ids_);
    if (decision.ok()) {
      view.Apply(*decision);
      AddDeliveries(**program, *decision);
      for (const attribution::CounterDelta& delta : decision->counters) {
        counters_[{program_id, delta.partner_id, delta.day, static_cast<size_t>(delta.counter)}] +=
            delta.delta;
      }
      for (const attribution::CohortDelta& delta : decision->cohort_counters) {
        cohort_counters_[{program_id, delta.partner_id, delta.cohort, delta.month,
                          static_cast<size_t>(delta.counter)}] += delta.delta;
      }
    }
    ++committed_.events;
    ++committed_.batches;
  }
  std::move(done)(std::move(decision));
}

void InMemoryStore::AddDeliveries(const attribution::Program& program,
                                  const attribution::Decision& decision) {
  if (!decision.conversion.has_value()) {
    return;
  }
  const attribution::Conversion& conversion = *decision.conversion;
  const auto click = std::find_if(clicks_.begin(), clicks_.end(), [&](const auto& c) {
    return conversion.click_id.has_value() && c.id == *conversion.click_id;
  });
  for (const attribution::LedgerEntry& entry : decision.ledger) {
    const auto partner = partners_.find({program.id, entry.partner_id});
    if (partner == partners_.end() || partner->second->postback_url.empty()) {
      continue;
    }
    outbox_.Add(attribution::NewDelivery(
        ids_->NewId(entry.created_at), program.id, partner->second->postback_url, entry, conversion,
        click == clicks_.end() ? nullptr : &*click, program.currency));
  }
}

CommitterStats InMemoryStore::committer_stats() const {
  std::lock_guard lock(mu_);
  return committed_;
}

absl::StatusOr<StatsTotals> InMemoryStore::ReadStats(absl::string_view program_id,
                                                     absl::string_view partner_id,
                                                     absl::CivilDay from, absl::CivilDay to) const {
  std::lock_guard lock(mu_);
  StatsTotals totals;
  for (const auto& [key, value] : counters_) {
    const auto& [program, partner, day, counter] = key;
    if (program == program_id && partner == partner_id && from <= day && day <= to &&
        counter < totals.values.size()) {
      totals.values[counter] += value;
    }
  }
  return totals;
}

absl::StatusOr<std::vector<CohortCell>> InMemoryStore::ReadCohorts(absl::string_view program_id,
                                                                   absl::string_view partner_id,
                                                                   absl::CivilMonth first,
                                                                   absl::CivilMonth last) const {
  std::lock_guard lock(mu_);
  std::vector<CohortCell> cells;
  for (const auto& [key, value] : cohort_counters_) {
    const auto& [program, partner, cohort, month, counter] = key;
    if (program != program_id || partner != partner_id || cohort < first || cohort > last) {
      continue;
    }
    if (cells.empty() || cells.back().cohort != cohort || cells.back().month != month) {
      cells.push_back(CohortCell{.cohort = cohort, .month = month});
    }
    cells.back().values.values[counter] += value;
  }
  return cells;
}

absl::StatusOr<attribution::PartnerTotals> InMemoryStore::ReadPartnerTotals(
    absl::string_view program_id, absl::string_view partner_id) const {
  std::lock_guard lock(mu_);
  const auto view = views_.find(program_id);
  if (view == views_.end()) {
    return attribution::PartnerTotals{};
  }
  return view->second->FindPartnerTotals(partner_id);
}

absl::StatusOr<attribution::CustomerState> InMemoryStore::GetCustomer(absl::string_view program_id,
                                                                      const Ulid& customer) const {
  std::lock_guard lock(mu_);
  const auto view = views_.find(program_id);
  if (view != views_.end()) {
    const auto find_alias = [&](const Ulid& id) { return view->second->FindAlias(id); };
    const absl::StatusOr<Ulid> survivor = attribution::SurvivingCustomer(customer, find_alias);
    const auto& customers = view->second->customers();
    if (survivor.ok() && customers.contains(*survivor)) {
      return customers.at(*survivor);
    }
  }
  return storage::CustomerNotFound(customer);
}

absl::StatusOr<attribution::CustomerState> InMemoryStore::FindCustomerByRef(
    absl::string_view program_id, absl::string_view customer_ref) const {
  std::optional<Ulid> id;
  {
    std::lock_guard lock(mu_);
    const auto view = views_.find(program_id);
    if (view != views_.end()) {
      id = view->second->FindByRef(customer_ref).value_or(std::nullopt);
    }
  }
  if (!id.has_value()) {
    return storage::NoCustomerWithRef(customer_ref);
  }
  absl::StatusOr<attribution::CustomerState> found = GetCustomer(program_id, *id);
  if (absl::IsNotFound(found.status())) {  // a ref left pointing at an unknown customer
    return storage::NoCustomerWithRef(customer_ref);
  }
  return found;
}

absl::StatusOr<attribution::Conversion> InMemoryStore::GetConversion(
    absl::string_view program_id, absl::string_view order_id) const {
  std::lock_guard lock(mu_);
  const auto view = views_.find(program_id);
  if (view != views_.end()) {
    const auto it = view->second->conversions().find(std::string(order_id));
    if (it != view->second->conversions().end()) {
      return it->second;
    }
  }
  return storage::OrderNotFound(order_id);
}

namespace {

// The first `limit` of `entries` (in page order), with the cursor of the next page.
LedgerPage PageOf(std::vector<attribution::LedgerEntry> entries, size_t limit) {
  LedgerPage page;
  if (entries.size() > limit) {
    entries.resize(limit);
    page.next_cursor = entries.back().id;
  }
  page.entries = std::move(entries);
  return page;
}

}  // namespace

std::vector<attribution::LedgerEntry> InMemoryStore::LedgerWhere(
    absl::string_view program_id, absl::string_view partner_id,
    absl::FunctionRef<bool(const attribution::LedgerEntry&)> keep) const {
  std::vector<attribution::LedgerEntry> entries;
  if (const auto view = views_.find(program_id); view != views_.end()) {
    for (const attribution::LedgerEntry& entry : view->second->ledger()) {
      if (entry.partner_id == partner_id && keep(entry)) {
        entries.push_back(entry);
      }
    }
  }
  return entries;
}

absl::StatusOr<LedgerPage> InMemoryStore::ListLedger(absl::string_view program_id,
                                                     absl::string_view partner_id,
                                                     std::optional<Ulid> before,
                                                     size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<attribution::LedgerEntry> entries =
      LedgerWhere(program_id, partner_id, [&](const attribution::LedgerEntry& entry) {
        return !before.has_value() || entry.id < *before;
      });
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.id > b.id; });  // newest first
  return PageOf(std::move(entries), limit);
}

absl::StatusOr<LedgerPage> InMemoryStore::ListLedgerBetween(absl::string_view program_id,
                                                            absl::string_view partner_id,
                                                            absl::Time from, absl::Time to,
                                                            std::optional<Ulid> after,
                                                            size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<attribution::LedgerEntry> entries =
      LedgerWhere(program_id, partner_id, [&](const attribution::LedgerEntry& entry) {
        return entry.id >= Ulid::Make(from, 0, 0) && entry.id < Ulid::Make(to, 0, 0) &&
               (!after.has_value() || *after < entry.id);
      });
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return PageOf(std::move(entries), limit);
}

bool InMemoryStore::IsWritable() const {
  std::lock_guard lock(mu_);
  return writable_;
}

void InMemoryStore::SetWritable(bool writable) {
  std::lock_guard lock(mu_);
  writable_ = writable;
}

namespace {

absl::Status NoPayouts() { return absl::UnimplementedError("payouts need the RocksDB store"); }

}  // namespace

void InMemoryStore::SubmitPayout(std::string /*program_id*/,
                                 std::vector<std::string> /*partner_ids*/,
                                 attribution::PayoutOrder /*order*/, PayoutCallback done) {
  std::move(done)(NoPayouts());
}

absl::StatusOr<int64_t> InMemoryStore::SumPendingCommission(absl::string_view program_id,
                                                            absl::string_view partner_id,
                                                            absl::Time from, absl::Time to,
                                                            absl::Time now) const {
  std::lock_guard lock(mu_);
  int64_t pending = 0;
  if (const auto view = views_.find(program_id); view != views_.end()) {
    for (const attribution::LedgerEntry& entry : view->second->ledger()) {
      if (entry.partner_id == partner_id && entry.created_at >= from && entry.created_at < to &&
          entry.commission_minor > 0 && entry.approve_at > now) {
        pending += entry.commission_minor;  // nothing is paid here: every entry is unpaid
      }
    }
  }
  return pending;
}

absl::StatusOr<std::vector<attribution::UnpaidEntry>> InMemoryStore::ListUnpaid(
    absl::string_view /*program_id*/, absl::string_view /*partner_id*/) const {
  return NoPayouts();
}

absl::StatusOr<int64_t> InMemoryStore::ReadPaidTotal(absl::string_view /*program_id*/,
                                                     absl::string_view /*partner_id*/) const {
  return NoPayouts();
}

absl::StatusOr<PayoutPage> InMemoryStore::ListPayouts(absl::string_view /*program_id*/,
                                                      absl::string_view /*partner_id*/,
                                                      std::optional<attribution::Ulid> /*before*/,
                                                      size_t /*limit*/) const {
  return NoPayouts();
}

}  // namespace clicktrack::storage
