#pragma once
// Request targets: "/api/v1/config/app%2Fx?limit=10&after=/a" split into a
// percent-decoded path and query parameters. Malformed escapes are errors.

#include <map>
#include <string>

#include "core/util/result.h"

namespace confman::real::http {

struct Target {
  std::string path;
  std::map<std::string, std::string> query;
  const std::string* param(const std::string& name) const {
    auto found = query.find(name);
    return found == query.end() ? nullptr : &found->second;
  }
};

Result<std::string, std::string> percent_decode(std::string_view text, bool plus_is_space);
Result<Target, std::string> parse_target(std::string_view target);

}  // namespace confman::real::http
