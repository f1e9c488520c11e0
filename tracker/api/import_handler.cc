// Imports (SPEC §6): the body, spooled to a file by the server, goes to the importer's thread;
// the answer comes when the import is done.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/json/array.hpp"

#include "tracker/api/api.h"
#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/importer/importer.h"

#include <sys/mman.h>

namespace clicktrack::tracker {
namespace {

absl::Status FileError(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", strerror(errno)));
}

// A descriptor of the request's body the importer may own.
absl::StatusOr<int> OwnBody(const HttpRequest& request) {
  switch (request.body_place) {
    case BodyPlace::kFile: {
      const int fd = fcntl(request.body_file, F_DUPFD_CLOEXEC, 0);
      return fd >= 0 ? absl::StatusOr<int>(fd) : FileError("cannot keep the import");
    }
    case BodyPlace::kMemory: {  // a server that does not spool (tests of the routes)
      const int fd = memfd_create("import", MFD_CLOEXEC);
      if (fd < 0) {
        return FileError("cannot keep the import");
      }
      if (write(fd, request.body.data(), request.body.size()) !=
          static_cast<ssize_t>(request.body.size())) {
        close(fd);
        return FileError("cannot keep the import");
      }
      return fd;
    }
    case BodyPlace::kLost:
      return absl::UnavailableError(
          absl::StrCat("the import could not be stored: ", request.body_error));
    case BodyPlace::kDropped:
      break;
  }
  return absl::UnauthenticatedError("the import was not admitted");
}

boost::json::object EncodeReport(const ImportReport& report) {
  boost::json::array rejected;
  for (const auto& [line, why] : report.rejections) {
    rejected.push_back(boost::json::object{{"line", line}, {"error", why}});
  }
  return boost::json::object{{"accepted", report.accepted},
                             {"rejected", std::move(rejected)},
                             {"rejected_count", report.rejected}};
}

}  // namespace

bool IsImportTarget(Method method, absl::string_view target) {
  // Asked for every request's start line: no allocation, and a redirect answers at the first
  // test.
  if (method != Method::kPost) {
    return false;
  }
  absl::string_view path = target.substr(0, target.find('?'));
  if (!absl::ConsumePrefix(&path, "/api/v1/programs/") || !absl::ConsumeSuffix(&path, "/import")) {
    return false;
  }
  return !path.empty() && path.find('/') == absl::string_view::npos;
}

DeferredReply Import(const ApiContext& api, const Call& call) {
  if (api.importer == nullptr) {
    return absl::UnavailableError("this server runs no importer");
  }
  absl::StatusOr<int> fd = OwnBody(call.request);
  if (!fd.ok()) {
    return fd.status();
  }
  api.importer->Submit(call.program->id, *fd,
                       [later = call.defer()](absl::StatusOr<ImportReport> report) mutable {
                         std::move(later)(report.ok() ? JsonResponse(200, EncodeReport(*report))
                                                      : ErrorResponse(report.status()));
                       });
  return std::nullopt;
}

}  // namespace clicktrack::tracker
