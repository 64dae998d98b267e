#include "sim/clock/node_clock.h"

namespace confman::sim {

TimeUs NodeClock::global_us(TimeUs local) const {
  // Invert local = g + offset + g * drift / 1e6, then step up to the first
  // global microsecond whose local reading reaches `local`.
  TimeUs guess = (local - offset_us) * 1'000'000 / (1'000'000 + drift_ppm);
  if (guess < 0) guess = 0;
  while (local_us(guess) < local) guess += 1;
  while (guess > 0 && local_us(guess - 1) >= local) guess -= 1;
  return guess;
}

}  // namespace confman::sim
