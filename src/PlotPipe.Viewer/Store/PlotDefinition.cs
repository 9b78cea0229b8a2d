using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// The plot model a stream defined: the plot's title and its panels' titles, labels and scales, as DefinePlot and
/// DefinePanel frames last set them. Panel 0, the default panel, always exists; others are listed in order of
/// their first definition. Written by ingest, read by any number of readers.
/// </summary>
internal sealed class PlotDefinition
{
    /// <summary>The title a plot shows when its producer gave none.</summary>
    public const string DefaultTitle = "PlotPipe";

    private readonly object _gate = new();
    private string _title = DefaultTitle;
    private PanelDefinition[] _panels = [PanelDefinition.Default(0)];
    private long _version;

    /// <summary>Bumped on every DefinePlot and DefinePanel, so a page is sent the definition again when it changed.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The plot's title.</summary>
    public string Title
    {
        get { lock (_gate) return _title; }
    }

    /// <summary>The panels, the default panel first, then in order of first definition.</summary>
    public IReadOnlyList<PanelDefinition> Panels => Volatile.Read(ref _panels);

    /// <summary>Whether panel <paramref name="id"/> exists: the default panel, or one any producer (or text input's --panel) defined.</summary>
    public bool Has(int id)
    {
        foreach (var p in Volatile.Read(ref _panels))
        {
            if (p.Id == id) return true;
        }
        return false;
    }

    /// <summary>
    /// Replaces the plot's properties; keys this version does not know are ignored. The panel keys (labels, scales,
    /// linkx) describe the default panel 0, which takes no DefinePanel frame; when any is given they replace its properties.
    /// </summary>
    public void DefinePlot(IReadOnlyList<KeyValuePair<string, string>> properties)
    {
        string title = DefaultTitle;
        List<KeyValuePair<string, string>>? panel0 = null;
        foreach (var (key, value) in properties)
        {
            if (key == PlotProperties.Title) title = value;
            else if (PanelKeyValue(key, value)) (panel0 ??= []).Add(new(key, value));
        }
        lock (_gate) _title = title;
        Interlocked.Increment(ref _version);
        if (panel0 is not null) DefinePanel(0, panel0);
    }

    // Whether a DefinePlot entry is a default-panel property with a value it may take (the decoder checks panel
    // keys' values only in DefinePanel frames).
    private static bool PanelKeyValue(string key, string value) => key switch
    {
        PlotProperties.XLabel or PlotProperties.YLabel => true,
        PlotProperties.XScale or PlotProperties.YScale => AxisKinds.TryParseScale(value, out _),
        PlotProperties.LinkX => value is "true" or "false",
        _ => false,
    };

    /// <summary>Replaces panel <paramref name="id"/>'s properties (a property left out returns to its default); keys this version does not know are ignored.</summary>
    public void DefinePanel(int id, IReadOnlyList<KeyValuePair<string, string>> properties)
    {
        var panel = PanelDefinition.Default(id);
        foreach (var (key, value) in properties)
        {
            panel = key switch
            {
                PlotProperties.Title => panel with { Title = value },
                PlotProperties.XLabel => panel with { XLabel = value },
                PlotProperties.YLabel => panel with { YLabel = value },
                PlotProperties.XScale when AxisKinds.TryParseScale(value, out var x) => panel with { XScale = x },
                PlotProperties.YScale when AxisKinds.TryParseScale(value, out var y) => panel with { YScale = y },
                PlotProperties.LinkX => panel with { LinkX = value == "true" },
                _ => panel,
            };
        }
        lock (_gate)
        {
            // Readers may hold the old array: change a copy.
            PanelDefinition[] panels = [.. _panels];
            int at = Array.FindIndex(panels, p => p.Id == id);
            if (at >= 0) panels[at] = panel;
            else panels = [.. panels, panel];
            Volatile.Write(ref _panels, panels);
        }
        Interlocked.Increment(ref _version);
    }
}

/// <summary>One panel as its DefinePanel frame set it.</summary>
/// <param name="Id">0 for the default panel, 1 to 63 for defined ones.</param>
/// <param name="Title">Shown above the panel, or null.</param>
/// <param name="XLabel">The x axis label, or null.</param>
/// <param name="YLabel">The y axis label, or null.</param>
/// <param name="XScale">Linear or Log (whether x is drawn as time is the layout's to say).</param>
/// <param name="YScale">Linear or Log.</param>
/// <param name="LinkX">Whether its x range follows the other panels'.</param>
internal sealed record PanelDefinition(int Id, string? Title, string? XLabel, string? YLabel, AxisKind XScale, AxisKind YScale, bool LinkX)
{
    /// <summary>A panel with every property at its default.</summary>
    public static PanelDefinition Default(int id) => new(id, null, null, null, AxisKind.Linear, AxisKind.Linear, true);
}
