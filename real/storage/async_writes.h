#pragma once
// How a storage runs its writes off the node's thread: each write's work
// runs on a writer thread (writer_thread.h), one at a time and in issue
// order, and its completion is handed to post_to_core, which must run it
// later on the node's thread (the server: boost::asio::post onto the core's
// io_context). Running a completion right away on the writer thread would
// race with the node.
//
// Destroy this on the node's thread (or once its event loop has stopped),
// before what the work uses: the destructor FINISHES every write already
// issued, then joins the writer thread; their completions are not
// delivered, and a completion posted earlier that runs later does nothing.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/node/env.h"

namespace confman::real {

class WriterThread;

// Runs a callback on the node's thread, later; callable from any thread.
using PostToCore = std::function<void(std::function<void()>)>;

struct WriteOutcome {
  node::StorageStatus status = node::StorageStatus::Ok;
  std::string failure;  // why, if not Ok
};

class AsyncWrites {
 public:
  // More than max_pending_writes queued or running is a caller bug (the
  // node keeps one in flight) and stops the process.
  AsyncWrites(PostToCore post_to_core, std::size_t max_pending_writes);
  AsyncWrites(const AsyncWrites&) = delete;
  AsyncWrites& operator=(const AsyncWrites&) = delete;
  ~AsyncWrites();

  void submit(std::function<WriteOutcome()> work, std::function<void(node::StorageStatus)> on_complete);

  // Why the last write that did not complete Ok failed, for the server's
  // log (a completion carries only a status). Read it on the node's thread.
  const std::string& last_write_failure() const { return last_write_failure_; }

 private:
  PostToCore post_to_core_;
  // Cleared by the destructor (on the node's thread); a posted completion
  // that finds it cleared does nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::string last_write_failure_;
  std::unique_ptr<WriterThread> writer_;
};

}  // namespace confman::real
