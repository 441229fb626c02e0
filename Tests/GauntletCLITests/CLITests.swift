import Testing

/// Every suite that runs the built binary, one at a time: each spawns `gauntlet` processes and
/// servers, and running them side by side on a 2-core CI machine starves the timing-sensitive
/// engine suites that run in parallel with them.
@Suite(.serialized) enum CLITests {}
