// Backups of the store (docs/operations.md): POST makes one, GET lists them.

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "tracker/api/backup_runner.h"
#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/invalid.h"
#include "tracker/common/json_text.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

constexpr uint32_t kMostKept = 1000;

boost::json::object EncodeBackup(const storage::BackupInfo& backup) {
  return {{"id", backup.id},
          {"created_at", FormatTimestamp(backup.created)},
          {"size_bytes", backup.size_bytes},
          {"files", backup.files}};
}

absl::StatusOr<BackupRunner*> Runner(const ApiContext& api) {
  if (api.backups == nullptr) {
    return absl::FailedPreconditionError(
        "backups are off: start trackerd with --backup-dir (or TRACKER_BACKUP_DIR)");
  }
  return api.backups;
}

// ?keep=N: how many of the newest backups to keep afterwards (0 or absent: all).
absl::StatusOr<uint32_t> ParseKeep(absl::string_view query) {
  const std::optional<std::string> text = QueryParam(query, "keep");
  uint32_t keep = 0;
  if (text.has_value() && (!absl::SimpleAtoi(*text, &keep) || keep > kMostKept)) {
    return Invalid("keep", absl::StrCat("must be a number from 0 (keep all) to ", kMostKept));
  }
  return keep;
}

}  // namespace

DeferredReply CreateBackup(const ApiContext& api, const Call& call) {
  CLICKTRACK_ASSIGN_OR_RETURN(BackupRunner* const runner, Runner(api));
  CLICKTRACK_ASSIGN_OR_RETURN(const uint32_t keep, ParseKeep(call.query));
  LaterResponse later = call.defer();
  // A refusal (one is running) comes back at once, before `later` is moved into the thread.
  auto shared_later = std::make_shared<LaterResponse>(std::move(later));
  const absl::Status started =
      runner->Start(keep, [shared_later](absl::StatusOr<storage::BackupInfo> made) {
        std::move (*shared_later)(made.ok() ? JsonResponse(201, EncodeBackup(*made))
                                            : ErrorResponse(made.status()));
      });
  if (!started.ok()) {
    std::move (*shared_later)(ErrorResponse(started));
  }
  return std::nullopt;
}

Reply ListBackups(const ApiContext& api, const Call& /*call*/) {
  CLICKTRACK_ASSIGN_OR_RETURN(BackupRunner* const runner, Runner(api));
  CLICKTRACK_ASSIGN_OR_RETURN(const std::vector<storage::BackupInfo> backups, runner->List());
  boost::json::array list;
  for (const storage::BackupInfo& backup : backups) {
    list.push_back(EncodeBackup(backup));
  }
  return JsonResponse(200, {{"backup_dir", runner->dir()}, {"backups", std::move(list)}});
}

}  // namespace clicktrack::tracker
