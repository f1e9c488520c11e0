#include "tracker/codec/import_line.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

#include "attribution/base/status_macros.h"
#include "tracker/codec/invalid.h"
#include "tracker/codec/json_fields.h"
#include "tracker/codec/json_parse.h"
#include "tracker/common/json_text.h"

namespace clicktrack::tracker {
namespace {

absl::StatusOr<std::string> RequiredString(const Fields& fields, absl::string_view name) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value, fields.String(name));
  if (!value.has_value() || value->empty()) {
    return Invalid(name, "is required (a string)");
  }
  return *std::move(value);
}

absl::StatusOr<std::string> OptionalText(const Fields& fields, absl::string_view name,
                                         size_t max_size) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value, fields.String(name));
  if (!value.has_value()) {
    return std::string();
  }
  CLICKTRACK_RETURN_IF_ERROR(ValidateText(name, *value, max_size));
  return *std::move(value);
}

absl::StatusOr<absl::Time> RequiredTime(const Fields& fields, absl::string_view name,
                                        absl::Time now) {
  CLICKTRACK_ASSIGN_OR_RETURN(const std::string text, RequiredString(fields, name));
  return ParseEventTime(name, text, now);
}

absl::StatusOr<ImportedRecord> DecodeClick(const Fields& fields, absl::Time now) {
  ImportedClick click;
  CLICKTRACK_ASSIGN_OR_RETURN(click.at, RequiredTime(fields, "at", now));
  CLICKTRACK_ASSIGN_OR_RETURN(click.link, RequiredString(fields, "link"));
  CLICKTRACK_RETURN_IF_ERROR(ValidateText("link", click.link, kMaxImportedIdSize));
  CLICKTRACK_ASSIGN_OR_RETURN(click.click_id, OptionalText(fields, "click_id", kMaxImportedIdSize));
  CLICKTRACK_ASSIGN_OR_RETURN(click.customer.customer_ref,
                              OptionalText(fields, "customer", kMaxCustomerRefSize));
  ConversionFields email;
  for (absl::string_view name : {"email", "email_sha256"}) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value, fields.String(name));
    if (value.has_value()) {
      email.emplace(std::string(name), *std::move(value));
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(DecodeEmailFields(email, click.customer));
  for (size_t i = 0; i < attribution::kSubCount; ++i) {
    const std::string name = absl::StrCat("sub", i + 1);
    CLICKTRACK_ASSIGN_OR_RETURN(std::string sub, OptionalText(fields, name, 4 * 1024));
    click.subs[i] = std::string(attribution::TruncateSub(sub));
  }
  return click;
}

absl::StatusOr<ImportedRecord> DecodeConversion(absl::string_view line,
                                                const boost::json::object& object,
                                                const Fields& fields, absl::string_view program_id,
                                                absl::Time now) {
  ImportedConversion conversion;
  CLICKTRACK_ASSIGN_OR_RETURN(conversion.at, RequiredTime(fields, "at", now));
  CLICKTRACK_ASSIGN_OR_RETURN(conversion.fields, FieldsFromJsonBody(line, object));
  const auto program = conversion.fields.find("program");
  if (program != conversion.fields.end() && program->second != program_id) {
    return Invalid("program",
                   absl::StrCat("is ", program->second, ", but this import is for ", program_id));
  }
  if (const auto occurred = conversion.fields.find("occurred_at");
      occurred != conversion.fields.end()) {
    absl::StatusOr<absl::Time> time = ParseTimestamp(occurred->second);
    if (!time.ok() || *time != conversion.at) {
      return Invalid("occurred_at", "must be left out, or equal `at`");
    }
  }
  conversion.fields["occurred_at"] = FormatTimestamp(conversion.at);
  if (auto click = conversion.fields.extract("click_id"); !click.empty()) {
    CLICKTRACK_RETURN_IF_ERROR(ValidateText("click_id", click.mapped(), kMaxImportedIdSize));
    conversion.click_id = std::move(click.mapped());
  }
  return conversion;
}

absl::StatusOr<ImportedRecord> DecodeOwner(const Fields& fields, absl::Time now) {
  ImportedOwner owner;
  CLICKTRACK_ASSIGN_OR_RETURN(owner.since, RequiredTime(fields, "since", now));
  CLICKTRACK_ASSIGN_OR_RETURN(owner.customer_ref, RequiredString(fields, "customer"));
  CLICKTRACK_RETURN_IF_ERROR(ValidateText("customer", owner.customer_ref, kMaxCustomerRefSize));
  CLICKTRACK_ASSIGN_OR_RETURN(owner.partner_id, RequiredString(fields, "partner_id"));
  CLICKTRACK_RETURN_IF_ERROR(ValidateText("partner_id", owner.partner_id, kMaxImportedIdSize));
  return owner;
}

}  // namespace

absl::Time TimeOf(const ImportedRecord& record) {
  struct {
    absl::Time operator()(const ImportedClick& click) const { return click.at; }
    absl::Time operator()(const ImportedConversion& conversion) const { return conversion.at; }
    absl::Time operator()(const ImportedOwner& owner) const { return owner.since; }
  } time;
  return std::visit(time, record);
}

absl::StatusOr<ImportedRecord> DecodeImportLine(absl::string_view line,
                                                absl::string_view program_id, absl::Time now) {
  if (line.size() > kMaxImportLineSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("the line is longer than ", kMaxImportLineSize, " bytes"));
  }
  absl::StatusOr<boost::json::object> parsed = ParseJsonObject(line);
  if (!parsed.ok()) {  // its message speaks of a request's body
    absl::string_view why = parsed.status().message();
    absl::ConsumePrefix(&why, "body ");
    return absl::InvalidArgumentError(absl::StrCat("the line ", why));
  }
  const boost::json::object object = *std::move(parsed);
  const Fields fields(object, "");
  CLICKTRACK_ASSIGN_OR_RETURN(const std::string record, RequiredString(fields, "record"));
  if (record == "click") {
    return DecodeClick(fields, now);
  }
  if (record == "conversion") {
    return DecodeConversion(line, object, fields, program_id, now);
  }
  if (record == "owner") {
    return DecodeOwner(fields, now);
  }
  return Invalid("record", "must be click, conversion or owner");
}

}  // namespace clicktrack::tracker
