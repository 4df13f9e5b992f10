// The parse-only front's way to the whole exporter: exec'd in the front's
// place (the same process, so the same PID for service managers and
// signals) with the same command line.
#ifndef CNCERT_EXPORTER_CLI_HAND_OVER_H_
#define CNCERT_EXPORTER_CLI_HAND_OVER_H_

namespace cncert {

// The command line to hand over: main()'s argv, which outlives the call.
void SetHandOverArguments(char** argv);

// Execs the whole exporter (`cncert_exporter_whole` among the plugins).
// Returns only if it cannot, after saying why on stderr.
void HandOver();

}  // namespace cncert

#endif  // CNCERT_EXPORTER_CLI_HAND_OVER_H_
