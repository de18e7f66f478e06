#include "herald/hub/replay_queue.hpp"

#include <algorithm>

namespace herald::hub {

void ReplayQueue::add(Subscriber& s, ReplaySnapshot snapshot) {
  s.replay_pending_ = true;
  jobs_.push_back(std::make_unique<Job>(s, std::move(snapshot)));
}

void ReplayQueue::remove(Subscriber& s) {
  if (!s.replay_pending_) return;
  std::erase_if(jobs_, [&s](const std::unique_ptr<Job>& job) { return &job->subscriber == &s; });
  s.replay_pending_ = false;
  s.held_.clear();
}

bool ReplayQueue::read(Job& job, std::size_t budget) {
  const std::vector<ReplaySnapshot::Run>& runs = job.snapshot.runs();
  while (budget > 0 && job.run < runs.size()) {
    std::span<const UpdatePtr> updates = runs[job.run].updates;
    const std::size_t end = std::min(updates.size(), job.offset + budget);
    for (std::size_t i = job.offset; i < end; ++i) {
      const UpdatePtr& u = updates[i];
      if (u && job.filter.wants(*u)) job.wanted.push_back(u);
    }
    budget -= end - job.offset;
    job.offset = end;
    if (job.offset == updates.size()) {
      ++job.run;
      job.offset = 0;
    }
  }
  return job.run == runs.size();
}

void ReplayQueue::hand_over(Job& job) {
  Subscriber& s = job.subscriber;
  s.replay_pending_ = false;
  s.replay(job.wanted);
  std::vector<UpdatePtr> held;
  held.swap(s.held_);
  for (const UpdatePtr& u : held)
    s.deliver(u);
  s.flush();
}

bool ReplayQueue::run_slice() {
  if (jobs_.empty()) return false;
  std::unique_ptr<Job> job = std::move(jobs_.front());
  jobs_.pop_front();
  if (read(*job, kSliceEntries)) {
    hand_over(*job);
  } else {
    jobs_.push_back(std::move(job));
  }
  return !jobs_.empty();
}

}  // namespace herald::hub
