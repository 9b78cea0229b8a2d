using PlotPipe.Protocol;

namespace PlotPipe;

/// <summary>A panel's axes: labels, scales, and whether its x follows the other panels'. Fixed once the panel is made.</summary>
public sealed class PanelOptions
{
    /// <summary>The x axis label, as matplotlib's <c>set_xlabel</c>; null for none.</summary>
    public string? XLabel { get; init; }

    /// <summary>The y axis label, as matplotlib's <c>set_ylabel</c>; null for none.</summary>
    public string? YLabel { get; init; }

    /// <summary>The x axis scale. Default <see cref="AxisScale.Linear"/>.</summary>
    public AxisScale XScale { get; init; }

    /// <summary>The y axis scale. Default <see cref="AxisScale.Linear"/>; <see cref="AxisScale.Log"/> for values over decades, such as a loss.</summary>
    public AxisScale YScale { get; init; }

    /// <summary>Zooming or panning x in another panel moves this one too. Default true.</summary>
    public bool LinkX { get; init; } = true;

    // Throws naming the first value the protocol cannot carry; `owner` says whose options these are.
    internal void Validate(string owner)
    {
        CheckText(XLabel, $"{owner}'s XLabel", nameof(XLabel));
        CheckText(YLabel, $"{owner}'s YLabel", nameof(YLabel));
        if (!Enum.IsDefined(XScale))
            throw new PlotArgumentException($"{owner}'s XScale {(int)XScale} is not an AxisScale (Linear or Log)", nameof(XScale));
        if (!Enum.IsDefined(YScale))
            throw new PlotArgumentException($"{owner}'s YScale {(int)YScale} is not an AxisScale (Linear or Log)", nameof(YScale));
    }

    // The DefinePanel properties for these options. Only what differs from the protocol's defaults goes out (a frame
    // replaces every property, so a key left out is its default): the documented example is what we write.
    internal void AddProperties(List<KeyValuePair<string, string>> into)
    {
        if (!string.IsNullOrEmpty(XLabel)) into.Add(new(PlotProperties.XLabel, XLabel));
        if (!string.IsNullOrEmpty(YLabel)) into.Add(new(PlotProperties.YLabel, YLabel));
        if (XScale == AxisScale.Log) into.Add(new(PlotProperties.XScale, "log"));
        if (YScale == AxisScale.Log) into.Add(new(PlotProperties.YScale, "log"));
        if (!LinkX) into.Add(new(PlotProperties.LinkX, "false"));
    }

    /// <summary>Throws naming <paramref name="what"/> when <paramref name="text"/> is longer than a property value may be.</summary>
    internal static void CheckText(string? text, string what, string paramName)
    {
        if (text is null) return;
        int bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > ProtocolLimits.MaxPropertyValueBytes)
            throw new PlotArgumentException($"{what} \"{PlotArgumentException.Quote(text)}\" is {bytes} UTF-8 bytes; it takes at most {ProtocolLimits.MaxPropertyValueBytes}", paramName);
    }
}
