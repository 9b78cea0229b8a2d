namespace PlotPipe.Viewer.Ingest;

/// <summary>How text input is read: which field is x, whether x is a time, and the longest line taken.</summary>
internal sealed class TextOptions
{
    /// <summary>The default line-length limit: 64 KiB.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    /// <summary>The JSON field (or header column) that holds x; null: the first column, or the line number for JSON.</summary>
    public string? XField { get; set; }

    /// <summary>Read x as a time (ISO-8601 or Unix seconds), stored as Unix seconds.</summary>
    public bool XTime { get; set; }

    /// <summary>A line longer than this many bytes (without its newline) is a bad line; no more than this is buffered for it.</summary>
    public int MaxLineBytes { get; set; } = DefaultMaxLineBytes;
}
