#include <algorithm>
#include <numeric>

#include "viz/viz_internal.h"

namespace confman::viz::detail {

std::int64_t int_field(const json::object& object, std::string_view name, std::int64_t fallback) {
  const auto it = object.find(name);
  if (it == object.end()) return fallback;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().get_uint64());
  return fallback;
}

bool has_int(const json::object& object, std::string_view name) {
  const auto it = object.find(name);
  return it != object.end() && (it->value().is_int64() || it->value().is_uint64());
}

std::string string_field(const json::object& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

std::vector<std::size_t> spread(std::size_t total, std::size_t keep) {
  std::vector<std::size_t> positions;
  if (keep >= total) {
    positions.resize(total);
    std::iota(positions.begin(), positions.end(), std::size_t{0});
    return positions;
  }
  positions.reserve(keep);
  // The middle of each of `keep` equal slices: strictly ascending because
  // total > keep makes every slice at least one item wide.
  for (std::size_t j = 0; j < keep; ++j) positions.push_back(((2 * j + 1) * total) / (2 * keep));
  return positions;
}

std::vector<std::size_t> share_budget(const std::vector<std::size_t>& sizes, std::size_t budget) {
  std::vector<std::size_t> share(sizes.size(), 0);
  std::vector<std::size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] < sizes[b]; });
  std::size_t left = budget;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t groups_left = order.size() - i;
    const std::size_t fair = left / groups_left;
    share[order[i]] = std::min(sizes[order[i]], fair);
    left -= share[order[i]];
  }
  return share;
}

}  // namespace confman::viz::detail
