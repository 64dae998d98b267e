#include "real/server/metrics.h"

#include <cstdio>

namespace confman::real {

void Histogram::observe(double seconds) {
  for (std::size_t i = 0; i < kBoundsSeconds.size(); ++i) {
    if (seconds <= kBoundsSeconds[i]) counts_[i] += 1;
  }
  count_ += 1;
  sum_ += seconds;
}

std::string Histogram::render(const std::string& name, const std::string& help) const {
  std::string text = "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  char line[160];
  for (std::size_t i = 0; i < kBoundsSeconds.size(); ++i) {
    std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name.c_str(), kBoundsSeconds[i],
                  static_cast<unsigned long long>(counts_[i]));
    text += line;
  }
  std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.9f\n%s_count %llu\n", name.c_str(),
                static_cast<unsigned long long>(count_), name.c_str(), sum_, name.c_str(),
                static_cast<unsigned long long>(count_));
  text += line;
  return text;
}

}  // namespace confman::real
