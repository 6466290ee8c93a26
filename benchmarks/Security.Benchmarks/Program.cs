using BenchmarkDotNet.Running;

// Pick suites with --filter, e.g. --filter '*Headers*'; build/bench.sh runs them all.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
