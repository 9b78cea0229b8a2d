using System.Text;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using System.Text.Json.Serialization;

namespace PlotPipe.Viewer.Recording;

/// <summary>The plot as a recording's <see cref="RecordingFormat.DefinitionsKey"/> metadata holds it (JSON).</summary>
/// <param name="Title">The plot's title.</param>
/// <param name="Panels">Its panels, the default panel first.</param>
/// <param name="Producers">Its producers, in order of arrival.</param>
/// <param name="Series">Every series recorded, in the order of the series column's dictionary.</param>
/// <param name="Derived">The derived series rules in force, in the order they were given, or null for none.</param>
internal sealed record RecordedPlot(string Title, List<RecordedPanel> Panels, List<RecordedProducer> Producers, List<RecordedSeries> Series, List<RecordedRule>? Derived = null)
{
    /// <summary>
    /// The JSON of <paramref name="store"/>'s plot with <paramref name="series"/> labelled <paramref name="labels"/>, in
    /// that order, and the derived series <paramref name="rules"/> (left out when there are none).
    /// </summary>
    public static string Json(PlotStore store, IReadOnlyList<SeriesStore> series, IReadOnlyList<string> labels, IReadOnlyList<RecordedRule>? rules = null)
    {
        var panels = new List<RecordedPanel>();
        foreach (var p in store.Plot.Panels) panels.Add(new RecordedPanel(p.Id, p.Title, p.XLabel, p.YLabel, AxisKinds.Name(p.XScale), AxisKinds.Name(p.YScale), p.LinkX));
        var producers = new List<RecordedProducer>();
        foreach (var p in store.ProducerStates) producers.Add(new RecordedProducer(p.Name, p.Address));
        var rows = new List<RecordedSeries>(series.Count);
        for (int i = 0; i < series.Count; i++)
        {
            var d = series[i].Definition;
            rows.Add(new RecordedSeries(labels[i], d.Name, series[i].Producer, d.Id, d.Kind == SeriesKind.Line ? "line" : "scatter", d.Format, d.Panel, (int)d.Flags));
        }
        var derived = rules is { Count: > 0 } ? new List<RecordedRule>(rules) : null;
        return JsonSerializer.Serialize(new RecordedPlot(store.Plot.Title, panels, producers, rows, derived), RecordingJson.Default.RecordedPlot);
    }

    /// <summary>
    /// Reads a recording's definitions and checks them, so that an opened plot holds only what a live stream could
    /// have defined. A text or list field that is null or missing, and a number or true/false that is missing, takes
    /// its default (the default title, linear scales, no label, a scatter with its default format, no producer, id,
    /// panel and flags 0, linked x). A value no stream could give (a series id over 1,023, a panel id over 63, an
    /// unknown kind or scale, a bad format string, an empty name or one over 200 bytes, a null entry in a list, a
    /// null number) or JSON that does not read is refused with an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static RecordedPlot Parse(string json)
    {
        RecordedPlot? plot;
        try
        {
            plot = JsonSerializer.Deserialize(json, RecordingJson.Default.RecordedPlot);
        }
        catch (JsonException e)
        {
            // The path names the field, but its property names come from the file: kept short and plain.
            string where = e.Path is { Length: > 1 } path ? $"at {Clean(path, 80)} " : "";
            throw new InvalidDataException($"they do not read as a recording's JSON {where}(line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): a value is malformed, missing its end, or of the wrong kind");
        }
        return (plot ?? throw new InvalidDataException("they are null")).Checked();
    }

    // The JSON reader fills a null or missing field with null whatever its declared type: each is read as nullable here.
    private RecordedPlot Checked()
    {
        string title = (string?)Title ?? PlotDefinition.DefaultTitle;
        Limit(title, ProtocolLimits.MaxPropertyValueBytes, "title");
        var panels = new List<RecordedPanel>();
        var given = (IReadOnlyList<RecordedPanel?>?)Panels ?? [];
        for (int i = 0; i < given.Count; i++)
        {
            string at = $"panels[{i}]";
            var p = given[i] ?? throw new InvalidDataException($"{at} is null");
            if ((uint)p.Id >= ProtocolLimits.MaxPanels) throw new InvalidDataException($"{at} has id {p.Id}; panels take ids 0 to {ProtocolLimits.MaxPanels - 1}");
            Limit(p.Title, ProtocolLimits.MaxPropertyValueBytes, at + ".title");
            Limit(p.XLabel, ProtocolLimits.MaxPropertyValueBytes, at + ".xLabel");
            Limit(p.YLabel, ProtocolLimits.MaxPropertyValueBytes, at + ".yLabel");
            panels.Add(p with { XScale = Scale(p.XScale, at + ".xScale"), YScale = Scale(p.YScale, at + ".yScale") });
        }
        var producers = new List<RecordedProducer>();
        var named = (IReadOnlyList<RecordedProducer?>?)Producers ?? [];
        for (int i = 0; i < named.Count; i++)
        {
            var p = named[i] ?? throw new InvalidDataException($"producers[{i}] is null");
            producers.Add(new RecordedProducer((string?)p.Name ?? $"producer {i + 1}", (string?)p.Address ?? ""));
        }
        var series = new List<RecordedSeries>();
        var defined = (IReadOnlyList<RecordedSeries?>?)Series ?? [];
        for (int i = 0; i < defined.Count; i++)
        {
            string at = $"series[{i}]";
            var s = defined[i] ?? throw new InvalidDataException($"{at} is null");
            string name = (string?)s.Name ?? (string?)s.Label ?? $"series {i}";
            if (name.Length == 0) throw new InvalidDataException($"{at} has an empty name");
            Limit(name, ProtocolLimits.MaxNameBytes, at + ".name");
            string kind = (string?)s.Kind ?? "scatter";
            if (kind is not ("line" or "scatter")) throw new InvalidDataException($"{at} is of kind {Shown(kind)}, not line or scatter");
            string format = (string?)s.Format ?? "";
            try
            {
                if (Encoding.UTF8.GetByteCount(format) > ProtocolLimits.MaxFormatBytes) throw new ArgumentException(format);
                PlotFormat.Parse(format, kind == "line" ? SeriesKind.Line : SeriesKind.Scatter);
            }
            catch (ArgumentException)
            {
                throw new InvalidDataException($"{at} has the format {Shown(format)}, which is not a format string (a colour letter, a marker and a line style, as matplotlib writes them)");
            }
            if ((uint)s.Id >= ProtocolLimits.MaxSeries) throw new InvalidDataException($"{at} has id {s.Id}; series take ids 0 to {ProtocolLimits.MaxSeries - 1}");
            if ((uint)s.Panel >= ProtocolLimits.MaxPanels) throw new InvalidDataException($"{at} is in panel {s.Panel}; panels take ids 0 to {ProtocolLimits.MaxPanels - 1}");
            if (s.Flags is < 0 or > ushort.MaxValue) throw new InvalidDataException($"{at} has flags {s.Flags}; flags take 16 bits");
            series.Add(s with { Label = (string?)s.Label ?? name, Name = name, Producer = (string?)s.Producer ?? "", Kind = kind, Format = format });
        }
        List<RecordedRule>? rules = null;
        var rules0 = (IReadOnlyList<RecordedRule?>?)Derived ?? [];
        for (int i = 0; i < rules0.Count; i++)
        {
            // Only their shape is checked here: the viewer reads each rule as it would a --derive, and says why it
            // cannot use one without refusing the file.
            string at = $"derived[{i}]";
            var r = rules0[i] ?? throw new InvalidDataException($"{at} is null");
            string name = (string?)r.Name ?? throw new InvalidDataException($"{at} has no name");
            string expression = (string?)r.Expression ?? throw new InvalidDataException($"{at} has no expression");
            if (name.Length == 0) throw new InvalidDataException($"{at} has an empty name");
            Limit(name, ProtocolLimits.MaxNameBytes, at + ".name");
            (rules ??= []).Add(new RecordedRule(name, expression));
        }
        return new RecordedPlot(title, panels, producers, series, rules);
    }

    private static string Scale(string? scale, string at) => scale switch
    {
        null => "linear",
        "linear" or "log" => scale,
        _ => throw new InvalidDataException($"{at} is {Shown(scale)}, not linear or log"),
    };

    private static void Limit(string? text, int maxBytes, string at)
    {
        if (text is not null && Encoding.UTF8.GetByteCount(text) > maxBytes)
            throw new InvalidDataException($"{at} is {Encoding.UTF8.GetByteCount(text)} bytes long; at most {maxBytes}");
    }

    /// <summary>
    /// A value from the file as a message quotes it: at most 40 characters, control characters (line breaks, a
    /// terminal's escapes) shown as U+FFFD, so the message stays one harmless line.
    /// </summary>
    internal static string Shown(string value) => $"\"{Clean(value, 40)}\"";

    // Text from the file as a message may carry it: at most `max` characters, no control characters.
    private static string Clean(string text, int max)
    {
        var clean = new StringBuilder(Math.Min(text.Length, max) + 1);
        foreach (char c in text.Length <= max ? text : text[..max]) clean.Append(char.IsControl(c) ? '\uFFFD' : c);
        return text.Length <= max ? clean.ToString() : clean.Append('…').ToString();
    }
}

/// <summary>One panel of a recorded plot.</summary>
/// <param name="Id">0 for the default panel.</param>
/// <param name="Title">Its title, or null.</param>
/// <param name="XLabel">Its x label, or null.</param>
/// <param name="YLabel">Its y label, or null.</param>
/// <param name="XScale">linear or log.</param>
/// <param name="YScale">linear or log.</param>
/// <param name="LinkX">Whether its x follows the other panels' (true when a recording leaves it out, as a panel's default).</param>
internal sealed record RecordedPanel(int Id, string? Title, string? XLabel, string? YLabel, string XScale, string YScale, bool LinkX = true);

/// <summary>One producer of a recorded plot.</summary>
/// <param name="Name">The name it went by.</param>
/// <param name="Address">Where it connected from.</param>
internal sealed record RecordedProducer(string Name, string Address);

/// <summary>One series of a recorded plot.</summary>
/// <param name="Label">Its value in the series column: its name, made unique with its producer's name when another series has it.</param>
/// <param name="Name">Its name as defined.</param>
/// <param name="Producer">The producer that defined it ("" for text input).</param>
/// <param name="Id">Its wire id in that producer's stream.</param>
/// <param name="Kind">line or scatter.</param>
/// <param name="Format">Its format string.</param>
/// <param name="Panel">The panel it is drawn in.</param>
/// <param name="Flags">Its flags as on the wire (1: x is time).</param>
internal sealed record RecordedSeries(string Label, string Name, string Producer, int Id, string Kind, string Format, int Panel, int Flags);

/// <summary>A derived series rule in force when the batch was written: a definition, computed again when the recording is opened.</summary>
/// <param name="Name">The derived series' name, left of <c>=</c>.</param>
/// <param name="Expression">What it computes, right of <c>=</c>, as given.</param>
internal sealed record RecordedRule(string Name, string Expression)
{
    /// <summary>The rule as <c>--derive</c> takes it.</summary>
    public string Text => $"{Name} = {Expression}";
}

/// <summary>Source-generated JSON for the recording's metadata.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecordedPlot))]
internal sealed partial class RecordingJson : JsonSerializerContext;
