// Counters that never fall. A cumulative counter is a sum over the archive's
// bulletins, and a sum falls when a past bulletin is corrected, rewritten or
// removed — which Prometheus reads as a reset, making increase() jump. The
// floor keeps each counter at or above what it last exposed: a fall becomes
// an offset, the correction is counted, and the offsets survive restarts in
// the archive (.cncert-counters.json).
#ifndef CNCERT_EXPORTER_CORE_COUNTER_FLOOR_H_
#define CNCERT_EXPORTER_CORE_COUNTER_FLOOR_H_

#include <map>
#include <string>
#include <vector>

#include "exporter/metrics/exposition.h"

namespace cncert {

class CounterFloor {
 public:
  // `state_file` empty: offsets last as long as the process.
  explicit CounterFloor(std::string state_file);

  // Raises the counter samples of `families` by their offsets, growing an
  // offset where a sum fell; adds cncert_exporter_cumulative_corrections_total.
  void Apply(std::vector<MetricFamily>* families);

  double corrections() const { return corrections_; }

 private:
  void Load();
  void Save() const;

  struct Series {
    double offset = 0;
    double last = 0;  // last value exposed, offset included
  };
  std::string state_file_;
  std::map<std::string, Series> series_;  // by series key
  double corrections_ = 0;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_CORE_COUNTER_FLOOR_H_
