using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// Stacks the panels of a saved picture in equal rows below a band kept for the plot's title (the chart library's
/// own row layout has no room for a title over all panels).
/// </summary>
/// <param name="titleBandPx">Pixels at the top left to the plot's title; 0 for none.</param>
internal sealed class PanelRows(float titleBandPx) : IMultiplotLayout
{
    /// <summary>Pixels at the top left to the plot's title.</summary>
    public float TitleBandPx { get; } = titleBandPx;

    /// <summary>One rectangle per panel, top to bottom, sharing the height below the title band equally.</summary>
    public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
    {
        var rectangles = new PixelRect[subplots.Count];
        float top = figureRect.Top + TitleBandPx;
        float rowHeight = Math.Max(0, figureRect.Bottom - top) / Math.Max(1, subplots.Count);
        for (int i = 0; i < rectangles.Length; i++)
            rectangles[i] = new PixelRect(figureRect.Left, figureRect.Right, top + rowHeight * (i + 1), top + rowHeight * i);
        return rectangles;
    }
}
