#pragma once
// Fixture for the sans-IO build check: this include must be rejected.
#include <thread>
