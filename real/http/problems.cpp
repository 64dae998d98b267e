#include "real/http/problems.h"

#include <boost/json.hpp>

#include <array>

namespace confman::real::http {

namespace {

constexpr std::array<ProblemSpec, kProblemCount> kProblems{{
    {400, "Bad Request", "urn:confman:problem:invalid-request", Effect::None, false},
    {400, "Invalid Key", "urn:confman:problem:invalid-key", Effect::None, false},
    {400, "Malformed JSON", "urn:confman:problem:malformed-json", Effect::None, false},
    {400, "Malformed HTTP", "urn:confman:problem:malformed-http", Effect::None, false},
    {404, "Not Found", "urn:confman:problem:no-such-route", Effect::None, false},
    {405, "Method Not Allowed", "urn:confman:problem:method-not-allowed", Effect::None, false},
    {404, "Not Found", "urn:confman:problem:not-found", Effect::None, false},
    {412, "Precondition Failed", "urn:confman:problem:precondition-failed", Effect::None, false},
    {409, "Conflict", "urn:confman:problem:stale-sequence", Effect::Unknown, false},
    {413, "Payload Too Large", "urn:confman:problem:value-too-large", Effect::None, false},
    {413, "Payload Too Large", "urn:confman:problem:body-too-large", Effect::None, false},
    {431, "Request Header Fields Too Large", "urn:confman:problem:head-too-large", Effect::None, false},
    {403, "Reserved Namespace", "urn:confman:problem:reserved-namespace", Effect::None, false},
    {307, "Temporary Redirect", "urn:confman:problem:redirect", Effect::None, false},
    {410, "Gone", "urn:confman:problem:compacted", Effect::None, false},
    {503, "Service Unavailable", "urn:confman:problem:no-leader", Effect::None, true},
    {503, "Service Unavailable", "urn:confman:problem:busy", Effect::None, true},
    {503, "Service Unavailable", "urn:confman:problem:leader-unreachable", Effect::None, true},
    {503, "Service Unavailable", "urn:confman:problem:revision-wait-timeout", Effect::None, true},
    {503, "Service Unavailable", "urn:confman:problem:node-stopped", Effect::None, true},
    {503, "Service Unavailable", "urn:confman:problem:too-many-watches", Effect::None, true},
    {503, "Service Unavailable", "urn:confman:problem:connection-limit", Effect::None, true},
    {507, "Insufficient Storage", "urn:confman:problem:no-space", Effect::None, false},
    {504, "Outcome Unknown", "urn:confman:problem:outcome-unknown", Effect::Unknown, false},
    {500, "Internal Server Error", "urn:confman:problem:internal", Effect::None, false},
}};

}  // namespace

const ProblemSpec& problem_spec(Problem problem) { return kProblems[static_cast<std::size_t>(problem)]; }

Response problem(Problem kind, std::string detail) {
  const ProblemSpec& spec = problem_spec(kind);
  boost::json::object body{{"type", spec.type}, {"title", spec.title}, {"status", spec.status}, {"detail", detail}};
  Response response{spec.status, "application/problem+json", {}, boost::json::serialize(body)};
  if (spec.retry_after) response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace confman::real::http
