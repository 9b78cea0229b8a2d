using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Serve;

namespace PlotPipe.Viewer.Hosting;

/// <summary>How a viewer process runs: where it listens, what it reads, when it exits, what it saves.</summary>
internal sealed class ViewerOptions
{
    /// <summary>Address to bind; loopback unless the user asks otherwise.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port for the page; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Also take producers over TCP here, <c>[HOST:]PORT</c> (<c>--listen</c>); null: no listener.</summary>
    public string? Listen { get; set; }

    /// <summary>A producer over TCP that sends nothing for this long shows as stalled (<c>--producer-timeout</c>; zero: never).</summary>
    public TimeSpan ProducerTimeout { get; set; } = ProducerListener.DefaultIdleTimeout;

    /// <summary>Read frames or text from standard input.</summary>
    public bool Stdin { get; set; }

    /// <summary>Read frames or text from this file ("-": standard input); null: only what <see cref="Stdin"/> says.</summary>
    public string? InputPath { get; set; }

    /// <summary>How text input is read (x field, times, line-length limit).</summary>
    public TextOptions Text { get; set; } = new();

    /// <summary>Open the default browser at the page (skipped when there is no display).</summary>
    public bool OpenBrowser { get; set; } = true;

    /// <summary>Write the final picture here as PNG when the stream ends.</summary>
    public string? PngPath { get; set; }

    /// <summary>Write the final picture here as SVG when the stream ends.</summary>
    public string? SvgPath { get; set; }

    /// <summary>The theme <see cref="PngPath"/> and <see cref="SvgPath"/> are drawn in: "light" or "dark".</summary>
    public string PictureTheme { get; set; } = "light";

    /// <summary>Exit right after the stream finishes (and pictures are saved).</summary>
    public bool ExitOnFinish { get; set; }

    /// <summary>Once the producer is gone, exit after this long with no page open.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Cap on points kept per series, oldest dropped first (0: keep all).</summary>
    public long MaxPointsPerSeries { get; set; }

    /// <summary>The token every request must carry; null picks a random one at start.</summary>
    public string? Token { get; set; }

    /// <summary>Serve without a token (loopback only): for a single-user machine.</summary>
    public bool NoToken { get; set; }

    /// <summary>More names the viewer answers to, on any port: the names a proxy in front of it forwards.</summary>
    public List<string> AllowHosts { get; set; } = [];

    /// <summary>Who may look, as these options say; throws <see cref="ArgumentException"/> for a bad token or host name.</summary>
    public ViewerAccess Access() => NoToken ? ViewerAccess.Open(AllowHosts) : ViewerAccess.WithToken(Token, AllowHosts);

    /// <summary>Cap on the bytes the kept points take, oldest evicted first over all series (0: a default from the machine's memory).</summary>
    public long MaxMemoryBytes { get; set; }

    /// <summary>Also write every point received to this Arrow IPC stream file (<c>--record</c>); null: no recording.</summary>
    public string? RecordPath { get; set; }

    /// <summary>Series computed from others as their points arrive (<c>--derive</c>, docs/markers-alerts-derived.md#derived-series-computed-by-the-viewer).</summary>
    public IReadOnlyList<DeriveRule> Derive { get; set; } = [];

    /// <summary>Rules checked on every point received (<c>--alert</c>); a firing is a marker, a line on standard error and a count in the status.</summary>
    public List<AlertRule> Alerts { get; set; } = [];

    /// <summary>Exit with <see cref="ViewerApp.AlertExitCode"/> once a rule fires, after saving the pictures asked for (<c>--exit-on-alert</c>).</summary>
    public bool ExitOnAlert { get; set; }

    /// <summary>The input is a recording (an Arrow IPC stream) to open as a finished plot, not a live stream.</summary>
    public bool InputIsRecording { get; set; }

    /// <summary>Recordings drawn muted under the live runs (<c>--baseline</c>, repeatable), never counted as live data.</summary>
    public List<string> BaselinePaths { get; set; } = [];

    /// <summary>
    /// Play the recording from its start once a page is open (<c>plotpipe replay</c>), instead of opening it whole
    /// with the timeline at its end (<c>plotpipe view run.arrow</c>).
    /// </summary>
    public bool Replay { get; set; }

    /// <summary>How many times faster than recorded a replay plays (<see cref="double.PositiveInfinity"/>: flat out).</summary>
    public double ReplaySpeed { get; set; } = 1;

    /// <summary>A replay waits at its start, paused, for the page's play button.</summary>
    public bool StartPaused { get; set; }
}
