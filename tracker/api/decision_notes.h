#pragma once

#include <string>

#include "attribution/engine.h"
#include "attribution/program.h"
#include "tracker/common/log.h"

namespace clicktrack::tracker {

// Logs the facts a decision noted (a queued refund capped at its order, say) as warnings.
inline void LogNotes(const attribution::Program& program, const attribution::Decision& decision) {
  for (const std::string& note : decision.notes) {
    Log(LogLevel::kWarn, note, {{"program", JsonText(program.id)}});
  }
}

}  // namespace clicktrack::tracker
