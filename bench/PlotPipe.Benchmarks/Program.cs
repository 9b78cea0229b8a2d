using BenchmarkDotNet.Running;

// A quick in-process timing, outside BenchmarkDotNet (see EncodedViewTiming).
if (args is ["encoded-view-timing", ..])
{
    PlotPipe.Benchmarks.Decimate.EncodedViewTiming.Run(args[1..]);
    return;
}

if (args is ["gesture-view-timing", ..])
{
    PlotPipe.Benchmarks.Decimate.GestureViewTiming.Run(args[1..]);
    return;
}

if (args is ["picture-export-timing", ..])
{
    PlotPipe.Benchmarks.Export.PictureExportTiming.Run(args[1..]);
    return;
}

// Not typeof(Program): the viewer's top-level Program is visible here too and the names clash.
BenchmarkSwitcher.FromAssembly(typeof(PlotPipe.Benchmarks.Producer.AddPointBenchmarks).Assembly).Run(args);
