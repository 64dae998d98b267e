#pragma once
// Every failure the HTTP API answers, with its status, its problem type URI
// (RFC 9457) and what it says about the request's effect, in one table
// (problems.cpp) that docs/API.md mirrors and a test holds it to. Clients
// and the history recorder classify by status or type, never by detail:
//
//   - 4xx, and 503 (with Retry-After): the request changed nothing; a 503
//     may be retried as it is, here or on another node;
//   - 504 (outcome-unknown) only: it may or may not have taken effect;
//     retry with the same client session to apply it at most once;
//   - 409 stale-sequence: the session has moved past this write, whose own
//     result is no longer kept: also unknown.

#include <string>

#include "real/http/http_server.h"

namespace confman::real::http {

enum class Problem {
  InvalidRequest,
  InvalidKey,
  MalformedJson,
  MalformedHttp,
  RouteNotFound,
  MethodNotAllowed,
  NotFound,
  PreconditionFailed,
  StaleSequence,
  ValueTooLarge,
  BodyTooLarge,
  HeadTooLarge,
  ReservedNamespace,
  Redirect,
  Compacted,
  NoLeader,
  Busy,
  LeaderUnreachable,
  RevisionWaitTimeout,
  NodeStopped,
  TooManyWatches,
  ConnectionLimit,
  NoSpace,
  OutcomeUnknown,
  Internal,
};
inline constexpr int kProblemCount = static_cast<int>(Problem::Internal) + 1;

// What a failure says about the request's effect.
enum class Effect {
  None,     // it changed nothing
  Unknown,  // it may have taken effect
};

struct ProblemSpec {
  unsigned status;
  const char* title;
  const char* type;  // "urn:confman:problem:..."
  Effect effect;
  bool retry_after;  // answered with Retry-After: 1
};

const ProblemSpec& problem_spec(Problem problem);

// The problem+json response for a failure.
Response problem(Problem problem, std::string detail);

}  // namespace confman::real::http
