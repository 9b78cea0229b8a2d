namespace PlotPipe.Viewer.Export;

/// <summary>How a saved picture's axis maps data values to positions.</summary>
internal enum AxisKind
{
    /// <summary>Plain numbers, evenly spaced.</summary>
    Linear,

    /// <summary>Powers of ten evenly spaced: the picture holds log10 of each positive value; others are not drawn.</summary>
    Log,

    /// <summary>Unix seconds shown as UTC dates and times: the picture holds OLE Automation dates, as the chart library's time axis wants.</summary>
    Time,
}
