namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Which column is x when <c>--x</c> does not say: the one rule for delimited rows and JSON lines.
/// A column (or field) is x when its name says so (<see cref="SaysX"/>) or its values are ISO-8601 times; a header's
/// first column with no name is x too (<see cref="IsX"/>); headerless rows of numbers only keep their first column as
/// x; otherwise x is the line number.
/// </summary>
internal static class TextXRule
{
    // Compared with the name's first word, so "time_s", "time (s)" and "Step" count too.
    private static readonly string[] Words =
        ["x", "t", "ts", "time", "timestamp", "date", "datetime", "step", "steps", "epoch", "iteration", "iter", "index", "idx",
         "frame", "tick", "sample", "elapsed", "seconds"];

    /// <summary>The x axis' label when x is a header's unnamed first column.</summary>
    public const string UnnamedX = "index";

    /// <summary>
    /// Whether a header's first column, called <paramref name="name"/>, holds x: its name says so, or it has none, as
    /// the index column pandas' <c>to_csv</c> writes first (<c>,loss,acc</c>) and <c>read_csv(index_col=0)</c> reads back.
    /// </summary>
    public static bool IsX(ReadOnlySpan<char> name) => Unnamed(name) || SaysX(name);

    /// <summary>The x axis' label for the header column <paramref name="name"/>: its name, or <see cref="UnnamedX"/> for none.</summary>
    public static string LabelOf(string name) => Unnamed(name) ? UnnamedX : name;

    // A header's column with no name: empty or only blanks.
    private static bool Unnamed(ReadOnlySpan<char> name) => name.Trim().IsEmpty;

    /// <summary>Whether a column called <paramref name="name"/> holds x: its first word is x, t, time, timestamp, date, step, epoch, iteration, ...</summary>
    public static bool SaysX(ReadOnlySpan<char> name)
    {
        name = name.Trim();
        int end = name.IndexOfAny(" _([/.-");
        if (end >= 0) name = name[..end];
        foreach (var word in Words)
        {
            if (name.Equals(word, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
