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

Outcome<ProfileType, AdminUpdateRefusal> ProfileToChange(const AdminUserUpdate& update,
                                                         std::int64_t role_id) {
  auto type = ProfileTypeForRole(role_id);
  if (!type || !ProfileFieldProblems(update, role_id).empty())
    return AdminUpdateRefusal::kFieldsOfAnotherRole;
  return *type;
}

}  // namespace mp::user::domain
