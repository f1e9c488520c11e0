#include "tracker/codec/stripe_event.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/object.hpp"

#include "attribution/base/status_macros.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/codec/invalid.h"
#include "tracker/codec/json_parse.h"

namespace clicktrack::tracker {
namespace {

namespace json = boost::json;
using attribution::ConversionEvent;
using attribution::EventEffect;

// Stripe's ids (cs_…, pi_…, in_…, ch_…, cus_…) are short; this bounds what one event stores.
constexpr size_t kMaxStripeIdSize = 128;

// Reads the fields of one object of the event, naming each by its path in errors.
class Fields {
 public:
  Fields(const json::object& object, std::string path) : object_(&object), path_(std::move(path)) {}

  // A nullable string: nullopt when absent or null; kInvalidArgument for another type, or text
  // that is not short UTF-8.
  absl::StatusOr<std::optional<std::string>> Text(absl::string_view key) const {
    const json::value* value = object_->if_contains(json::string_view(key.data(), key.size()));
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    if (!value->is_string()) {
      return Invalid(Path(key), "must be a string");
    }
    const std::string text(value->get_string());
    CLICKTRACK_RETURN_IF_ERROR(ValidateText(Path(key), text, kMaxStripeIdSize));
    return text;
  }
  absl::StatusOr<std::string> RequiredText(absl::string_view key) const {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> text, Text(key));
    if (!text.has_value()) {
      return Invalid(Path(key), "is missing");
    }
    return *std::move(text);
  }
  // A required amount in minor units: an integer ≥ 0.
  absl::StatusOr<int64_t> Minor(absl::string_view key) const {
    const json::value* value = object_->if_contains(json::string_view(key.data(), key.size()));
    if (value == nullptr || value->is_null()) {
      return Invalid(Path(key), "is missing");
    }
    if (value->is_int64() && value->get_int64() >= 0) {
      return value->get_int64();
    }
    if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
      return static_cast<int64_t>(value->get_uint64());
    }
    return Invalid(Path(key), "must be an integer amount in minor units, 0 or more");
  }
  // A nested object, or nullopt when absent or null; kInvalidArgument for another type.
  absl::StatusOr<std::optional<Fields>> Object(absl::string_view key) const {
    const json::value* value = object_->if_contains(json::string_view(key.data(), key.size()));
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    if (!value->is_object()) {
      return Invalid(Path(key), "must be an object");
    }
    return Fields(value->get_object(), Path(key));
  }
  const json::object& object() const { return *object_; }
  std::string Path(absl::string_view key) const { return absl::StrCat(path_, ".", key); }

 private:
  const json::object* object_;
  std::string path_;
};

void AddRef(std::optional<std::string> ref, std::vector<std::string>& refs) {
  if (ref.has_value() && !ref->empty()) {
    refs.push_back(*std::move(ref));
  }
}

// client_reference_id (a click id, when it is one of ours), customer, customer_details.email.
absl::Status CheckoutIdentities(const Fields& session, attribution::Identities& identities) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> reference,
                              session.Text("client_reference_id"));
  if (reference.has_value()) {
    identities.click_id = attribution::Ulid::FromText(*reference);
  }
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> customer, session.Text("customer"));
  identities.customer_ref = customer.value_or("");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Fields> details, session.Object("customer_details"));
  if (details.has_value()) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> email, details->Text("email"));
    if (email.has_value() && absl::StrContains(*email, '@')) {
      identities.email_sha256 = EmailSha256(*email);
    }
  }
  return absl::OkStatus();
}

// checkout.session.completed and checkout.session.async_payment_succeeded.
absl::Status MapCheckoutSession(const Fields& session, StripeEvent& event) {
  ConversionEvent& conversion = event.conversion;
  CLICKTRACK_RETURN_IF_ERROR(CheckoutIdentities(session, conversion.identities));
  CLICKTRACK_ASSIGN_OR_RETURN(const std::string id, session.RequiredText("id"));
  CLICKTRACK_ASSIGN_OR_RETURN(const std::string mode, session.RequiredText("mode"));
  CLICKTRACK_ASSIGN_OR_RETURN(const std::string status, session.RequiredText("payment_status"));
  conversion.effect = EventEffect::kLinkIdentities;
  if (mode != "payment") {
    event.note = absl::StrCat("mode is ", mode, ": the sale comes with the invoice");
    return absl::OkStatus();
  }
  if (status != "paid") {
    event.note = absl::StrCat("payment_status is ", status, ": no sale yet");
    return absl::OkStatus();
  }
  CLICKTRACK_ASSIGN_OR_RETURN(conversion.amount_minor, session.Minor("amount_total"));
  if (conversion.amount_minor == 0) {
    event.note = "amount_total is 0: no sale";
    return absl::OkStatus();
  }
  CLICKTRACK_ASSIGN_OR_RETURN(event.currency, session.RequiredText("currency"));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> payment_intent,
                              session.Text("payment_intent"));
  conversion.effect = EventEffect::kConversion;
  conversion.order_id = payment_intent.value_or(id);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> invoice, session.Text("invoice"));
  AddRef(std::move(invoice), conversion.payment_refs);
  return absl::OkStatus();
}

// The payment references of an invoice: payment_intent and charge (old shape), and each of
// payments.data[].payment's (new shape, when expanded).
absl::Status InvoicePaymentRefs(const Fields& invoice, std::vector<std::string>& refs) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> payment_intent,
                              invoice.Text("payment_intent"));
  AddRef(std::move(payment_intent), refs);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> charge, invoice.Text("charge"));
  AddRef(std::move(charge), refs);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Fields> payments, invoice.Object("payments"));
  const json::value* data = payments ? payments->object().if_contains("data") : nullptr;
  if (data == nullptr || !data->is_array()) {
    return absl::OkStatus();
  }
  for (const json::value& item : data->get_array()) {
    if (!item.is_object()) {
      return Invalid(payments->Path("data[]"), "must be an object");
    }
    CLICKTRACK_ASSIGN_OR_RETURN(
        std::optional<Fields> payment,
        Fields(item.get_object(), payments->Path("data[]")).Object("payment"));
    if (payment.has_value()) {
      CLICKTRACK_ASSIGN_OR_RETURN(payment_intent, payment->Text("payment_intent"));
      AddRef(std::move(payment_intent), refs);
      CLICKTRACK_ASSIGN_OR_RETURN(charge, payment->Text("charge"));
      AddRef(std::move(charge), refs);
    }
  }
  return absl::OkStatus();
}

absl::Status MapInvoicePaid(const Fields& invoice, StripeEvent& event) {
  ConversionEvent& conversion = event.conversion;
  CLICKTRACK_ASSIGN_OR_RETURN(conversion.order_id, invoice.RequiredText("id"));
  CLICKTRACK_ASSIGN_OR_RETURN(conversion.amount_minor, invoice.Minor("amount_paid"));
  if (conversion.amount_minor == 0) {
    event.note = "amount_paid is 0: no sale";
    return absl::OkStatus();
  }
  CLICKTRACK_ASSIGN_OR_RETURN(event.currency, invoice.RequiredText("currency"));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> customer, invoice.Text("customer"));
  conversion.identities.customer_ref = customer.value_or("");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> reason, invoice.Text("billing_reason"));
  if (reason == "subscription_update") {
    conversion.type = attribution::ConversionType::kUpsell;
  }
  CLICKTRACK_RETURN_IF_ERROR(InvoicePaymentRefs(invoice, conversion.payment_refs));
  conversion.effect = EventEffect::kConversion;
  return absl::OkStatus();
}

// invoice_payment.paid: links the payment to the invoice's order; never a sale by itself.
absl::Status MapInvoicePayment(const Fields& invoice_payment, StripeEvent& event) {
  ConversionEvent& conversion = event.conversion;
  CLICKTRACK_ASSIGN_OR_RETURN(conversion.order_id, invoice_payment.RequiredText("invoice"));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Fields> payment, invoice_payment.Object("payment"));
  if (!payment.has_value()) {
    return Invalid(invoice_payment.Path("payment"), "is missing");
  }
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> payment_intent,
                              payment->Text("payment_intent"));
  AddRef(std::move(payment_intent), conversion.payment_refs);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> charge, payment->Text("charge"));
  AddRef(std::move(charge), conversion.payment_refs);
  if (conversion.payment_refs.empty()) {
    event.note = "the payment names no payment_intent or charge";
    return absl::OkStatus();
  }
  conversion.effect = EventEffect::kLinkPayment;
  return absl::OkStatus();
}

// charge.refunded: amount_refunded is the charge's running total over all its refunds.
absl::Status MapChargeRefunded(const Fields& charge, StripeEvent& event) {
  ConversionEvent& conversion = event.conversion;
  CLICKTRACK_ASSIGN_OR_RETURN(const std::string id, charge.RequiredText("id"));
  CLICKTRACK_ASSIGN_OR_RETURN(conversion.amount_minor, charge.Minor("amount_refunded"));
  if (conversion.amount_minor == 0) {
    event.note = "amount_refunded is 0: nothing refunded";
    return absl::OkStatus();
  }
  CLICKTRACK_ASSIGN_OR_RETURN(event.currency, charge.RequiredText("currency"));
  std::vector<std::string> names;
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> payment_intent,
                              charge.Text("payment_intent"));
  AddRef(std::move(payment_intent), names);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> invoice, charge.Text("invoice"));
  AddRef(std::move(invoice), names);
  names.push_back(id);
  conversion.order_id = names.front();
  conversion.payment_refs.assign(names.begin() + 1, names.end());
  conversion.status = attribution::PaymentStatus::kRefunded;
  conversion.refund_total_key = id;
  conversion.refund_id = attribution::DefaultRefundId(id, conversion.amount_minor);
  conversion.effect = EventEffect::kConversion;
  return absl::OkStatus();
}

absl::Status MapObject(const Fields& object, StripeEvent& event) {
  const std::string& type = event.type;
  if (type == "checkout.session.completed" || type == "checkout.session.async_payment_succeeded") {
    return MapCheckoutSession(object, event);
  }
  if (type == "invoice.paid") {
    return MapInvoicePaid(object, event);
  }
  if (type == "invoice_payment.paid") {
    return MapInvoicePayment(object, event);
  }
  if (type == "charge.refunded") {
    return MapChargeRefunded(object, event);
  }
  event.note = "event type not handled";
  return absl::OkStatus();
}

absl::Time EventTime(const json::object& envelope, absl::Time now) {
  const json::value* created = envelope.if_contains("created");
  if (created == nullptr || !created->is_int64() || created->get_int64() <= 0) {
    return now;
  }
  const absl::Time time = absl::FromUnixSeconds(created->get_int64());
  return time > now ? now : time;
}

}  // namespace

absl::StatusOr<StripeEvent> DecodeStripeEvent(absl::string_view body, absl::Time now) {
  absl::StatusOr<json::object> parsed = ParseJsonObject(body);
  if (!parsed.ok()) {
    return parsed.status();
  }
  const Fields envelope(*parsed, "event");
  StripeEvent event;
  CLICKTRACK_ASSIGN_OR_RETURN(event.id, envelope.RequiredText("id"));
  CLICKTRACK_ASSIGN_OR_RETURN(event.type, envelope.RequiredText("type"));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Fields> data, envelope.Object("data"));
  std::optional<Fields> object;
  if (data.has_value()) {
    CLICKTRACK_ASSIGN_OR_RETURN(object, data->Object("object"));
  }
  if (!object.has_value()) {
    return Invalid("data.object", "is missing: a Stripe event carries its object there");
  }
  event.conversion.effect = EventEffect::kNone;
  event.conversion.occurred_at = EventTime(*parsed, now);
  if (absl::Status mapped = MapObject(*object, event); !mapped.ok()) {
    event.problem = std::string(mapped.message());
    event.conversion = ConversionEvent{.effect = EventEffect::kNone};
    event.currency.clear();
  }
  event.conversion.source_event_id = event.id;
  return event;
}

}  // namespace clicktrack::tracker
