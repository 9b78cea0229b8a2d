using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Export;

/// <summary>Saves the whole plot as a PNG or SVG picture with ScottPlot.</summary>
public static class PictureExporter
{
    /// <summary>Writes the picture to <paramref name="path"/>; the extension (.png or .svg) picks the format.</summary>
    public static void Save(PlotStore store, string path, int widthPx = 800, int heightPx = 600)
    {
        throw new NotImplementedException();
    }
}
