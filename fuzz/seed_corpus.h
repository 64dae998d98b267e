#pragma once
// The checked-in seed corpora (fuzz/corpus/<target>/), shared by the
// writer that makes them and the test that checks they still decode.
//
// The message and stored-record fuzz targets seal their input under a correct
// checksum before decoding it (random bytes almost never carry a valid one),
// so their seeds are payloads: an encoded frame without its 4-byte checksum.

#include <string>
#include <vector>

#include "core/util/codec.h"

namespace confman::fuzz {

constexpr const char* kMessageCorpus = "message";
constexpr const char* kStoredRecordCorpus = "stored_record";
constexpr const char* kScenarioCorpus = "scenario";

// A seed for a payload-fuzzing target: `frame` without its checksum.
inline Bytes seed_of_frame(const Bytes& frame) { return Bytes(frame.begin() + 4, frame.end()); }

}  // namespace confman::fuzz
