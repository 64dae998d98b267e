#include "check/model.h"

namespace confman::check {

ParseError unsupported_operation(const History& history, const Operation& op,
                                 std::string_view model, std::string_view hint) {
  return ParseError{history.file_name, op.call_line,
                    "expected an operation the " + std::string(model) + " model checks (" +
                        std::string(hint) + "), not a " + function_name(op.function) +
                        " from a " + format_name(op.source) + " history"};
}

}  // namespace confman::check
