using System.Buffers;
using System.Text;

namespace PlotPipe.Protocol;

/// <summary>
/// The property keys of DefinePlot and DefinePanel frames this version knows, and the rules for keys and values.
/// A reader ignores keys it does not know, so the plot model grows without a new protocol version.
/// </summary>
public static class PlotProperties
{
    /// <summary>Plot and panel: the title shown above it.</summary>
    public const string Title = "title";

    /// <summary>Panel: the x axis label.</summary>
    public const string XLabel = "xlabel";

    /// <summary>Panel: the y axis label.</summary>
    public const string YLabel = "ylabel";

    /// <summary>Panel: the x axis scale, <c>linear</c> or <c>log</c>.</summary>
    public const string XScale = "xscale";

    /// <summary>Panel: the y axis scale, <c>linear</c> or <c>log</c>.</summary>
    public const string YScale = "yscale";

    /// <summary>Panel: whether its x range follows the other panels', <c>true</c> or <c>false</c>.</summary>
    public const string LinkX = "linkx";

    /// <summary>Index of the first byte of <paramref name="key"/> outside [a-z0-9_.], or -1.</summary>
    internal static int FirstBadKeyByte(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < key.Length; i++)
        {
            byte c = key[i];
            if (!(c is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'.')) return i;
        }
        return -1;
    }

    /// <summary>Why <paramref name="value"/> cannot stand for a key this version knows, or null when it can (or the key is unknown).</summary>
    internal static string? ValueProblem(FrameType frame, string key, string value)
    {
        bool panel = frame == FrameType.DefinePanel;
        switch (key)
        {
            case XScale or YScale when panel:
                return value is "linear" or "log" ? null : $"property \"{key}\" must be \"linear\" or \"log\", found \"{Shown(value)}\"";
            case LinkX when panel:
                return value is "true" or "false" ? null : $"property \"{key}\" must be \"true\" or \"false\", found \"{Shown(value)}\"";
            default:
                return null;
        }
    }

    /// <summary>Index of the first byte of the first ill-formed UTF-8 sequence, or -1 when all is well-formed.</summary>
    internal static int FirstInvalidUtf8(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf8(text[i..], out _, out int used) != OperationStatus.Done) return i;
            i += used;
        }
        return -1;
    }

    // Only printable ASCII goes into a message: a value off the wire may hold terminal control bytes.
    internal static string Shown(string text)
    {
        var b = new StringBuilder(Math.Min(text.Length, 40));
        for (int k = 0; k < text.Length && k < 40; k++) b.Append(text[k] is >= ' ' and <= '~' ? text[k] : '?');
        return b.ToString();
    }
}
