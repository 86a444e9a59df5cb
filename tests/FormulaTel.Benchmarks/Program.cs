using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/FormulaTel.Benchmarks -- --filter '*'   (see docs/benchmarks.md)
BenchmarkSwitcher.FromAssembly(typeof(FormulaTel.Benchmarks.DecoderBenchmarks).Assembly).Run(args);
