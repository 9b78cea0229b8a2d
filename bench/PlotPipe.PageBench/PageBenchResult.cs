namespace PlotPipe.PageBench;

/// <summary>Everything one run measured; written as JSON with --json and printed as a table.</summary>
internal sealed class PageBenchResult
{
    public required PageBenchSettings Settings { get; init; }
    public required string Machine { get; init; }
    public required string Browser { get; init; }
    public required DateTime StartedUtc { get; init; }
    public string LoadAverageAtStart { get; set; } = "";
    public string LoadAverageAtEnd { get; set; } = "";

    public double PreloadSeconds { get; set; }
    public double PreloadPointsPerSecond { get; set; }

    /// <summary>The same follow view over a plain WebSocket, no browser: what the viewer delivers.</summary>
    public SocketPhase? SocketOnly { get; set; }

    /// <summary>Follow mode while streaming.</summary>
    public Phase Follow { get; set; } = new();

    /// <summary>Redraws while the user zooms and pans (zoomed windows and fit-all), still streaming.</summary>
    public Phase Interacting { get; set; } = new();

    /// <summary>Per gesture kind: input to the page's first redraw, and input to the drawn answer of the viewer.</summary>
    public Dictionary<string, Gesture> Gestures { get; } = [];

    /// <summary>Where the answer time goes, over all gestures: input to the request leaving, request to its view arriving, view to drawn.</summary>
    public Stats GestureInputToRequestMs { get; set; } = Stats.Empty;
    public Stats GestureRequestToViewMs { get; set; } = Stats.Empty;
    public Stats GestureViewToDrawnMs { get; set; } = Stats.Empty;

    /// <summary>Inside request to view, as the viewer's answer mark tells: the request waiting there, its view being built, then held for the view before it to reach the page.</summary>
    public Stats GestureViewerWaitMs { get; set; } = Stats.Empty;
    public Stats GestureViewerBuildMs { get; set; } = Stats.Empty;
    public Stats GestureViewerHeldMs { get; set; } = Stats.Empty;

    /// <summary>Request to view, split where the page took the viewer's answer mark (sent just before the view).</summary>
    public Stats GestureRequestToMarkMs { get; set; } = Stats.Empty;
    public Stats GestureMarkToViewMs { get; set; } = Stats.Empty;

    public Stats NaiveLinesPathMs { get; set; } = Stats.Empty;
    public Stats NaiveLinesRasterMs { get; set; } = Stats.Empty;
    public long NaiveLinesPoints { get; set; }

    /// <summary>Density-image path: a scatter with this many points in view.</summary>
    public Phase? Scatter { get; set; }
    public double NaiveScatterPathMs { get; set; } = double.NaN;
    public double NaiveScatterRasterMs { get; set; } = double.NaN;
    public long NaiveScatterPoints { get; set; }

    /// <summary>With --trace: the page thread's tasks over the follow and gesture phases, wall time against CPU time.</summary>
    public TraceSummary? Trace { get; set; }

    /// <summary>Add → pixels at light load: stamped points to the end of the draw that shows them.</summary>
    public LatencyPhase? AddToPixels { get; set; }

    public double TotalSeconds { get; set; }

    internal sealed class Phase
    {
        public double Seconds { get; set; }
        public double PointsAddedPerSecond { get; set; }
        public double ViewsPerSecond { get; set; }
        public double DrawsPerSecond { get; set; }
        public long DrawsNotLogged { get; set; }
        public double PointsInView { get; set; }
        public double PointsDrawn { get; set; }
        public Stats SeriesDrawMs { get; set; } = Stats.Empty;
        public Stats RedrawMs { get; set; } = Stats.Empty;
        public Stats DrawnAgeMs { get; set; } = Stats.Empty;
        public Stats ViewerBehindPoints { get; set; } = Stats.Empty;

        /// <summary>Intervals between the page's animation frames: 16.7 ms when no frame is held up.</summary>
        public Stats FrameMs { get; set; } = Stats.Empty;

        /// <summary>Tasks over 50 ms on the page's thread, as Chromium reports them.</summary>
        public Stats LongTaskMs { get; set; } = Stats.Empty;

        /// <summary>Animation frames over 50 ms, and where their time went (script entry points, rendering), summed.</summary>
        public int LongFrames { get; set; }

        /// <summary>CPU used over the phase, in cores (CPU seconds per second): the harness with its producer, the viewer, the browser.</summary>
        public double HarnessCores { get; set; }
        public double ViewerCores { get; set; }
        public double BrowserCores { get; set; }
        public Dictionary<string, double> LongFrameTimeMs { get; set; } = [];
    }

    internal sealed class LatencyPhase
    {
        public int Series { get; set; }
        public double PointsPerSecond { get; set; }
        public long Stamped { get; set; }
        public long Measured { get; set; }
        public double WarmUpSeconds { get; set; }
        public Stats AddToPixelsMs { get; set; } = Stats.Empty;
        public Stats AddToViewReceivedMs { get; set; } = Stats.Empty;
        public double ClockUncertaintyMs { get; set; }
        public Phase Page { get; set; } = new();
    }

    internal sealed class SocketPhase
    {
        public double Seconds { get; set; }
        public double ViewsPerSecond { get; set; }
        public double MegabytesPerSecond { get; set; }
        public long BytesPerView { get; set; }
        public Stats IntervalMs { get; set; } = Stats.Empty;
        public Stats LagMs { get; set; } = Stats.Empty;
    }

    internal sealed class Gesture
    {
        public Stats FirstRedrawMs { get; set; } = Stats.Empty;
        public Stats AnswerDrawnMs { get; set; } = Stats.Empty;
        public int Unanswered { get; set; }

        /// <summary>This kind's answer split as the totals are: input to request sent, request to view received, view to drawn.</summary>
        public Stats InputToRequestMs { get; set; } = Stats.Empty;
        public Stats RequestToViewMs { get; set; } = Stats.Empty;
        public Stats ViewToDrawnMs { get; set; } = Stats.Empty;

        /// <summary>Inside request to view: its view's build in the viewer, and the request to the answer mark taken by the page.</summary>
        public Stats BuildMs { get; set; } = Stats.Empty;
        public Stats RequestToMarkMs { get; set; } = Stats.Empty;
    }
}
