// A third-party parser call (poppler, Tesseract) run in a child process
// under a memory and time budget. Their allocations cannot be bounded from
// outside in-process, and some of them abort on a failed one: in a child,
// a hostile file costs at most the budget, and a crash, an abort or a
// runaway loop in the library becomes a reason instead of the end of the
// exporter.
#ifndef CNCERT_PARSERS_CHILD_CALL_H_
#define CNCERT_PARSERS_CHILD_CALL_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace cncert {

struct ChildBudget {
  // Address space the call may add to what the process has mapped.
  std::size_t memory_bytes = 256u << 20;
  std::chrono::milliseconds time{30'000};
};

enum class ChildOutcome {
  kDone,        // `output` is what the work returned
  kOverMemory,  // an allocation failed under the budget, or the kernel's
                // OOM killer took the child (the service's MemoryMax)
  kOverTime,    // stopped at the time budget
  kCrashed,     // died of a signal, or threw
  kNoChild,     // the child could not be started (fork, pipe)
};

struct ChildResult {
  ChildOutcome outcome = ChildOutcome::kNoChild;
  std::string output;
  std::string error;  // for people: what happened, with the budget
};

// Runs `work` in a forked child and returns its result. `work` must not
// take locks that another thread of the parent may hold (the child has
// only this thread): it should call the library and nothing else.
// Thread-safe; each call has its own child.
ChildResult CallInChild(const ChildBudget& budget,
                        const std::function<std::string()>& work);

// Whether the PDF and image readers use children in this build. Not under
// AddressSanitizer: its runtime here (GCC 12's) takes no lock around fork,
// so a child forked while another thread allocates can hang on the
// sanitizer's allocator (a backfill of 300 PDFs on four threads hit it).
// There the readers run in process, one at a time; CallInChild itself is
// still tested.
bool ReadersRunInChildren();

// False under AddressSanitizer, which maps terabytes of shadow memory up
// front, and in builds without the allocation watch: there the time budget and
// the crash isolation still hold, the memory budget does not.
bool ChildMemoryBudgetEnforced();

}  // namespace cncert

#endif  // CNCERT_PARSERS_CHILD_CALL_H_
