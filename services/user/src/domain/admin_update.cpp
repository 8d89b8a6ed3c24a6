#include "services/user/src/domain/admin_update.hpp"

#include <string>
#include <vector>

namespace mp::user::domain {
namespace {

std::vector<std::string> FieldNames(const CustomerChanges& c) {
  std::vector<std::string> names;
  if (c.location) names.emplace_back("location");
  if (c.address) names.emplace_back("address");
  if (c.budget_preference) names.emplace_back("budget_preference");
  return names;
}

std::vector<std::string> FieldNames(const ProviderChanges& p) {
  std::vector<std::string> names;
  if (p.skills) names.emplace_back("skills");
  if (p.experience_years) names.emplace_back("experience_years");
  if (p.hourly_rate) names.emplace_back("hourly_rate");
  if (p.availability) names.emplace_back("availability");
  if (p.portfolio) names.emplace_back("portfolio");
  if (p.service_areas) names.emplace_back("service_areas");
  return names;
}

}  // namespace

AdminUserUpdate ParseAdminUpdate(const nlohmann::json& body) {
  JsonReader reader(body);
  AdminUserUpdate update;
  // Lengths as auth reads them; its own username rules answer from auth.
  if (auto username = reader.String("username", Presence::kOptional, 0, 10'000)) {
    update.auth_fields["username"] = *username;
  }
  if (auto email = reader.String("email", Presence::kOptional, 0, 10'000)) {
    if (NormalizeEmail(*email)) {
      update.auth_fields["email"] = *email;
    } else {
      reader.Problem("email", "must be a valid e-mail address");
    }
  }
  if (auto role = reader.Int("role_id", Presence::kOptional, 1, 3)) {
    update.role_id = static_cast<int>(*role);
    update.auth_fields["role_id"] = *role;
  }
  update.customer = ReadCustomerFields(body, reader);
  update.provider = ReadProviderFields(body, reader);
  RejectReadOnlyFields(reader);
  if (reader.Has("password")) reader.Problem("password", "cannot be changed by an admin");
  if (reader.ok() && !update.has_auth_fields() && !update.has_profile_fields()) {
    reader.Problem("body", "give at least one of username, email, role_id or a profile field");
  }
  reader.Finish();
  return update;
}

std::vector<FieldProblem> ProfileFieldProblems(const AdminUserUpdate& update, std::int64_t role_id) {
  std::vector<FieldProblem> problems;
  auto type = ProfileTypeForRole(role_id);
  if (type != ProfileType::kCustomer) {
    for (auto& name : FieldNames(update.customer)) {
      problems.push_back(
          {std::move(name), type ? "applies to a customer's profile only; the user is a provider"
                                 : "does not apply: an admin has no profile"});
    }
  }
  if (type != ProfileType::kProvider) {
    for (auto& name : FieldNames(update.provider)) {
      problems.push_back(
          {std::move(name), type ? "applies to a provider's profile only; the user is a customer"
                                 : "does not apply: an admin has no profile"});
    }
  }
  return problems;
}

}  // namespace mp::user::domain
