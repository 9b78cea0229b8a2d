using Microsoft.Extensions.Logging;

namespace PlotPipe;

/// <summary>How <see cref="LivePlot.Spawn"/> starts the viewer, what <see cref="LivePlot.Connect"/> tells a listening one, and how the producer buffers points.</summary>
public sealed class LivePlotOptions
{
    /// <summary>The plot's title, shown above its panels and in the page's title; null shows "PlotPipe".</summary>
    public string? Title { get; set; }

    /// <summary>Labels and scales of the default panel, where <see cref="LivePlot.Line"/> and <see cref="LivePlot.Scatter"/> put series; null keeps its defaults.</summary>
    public PanelOptions? DefaultPanel { get; set; }

    /// <summary>Open the default browser at the page (skipped where there is no display). Default true.</summary>
    public bool OpenBrowser { get; set; } = true;

    /// <summary>The viewer program (an executable or a .dll run with dotnet); by default the one beside this library.</summary>
    public string? ViewerPath { get; set; }

    /// <summary>Port for the page; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>When set, the viewer saves the final picture there as PNG when the stream ends; disposing the plot returns once it is on disk.</summary>
    public string? SavePngPath { get; set; }

    /// <summary>The colours of the picture <see cref="SavePngPath"/> saves: <see cref="PictureTheme.Light"/> (the default) or the dark page's.</summary>
    public PictureTheme PictureTheme { get; set; }

    /// <summary>The viewer exits right after the stream ends instead of staying up for the page: code 0, or 1 when no point came or a picture could not be saved.</summary>
    public bool ExitOnFinish { get; set; }

    /// <summary>Once this producer is gone, the viewer exits after this long with no page open. Default 60 s.</summary>
    public TimeSpan ViewerLinger { get; set; } = DefaultViewerLinger;

    private static readonly TimeSpan DefaultViewerLinger = TimeSpan.FromSeconds(60);

    /// <summary>Cap on points the viewer keeps per series, oldest dropped first; 0 (the default) keeps all.</summary>
    public long MaxPointsPerSeries { get; set; }

    /// <summary>Bytes the whole viewer may use (a quarter for points, oldest evicted first over all series; a quarter for pages' views); 0 (the default): half of the machine's memory.</summary>
    public long ViewerMaxMemory { get; set; }

    /// <summary>Series the spawned viewer computes from this producer's series as points arrive, each "NAME = EXPRESSION" such as "loss_ema = ema(loss, 0.9)" (its <c>--derive</c>, docs/markers-alerts-derived.md#derived-series-computed-by-the-viewer); empty (the default): none.</summary>
    public IList<string> DerivedSeries { get; set; } = [];

    /// <summary>Have the spawned viewer also write every point it receives, losslessly, to this Arrow IPC stream file; null (the default): no recording.</summary>
    public string? RecordPath { get; set; }

    /// <summary>Recordings (made with <see cref="RecordPath"/> or <c>--record</c>) the spawned viewer draws muted under this run, to compare against; empty (the default): none.</summary>
    public IList<string> BaselinePaths { get; set; } = [];

    /// <summary>
    /// Rules the spawned viewer checks on every point it receives, as <c>plotpipe view --alert</c> takes them
    /// (<c>"loss > 10"</c>, <c>"loss is nan"</c>, <c>"loss > 10 for 5 points"</c>): a firing is a marker of kind alert
    /// and a line on standard error. A rule the viewer cannot read stops it at start, naming the rule. Default: none.
    /// </summary>
    public IList<string> Alerts { get; set; } = [];

    /// <summary>The spawned viewer stops at the first <see cref="Alerts"/> firing, after saving the pictures asked for, with exit code <see cref="AlertExitCode"/> (what <see cref="LivePlot.WaitForViewerExitAsync"/> returns); needs at least one rule. Default false: alerts only tell.</summary>
    public bool ExitOnAlert { get; set; }

    /// <summary>The spawned viewer's exit code when it stopped on an alert under <see cref="ExitOnAlert"/>: 3, as <c>plotpipe view --exit-on-alert</c> exits.</summary>
    public const int AlertExitCode = 3;

    /// <summary>What Add does once the buffer has grown to <see cref="MaxBufferBytes"/>. Default <see cref="PlotPipe.WhenFull.Drop"/>: never wait.</summary>
    public WhenFull WhenFull { get; set; } = WhenFull.Drop;

    /// <summary>
    /// Points the producer's buffer keeps ready over all series (16 bytes each), made once and reused: what it holds
    /// while the viewer keeps up, and shrinks back to a second after a burst has drained. Also sizes each series' batches. Default 262,144 (4 MiB).
    /// </summary>
    public int BufferPoints { get; set; } = 1 << 18;

    /// <summary>
    /// Most bytes the producer's buffer grows to while the viewer falls behind (16 per point); only beyond it are
    /// points dropped. <see cref="BufferPoints"/> × 16 keeps the buffer from growing. Default 256 MiB, or a quarter of
    /// the memory the process may use when that is less; never less than <see cref="BufferPoints"/> × 16 unless set.
    /// Under <see cref="PlotPipe.WhenFull.Block"/> the buffer grows only when this is set: Add waits instead, which
    /// loses nothing either way and keeps the page close behind a producer that outruns it.
    /// </summary>
    public long MaxBufferBytes
    {
        get => _maxBufferBytes ?? Math.Max(DefaultMaxBufferBytes, BufferPoints * 16L);
        set => _maxBufferBytes = value;
    }

    private long? _maxBufferBytes;

    // The bound the buffer really grows to: under Block, BufferPoints unless MaxBufferBytes was given.
    internal long BufferBoundBytes => WhenFull == WhenFull.Block && _maxBufferBytes is null ? BufferPoints * 16L : MaxBufferBytes;

    /// <summary>Points per batch: a full batch leaves at once. Default 8,192.</summary>
    public int BatchPoints { get; set; } = 8192;

    /// <summary>Longest a partial batch waits before it is sent; the first point of a quiet stream leaves at once. Default 2 ms.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How long disposing waits for buffered points to reach the viewer and for the spawned viewer to save the pictures asked for. Default 10 s.</summary>
    public TimeSpan FinishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Receives the producer's own problems (viewer lost, points dropped); never an exception in your loop. Without
    /// one, the first drop is still told once on standard error, since lost points are worth a line.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>The producer's name the viewer shows (1 to 200 UTF-8 bytes). Default: the program's name and process id, as in <c>Training[4242]</c>.</summary>
    public string ProducerName { get; set; } = DefaultProducerName();

    /// <summary>
    /// The viewer's token, sent when <see cref="LivePlot.Connect"/> connects (ASCII letters, digits, '-' and '_', at most
    /// 256); a viewer listening on a network refuses a producer without it. Spawned viewers need none.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>The protocol version the handshake announces; only tests change it, to see a refused stream reported.</summary>
    internal ushort HandshakeVersion { get; set; } = Protocol.ProtocolLimits.Version;

    /// <summary>Where the first drop is told when no <see cref="Logger"/> is set; null is standard error. Only tests change it.</summary>
    internal TextWriter? ErrorOutput { get; set; }

    internal void Validate()
    {
        int nameBytes = ProducerName is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(ProducerName);
        if (nameBytes is 0 or > Protocol.ProtocolLimits.MaxProducerNameBytes)
            throw new PlotArgumentException($"ProducerName \"{PlotArgumentException.Quote(ProducerName ?? "")}\" is {nameBytes} UTF-8 bytes; a name takes 1 to {Protocol.ProtocolLimits.MaxProducerNameBytes}", nameof(ProducerName));
        PanelOptions.CheckText(Title, "Title", nameof(Title));
        DefaultPanel?.Validate(nameof(DefaultPanel));
        // The viewer's and the Hello's own rule, so a token the viewer took is one this producer can send.
        if (Token is { } token && Protocol.AccessToken.Problem(token) is { } problem)
            throw new PlotArgumentException($"Token {problem}", nameof(Token));
        if (Port is < 0 or > 65535)
            throw new PlotArgumentException($"Port {Port} is not a TCP port (0 to 65535)", nameof(Port));
        if (SavePngPath is { } png && !png.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new PlotArgumentException($"SavePngPath \"{PlotArgumentException.Quote(png)}\" does not end in .png; the viewer saves PNG pictures there", nameof(SavePngPath));
        if (!Enum.IsDefined(PictureTheme))
            throw new PlotArgumentException($"PictureTheme {(int)PictureTheme} is not a theme: give PictureTheme.Light or PictureTheme.Dark", nameof(PictureTheme));
        if (PictureTheme != PictureTheme.Light && SavePngPath is null)
            throw new PlotArgumentException($"PictureTheme {PictureTheme} is the theme of the picture SavePngPath saves, and none is set (the page follows the browser's theme)", nameof(PictureTheme));
        if (BatchPoints is < 1 or > Protocol.ProtocolLimits.MaxPointsPerFrame)
            throw new PlotArgumentException($"BatchPoints {BatchPoints} must be between 1 and {Protocol.ProtocolLimits.MaxPointsPerFrame}", nameof(BatchPoints));
        if (BufferPoints < BatchPoints)
            throw new PlotArgumentException($"BufferPoints {BufferPoints} must be at least BatchPoints ({BatchPoints})", nameof(BufferPoints));
        if (MaxBufferBytes < BufferPoints * 16L)
            throw new PlotArgumentException($"MaxBufferBytes {MaxBufferBytes} must be at least 16 bytes a point times BufferPoints ({BufferPoints * 16L}), the buffer it grows from", nameof(MaxBufferBytes));
        if (FlushInterval <= TimeSpan.Zero)
            throw new PlotArgumentException($"FlushInterval {FlushInterval} must be positive", nameof(FlushInterval));
        if (ViewerLinger < TimeSpan.Zero)
            throw new PlotArgumentException($"ViewerLinger {ViewerLinger} must not be negative", nameof(ViewerLinger));
        if (MaxPointsPerSeries < 0)
            throw new PlotArgumentException($"MaxPointsPerSeries {MaxPointsPerSeries} must not be negative", nameof(MaxPointsPerSeries));
        if (ViewerMaxMemory != 0 && ViewerMaxMemory < 1L << 20)
            throw new PlotArgumentException($"ViewerMaxMemory {ViewerMaxMemory} must be 0 (the viewer's default) or at least 1 MiB (1048576 bytes)", nameof(ViewerMaxMemory));
        // The viewer reads the expressions and refuses a bad one at start; a rule without a name is refused here.
        foreach (var rule in DerivedSeries ?? throw new PlotArgumentException("DerivedSeries must not be null", nameof(DerivedSeries)))
        {
            if (rule is null || !rule.Contains('=', StringComparison.Ordinal))
                throw new PlotArgumentException($"DerivedSeries \"{PlotArgumentException.Quote(rule ?? "")}\" is not \"NAME = EXPRESSION\", such as \"loss_ema = ema(loss, 0.9)\"", nameof(DerivedSeries));
        }
        if (Alerts is null)
            throw new PlotArgumentException("Alerts is null; give an empty list for no rules", nameof(Alerts));
        foreach (var rule in Alerts)
        {
            if (string.IsNullOrWhiteSpace(rule))
                throw new PlotArgumentException($"Alerts holds an empty rule \"{PlotArgumentException.Quote(rule ?? "")}\"; a rule reads like \"loss > 10\"", nameof(Alerts));
        }
        if (ExitOnAlert && Alerts.Count == 0)
            throw new PlotArgumentException("ExitOnAlert needs a rule to watch: give one or more Alerts, such as \"loss is nan\"", nameof(ExitOnAlert));
        if (!Enum.IsDefined(WhenFull))
            throw new PlotArgumentException($"WhenFull {WhenFull} is not a known policy", nameof(WhenFull));
    }

    // Connect feeds a viewer already running: an option only a spawned viewer takes would be left unheeded (a recording
    // or a picture the user waits for and never gets), so it is refused, naming what the listening viewer takes instead.
    internal void ValidateForConnect()
    {
        (string Name, bool Set, string Instead)[] spawnOnly =
        [
            (nameof(ViewerPath), ViewerPath is not null, "the viewer is the one already listening"),
            (nameof(Port), Port != 0, "start that viewer with --port"),
            (nameof(SavePngPath), SavePngPath is not null, "start that viewer with --png (or save the picture from its page)"),
            (nameof(ExitOnFinish), ExitOnFinish, "it runs until it is stopped (plotpipe view --listen takes no --exit-on-finish)"),
            (nameof(ViewerLinger), ViewerLinger != DefaultViewerLinger, "it runs until it is stopped (--linger does nothing there)"),
            (nameof(MaxPointsPerSeries), MaxPointsPerSeries != 0, "start that viewer with --max-points"),
            (nameof(ViewerMaxMemory), ViewerMaxMemory != 0, "start that viewer with --max-memory"),
            (nameof(DerivedSeries), DerivedSeries.Count > 0, "start that viewer with --derive"),
            (nameof(RecordPath), RecordPath is not null, "start that viewer with --record"),
            (nameof(BaselinePaths), BaselinePaths.Count > 0, "start that viewer with --baseline"),
            (nameof(Alerts), Alerts.Count > 0, "start that viewer with --alert"),
            (nameof(ExitOnAlert), ExitOnAlert, "start that viewer with --exit-on-alert"),
        ];
        foreach (var (name, set, instead) in spawnOnly)
        {
            if (set)
                throw new PlotArgumentException($"{name} applies to a viewer this plot spawns; Connect feeds a viewer already running, so {instead}", name);
        }
    }

    // The DefinePlot properties, or null when there is nothing to say: a plot without a title of its own must not
    // reset the title another producer of a listening viewer gave. The default panel's keys ride along, since
    // panel 0 takes no DefinePanel frame.
    internal List<KeyValuePair<string, string>>? PlotProperties()
    {
        if (string.IsNullOrEmpty(Title) && DefaultPanel is null) return null;
        var properties = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(Title)) properties.Add(new(Protocol.PlotProperties.Title, Title));
        DefaultPanel?.AddProperties(properties);
        return properties;
    }

    // A burst of 16 M points fits, which a viewer taking 20 to 40 M points a second absorbs in under a second; a small
    // machine or container keeps three quarters of its memory for everything else.
    private static readonly long DefaultMaxBufferBytes = DefaultMaxBuffer();

    private static long DefaultMaxBuffer()
    {
        const long preferred = 256L << 20;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available > 0 ? Math.Clamp(available / 4, 4L << 20, preferred) : preferred;
    }

    // The entry assembly names the program even when it runs as "dotnet Program.dll"; the process id tells two runs apart.
    private static string DefaultProducerName()
    {
        string program = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name
            ?? Path.GetFileNameWithoutExtension(Environment.ProcessPath) ?? "producer";
        if (program.Length > 100) program = program[..100];
        return $"{program}[{Environment.ProcessId}]";
    }
}
