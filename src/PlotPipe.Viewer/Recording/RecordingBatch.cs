using System.Runtime.InteropServices;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Recording;

/// <summary>One record batch of a recording as <see cref="RecordingReader.Current"/> gave it: its columns over the reader's body buffer.</summary>
/// <param name="Body">The message body the columns lie in.</param>
/// <param name="Rows">Rows in the batch.</param>
/// <param name="SeriesAt">Where the series indices start in the body.</param>
/// <param name="XAt">Where x starts.</param>
/// <param name="YAt">Where y starts.</param>
/// <param name="Plot">The plot's definitions, checked, when this batch changed them, else null.</param>
/// <param name="Labels">The series dictionary as of this batch.</param>
/// <param name="Events">The markers that arrived since the batch before, with their producers and whether each is an alert, or null.</param>
internal readonly record struct RecordingBatch(byte[] Body, int Rows, long SeriesAt, long XAt, long YAt, RecordedPlot? Plot, string[] Labels, (PlotEvent Event, string Producer, bool Alert)[]? Events = null)
{
    /// <summary>Dictionary indices of the rows' series.</summary>
    public ReadOnlySpan<int> Series => MemoryMarshal.Cast<byte, int>(Body.AsSpan((int)SeriesAt, Rows * 4));

    /// <summary>x of the rows.</summary>
    public ReadOnlySpan<double> X => MemoryMarshal.Cast<byte, double>(Body.AsSpan((int)XAt, Rows * 8));

    /// <summary>y of the rows.</summary>
    public ReadOnlySpan<double> Y => MemoryMarshal.Cast<byte, double>(Body.AsSpan((int)YAt, Rows * 8));
}
