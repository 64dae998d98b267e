#pragma once
// Percent-encoding for request targets. Keys are paths, so a key keeps its
// '/' separators; every other byte outside RFC 3986's unreserved set
// (A-Z a-z 0-9 - . _ ~) becomes %XX, which the server decodes back
// (real/http/url.h). Query values encode '/' too.

#include <string>
#include <string_view>

namespace confman::client::detail {

std::string encode_path(std::string_view path);
std::string encode_query_value(std::string_view value);

}  // namespace confman::client::detail
