// Independent work spread over the machine's cores.
#ifndef CNCERT_EXPORTER_BASE_PARALLEL_H_
#define CNCERT_EXPORTER_BASE_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace cncert {

// Parsing bulletins: at most this many threads, one for every this many
// files (parsing one takes about 0.1 ms).
inline constexpr std::size_t kMaxParseThreads = 4;
inline constexpr std::size_t kFilesPerThread = 16;

// Calls fn(i) for every i in [0, n), on this thread and up to
// max_threads - 1 more (no more than the cores, and one thread for every
// `per_thread` items: fewer are not worth starting one). fn must be safe to
// call concurrently for different i.
void ParallelFor(std::size_t n, std::size_t max_threads, std::size_t per_thread,
                 const std::function<void(std::size_t)>& fn);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_PARALLEL_H_
