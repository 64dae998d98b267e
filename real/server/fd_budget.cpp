#include "real/server/fd_budget.h"

#include <sys/resource.h>

#include <algorithm>

namespace confman::real {

std::string DescriptorBudget::describe() const {
  return "fd_soft_limit=" + std::to_string(soft_limit) + " fd_hard_limit=" + std::to_string(hard_limit) +
         " max_connections=" + std::to_string(max_connections);
}

DescriptorBudget plan_descriptors(std::size_t requested_connections) {
  rlimit limit{};
  DescriptorBudget budget;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    budget.max_connections = requested_connections;  // cannot tell: trust the operator
    return budget;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const auto capped = [](rlim_t value) {
    return value == RLIM_INFINITY ? std::size_t{1} << 20 : static_cast<std::size_t>(value);
  };
  budget.soft_limit = capped(limit.rlim_cur);
  budget.hard_limit = capped(limit.rlim_max);
  const std::size_t available = budget.soft_limit > kReservedDescriptors ? budget.soft_limit - kReservedDescriptors : 0;
  budget.max_connections = std::min(requested_connections, available);
  return budget;
}

}  // namespace confman::real
