#pragma once
// Runs a program (no shell) to completion and says how it went (the
// nemesis's `ip` calls), or starts one and leaves it running (servers,
// link proxies). A failure is a value naming the command, its exit
// status and what it printed, so a missing privilege or tool reads as such.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/util/result.h"

namespace confman::nemesis {

struct CommandFailure {
  std::string message;  // "ip netns add x: exit 1: mount --make-shared ...: Permission denied"
};

// argv[0] is looked up on PATH. Standard output and error are captured
// together, up to 64 KiB.
Result<std::string, CommandFailure> run_command(const std::vector<std::string>& argv);

// Starts a program (looked up on PATH) without waiting for it: standard
// output to /dev/null, standard error appended to `log`, and `env_first`
// ahead of the inherited environment (so its variables win). The pid.
Result<pid_t, CommandFailure> spawn_logged(const std::vector<std::string>& argv,
                                           const std::vector<std::string>& env_first,
                                           const std::filesystem::path& log);

std::string join_words(const std::vector<std::string>& argv);

// The null-terminated array exec and posix_spawn take (argv or envp),
// pointing into `words`, which must outlive it.
std::vector<char*> exec_array(const std::vector<std::string>& words);

}  // namespace confman::nemesis
