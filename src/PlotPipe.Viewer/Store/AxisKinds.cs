namespace PlotPipe.Viewer.Store;

/// <summary>The names an <see cref="AxisKind"/> goes by on the wire, in recordings and on the page: <c>linear</c>, <c>log</c>, <c>time</c>.</summary>
internal static class AxisKinds
{
    /// <summary>The kind's name.</summary>
    public static string Name(AxisKind kind) => kind switch
    {
        AxisKind.Log => "log",
        AxisKind.Time => "time",
        _ => "linear",
    };

    /// <summary>The kind's name as UTF-8, for JSON writers.</summary>
    public static ReadOnlySpan<byte> Utf8Name(AxisKind kind) => kind switch
    {
        AxisKind.Log => "log"u8,
        AxisKind.Time => "time"u8,
        _ => "linear"u8,
    };

    /// <summary>Reads a panel's <c>xscale</c> or <c>yscale</c> property: <c>linear</c> or <c>log</c>, nothing else.</summary>
    public static bool TryParseScale(string value, out AxisKind scale)
    {
        scale = value switch
        {
            "linear" => AxisKind.Linear,
            "log" => AxisKind.Log,
            _ => (AxisKind)(-1),
        };
        return scale is AxisKind.Linear or AxisKind.Log;
    }
}
