using System.Text.Json;
using PlotPipe.Viewer.Decimate;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// What a page asks to see, from its <c>{"type":"view",...}</c> message: null ranges mean "fit the data",
/// a follow span means "the last <see cref="FollowSpan"/> x-units, ending at the newest x", and an automatic follow
/// lets each x group follow its own window (<see cref="ViewRanges.AutoFollowSpan"/>).
/// </summary>
/// <param name="XMin">Left edge of the first linked panel's x group when none of its panels gives one, or null to fit its data.</param>
/// <param name="XMax">Right edge of the first linked panel's x group when none of its panels gives one.</param>
/// <param name="YMin">Bottom edge, or null to fit what is in view.</param>
/// <param name="YMax">Top edge, or null to fit what is in view.</param>
/// <param name="FollowSpan">The x-span to follow (oscilloscope), or null; wins over an x range.</param>
/// <param name="WidthPx">Plot area width in pixels.</param>
/// <param name="HeightPx">Plot area height in pixels (the one panel of an old page's request).</param>
/// <param name="Panels">The panels the page shows, top to bottom; null for an old page's one-panel request over every series.</param>
/// <param name="Hidden">Series indexes the page does not show, sorted, no repeats; null when none.</param>
/// <param name="Seq">The page's number for this request, echoed before the view that answers it; null when none.</param>
/// <param name="AutoFollow">Follow with each x group's automatic window (<c>"follow":"auto"</c>); <paramref name="FollowSpan"/> is then null.</param>
/// <param name="HistogramOf">The meta index of the series whose histogram over the x in view goes with each view (<c>"histogram"</c>), or null.</param>
/// <param name="Float32">The page reads points as float32 offsets from whole-number bases (<c>"coords":"f32"</c>, series mode 2), half the bytes of float64.</param>
internal readonly record struct ViewRequest(double? XMin, double? XMax, double? YMin, double? YMax, double? FollowSpan, int WidthPx, int HeightPx,
    PanelRequest[]? Panels = null, int[]? Hidden = null, long? Seq = null, bool AutoFollow = false, int? HistogramOf = null, bool Float32 = false)
{
    /// <summary>Whether the panels follow their newest x, with a given span or the automatic one.</summary>
    public bool Follows => FollowSpan is not null || AutoFollow;

    /// <summary>Most panels a page may list; the protocol has at most 64 panel ids.</summary>
    public const int MaxPanels = 64;

    /// <summary>Most entries in <c>hidden</c>.</summary>
    public const int MaxHidden = 65_536;

    /// <summary>Whether the series with meta index <paramref name="index"/> is hidden by the page.</summary>
    public bool IsHidden(int index) => Hidden is { } h && Array.BinarySearch(h, index) >= 0;

    /// <summary>The largest plot side a page may ask for; bigger asks are clamped so a page cannot make the viewer build huge images.</summary>
    public const int MaxSidePx = ViewBuilder.MaxSidePx;

    /// <summary>
    /// The largest plot area a page may ask for (2^22 pixels: a whole 2560 × 1600 screen); a bigger ask keeps its
    /// shape at this area, and the page stretches what it gets. A scatter's density image costs 4 bytes a pixel, so
    /// this bounds it at 16 MiB a series.
    /// </summary>
    public const int MaxAreaPx = 1 << 22;

    /// <summary>Fit everything into an 800 by 400 plot; used until the page has said what it wants.</summary>
    public static ViewRequest FitAll => new(null, null, null, null, null, 800, 400);

    /// <summary>
    /// Reads one page message. Returns false with <paramref name="error"/> set when the JSON is malformed or a
    /// field has the wrong shape; returns true with <paramref name="isView"/> false for well-formed messages of
    /// other types, which a newer page may send and this viewer ignores.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out ViewRequest request, out bool isView, out string? error)
    {
        request = FitAll;
        isView = false;
        error = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Fail("expected a JSON object", out error);
            string? type = null;
            double? xMin = null, xMax = null, yMin = null, yMax = null, follow = null;
            bool autoFollow = false;
            long? seq = null;
            int width = FitAll.WidthPx, height = FitAll.HeightPx;
            PanelRequest[]? panels = null;
            int[]? hidden = null;
            int? histogram = null;
            bool float32 = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) return Fail("\"type\" must be a string", out error);
                    type = reader.GetString();
                }
                else if (reader.ValueTextEquals("x"u8))
                {
                    if (!ReadRange(ref reader, out xMin, out xMax)) return Fail("\"x\" must be null or [min, max] of finite numbers", out error);
                }
                else if (reader.ValueTextEquals("y"u8))
                {
                    if (!ReadRange(ref reader, out yMin, out yMax)) return Fail("\"y\" must be null or [min, max] of finite numbers", out error);
                }
                else if (reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null) seq = null;
                    else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n >= 0) seq = n;
                    else return Fail("\"seq\" must be null or a whole number from 0", out error);
                }
                else if (reader.ValueTextEquals("follow"u8))
                {
                    reader.Read();
                    (follow, autoFollow) = (null, false);
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var t) && double.IsFinite(t) && t > 0) follow = t;
                    else if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("auto"u8)) autoFollow = true;
                    else if (reader.TokenType != JsonTokenType.Null) return Fail("\"follow\" must be null, \"auto\" or a positive number of x-units", out error);
                }
                else if (reader.ValueTextEquals("width"u8) || reader.ValueTextEquals("height"u8))
                {
                    bool isWidth = reader.ValueTextEquals("width"u8);
                    if (!ReadSide(ref reader, out int side)) return Fail($"\"{(isWidth ? "width" : "height")}\" must be a number of pixels", out error);
                    if (isWidth) width = side;
                    else height = side;
                }
                else if (reader.ValueTextEquals("panels"u8))
                {
                    if (!ReadPanels(ref reader, out panels, out error)) return false;
                }
                else if (reader.ValueTextEquals("hidden"u8))
                {
                    if (!ReadHidden(ref reader, out hidden)) return Fail($"\"hidden\" must be null or an array of at most {MaxHidden} series indexes", out error);
                }
                else if (reader.ValueTextEquals("histogram"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null) histogram = null;
                    else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var h) && h >= 0) histogram = h;
                    else return Fail("\"histogram\" must be null or a series index", out error);
                }
                else if (reader.ValueTextEquals("coords"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("f64"u8))) float32 = false;
                    else if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("f32"u8)) float32 = true;
                    else return Fail("\"coords\" must be null, \"f64\" or \"f32\"", out error);
                }
                else
                {
                    // Unknown fields are skipped so an older viewer still serves a newer page.
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return Fail("expected one JSON object", out error);
            if (type != "view") return true;
            isView = true;
            if (panels is null)
            {
                (width, height) = ClampArea(width, height);
            }
            else
            {
                ClampArea(ref width, panels);
                height = panels.Length > 0 ? panels[0].HeightPx : height;
            }
            request = new ViewRequest(xMin, xMax, yMin, yMax, follow, width, height, panels, hidden, seq, autoFollow, histogram, float32);
            return true;
        }
        catch (JsonException e)
        {
            return Fail($"malformed JSON ({e.Message})", out error);
        }
    }

    /// <summary>Scales <paramref name="width"/> by <paramref name="height"/> down to at most <see cref="MaxAreaPx"/> pixels, keeping the shape.</summary>
    public static (int Width, int Height) ClampArea(int width, int height)
    {
        long area = (long)width * height;
        if (area <= MaxAreaPx) return (width, height);
        double scale = Math.Sqrt((double)MaxAreaPx / area);
        return (Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale)));
    }

    /// <summary>
    /// Scales the shared <paramref name="width"/> and every panel's height by one factor so the area over all panels
    /// is at most <see cref="MaxAreaPx"/>, keeping each panel's shape.
    /// </summary>
    public static void ClampArea(ref int width, PanelRequest[] panels)
    {
        long heights = 0;
        foreach (var p in panels) heights += p.HeightPx;
        long area = width * heights;
        if (area <= MaxAreaPx) return;
        double scale = Math.Sqrt((double)MaxAreaPx / area);
        width = Math.Max(1, (int)(width * scale));
        for (int i = 0; i < panels.Length; i++)
            panels[i] = panels[i] with { HeightPx = Math.Max(1, (int)(panels[i].HeightPx * scale)) };
    }

    private static bool ReadSide(ref Utf8JsonReader reader, out int side)
    {
        side = 1;
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var px) || !double.IsFinite(px)) return false;
        side = (int)Math.Clamp(Math.Round(px), 1, MaxSidePx);
        return true;
    }

    private static bool ReadPanels(ref Utf8JsonReader reader, out PanelRequest[]? panels, out string? error)
    {
        panels = null;
        error = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray) return Fail("\"panels\" must be null or an array of panels", out error);
        var list = new List<PanelRequest>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject) return Fail("each of \"panels\" must be an object", out error);
            if (list.Count == MaxPanels) return Fail($"at most {MaxPanels} panels", out error);
            int id = -1, height = FitAll.HeightPx;
            double smooth = 0;
            double? xMin = null, xMax = null, yMin = null, yMax = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out id) || id < 0 || id >= MaxPanels)
                        return Fail($"a panel's \"id\" must be an integer from 0 to {MaxPanels - 1}", out error);
                }
                else if (reader.ValueTextEquals("height"u8))
                {
                    if (!ReadSide(ref reader, out height)) return Fail("a panel's \"height\" must be a number of pixels", out error);
                }
                else if (reader.ValueTextEquals("x"u8))
                {
                    if (!ReadRange(ref reader, out xMin, out xMax)) return Fail("a panel's \"x\" must be null or [min, max] of finite numbers", out error);
                }
                else if (reader.ValueTextEquals("y"u8))
                {
                    if (!ReadRange(ref reader, out yMin, out yMax)) return Fail("a panel's \"y\" must be null or [min, max] of finite numbers", out error);
                }
                else if (reader.ValueTextEquals("smooth"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null) smooth = 0;
                    else if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var w) && w >= 0 && w < 1) smooth = Math.Min(w, SmoothedView.MaxWeight);
                    else return Fail($"a panel's \"smooth\" must be null or a weight from 0 to {SmoothedView.MaxWeight}", out error);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (id < 0) return Fail("each panel needs an \"id\"", out error);
            list.Add(new PanelRequest(id, height, xMin, xMax, yMin, yMax, smooth));
        }
        panels = [.. list];
        return true;
    }

    private static bool ReadHidden(ref Utf8JsonReader reader, out int[]? hidden)
    {
        hidden = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        var list = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (list.Count == MaxHidden || reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var d)) return false;
            // Indexes no series can have are ignored, as unknown ones are.
            if (d >= 0 && d <= int.MaxValue && d == Math.Floor(d)) list.Add((int)d);
        }
        list.Sort();
        int n = 0;
        for (int i = 0; i < list.Count; i++)
        {
            if (n == 0 || list[i] != list[n - 1]) list[n++] = list[i];
        }
        hidden = list.GetRange(0, n).ToArray();
        return true;
    }

    private static bool ReadRange(ref Utf8JsonReader reader, out double? min, out double? max)
    {
        min = max = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var a) || !double.IsFinite(a)) return false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var b) || !double.IsFinite(b)) return false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray) return false;
        // A page that sends its ends swapped still means the same interval.
        min = Math.Min(a, b);
        max = Math.Max(a, b);
        return true;
    }

    private static bool Fail(string why, out string? error)
    {
        error = why;
        return false;
    }

    /// <summary>Whether a well-formed page message is <c>{"type":"drawn"}</c>: the page has drawn the last view it got.</summary>
    public static bool IsDrawn(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        int depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("type"u8):
                    return reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("drawn"u8);
            }
        }
        return false;
    }
}
