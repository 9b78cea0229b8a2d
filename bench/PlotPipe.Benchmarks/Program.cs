using BenchmarkDotNet.Running;

// Not typeof(Program): the viewer's top-level Program is visible here too and the names clash.
BenchmarkSwitcher.FromAssembly(typeof(PlotPipe.Benchmarks.Producer.AddPointBenchmarks).Assembly).Run(args);
