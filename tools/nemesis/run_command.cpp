#include "tools/nemesis/run_command.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace confman::nemesis {

namespace {
constexpr std::size_t kMaxOutputBytes = 64 * 1024;
}

std::string join_words(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& word : argv) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::vector<char*> exec_array(const std::vector<std::string>& words) {
  std::vector<char*> array;
  array.reserve(words.size() + 1);
  for (const std::string& word : words) array.push_back(const_cast<char*>(word.c_str()));
  array.push_back(nullptr);
  return array;
}

Result<std::string, CommandFailure> run_command(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return unexpected(CommandFailure{join_words(argv) + ": pipe: " + std::strerror(errno)});
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> args = exec_array(argv);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  std::string output;
  if (spawned == 0) {
    char buffer[4096];
    for (;;) {
      const ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      if (output.size() < kMaxOutputBytes) output.append(buffer, static_cast<std::size_t>(got));
    }
  }
  ::close(pipe_fds[0]);
  if (spawned != 0) return unexpected(CommandFailure{join_words(argv) + ": cannot start: " + std::strerror(spawned)});
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return output;
  const std::string how = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : "killed by a signal";
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return unexpected(CommandFailure{join_words(argv) + ": " + how + (output.empty() ? "" : ": " + output)});
}

Result<pid_t, CommandFailure> spawn_logged(const std::vector<std::string>& argv,
                                           const std::vector<std::string>& env_first,
                                           const std::filesystem::path& log) {
  const std::string log_path = log.string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<std::string> env = env_first;
  for (char** inherited = environ; *inherited != nullptr; ++inherited) env.emplace_back(*inherited);
  std::vector<char*> args = exec_array(argv);
  std::vector<char*> envp = exec_array(env);
  pid_t pid = 0;
  const int failed = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) return unexpected(CommandFailure{"cannot start " + join_words(argv) + ": " + std::strerror(failed)});
  return pid;
}

}  // namespace confman::nemesis
