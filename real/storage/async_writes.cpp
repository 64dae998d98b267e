#include "real/storage/async_writes.h"

#include <utility>

#include "core/util/assert.h"
#include "real/storage/writer_thread.h"

namespace confman::real {

AsyncWrites::AsyncWrites(PostToCore post_to_core, std::size_t max_pending_writes)
    : post_to_core_(std::move(post_to_core)), writer_(std::make_unique<WriterThread>(max_pending_writes)) {
  CONFMAN_ASSERT(post_to_core_ != nullptr, "a storage needs a way to post completions to the node's thread");
}

AsyncWrites::~AsyncWrites() {
  *alive_ = false;  // completions already posted will find this and do nothing
  writer_.reset();  // finishes every issued write, then joins
}

void AsyncWrites::submit(std::function<WriteOutcome()> work, std::function<void(node::StorageStatus)> on_complete) {
  CONFMAN_ASSERT(on_complete != nullptr, "a storage write needs a completion");
  writer_->submit([this, work = std::move(work), on_complete = std::move(on_complete)]() mutable {
    WriteOutcome outcome = work();  // on the writer thread
    post_to_core_([this, alive = alive_, outcome = std::move(outcome), on_complete = std::move(on_complete)] {
      if (!*alive) return;
      if (outcome.status != node::StorageStatus::Ok) last_write_failure_ = outcome.failure;
      on_complete(outcome.status);
    });
  });
}

}  // namespace confman::real
