namespace PlotPipe;

/// <summary>The colours of a picture the viewer saves (<see cref="LivePlotOptions.SavePngPath"/>), as <c>plotpipe view --theme</c> takes them.</summary>
public enum PictureTheme
{
    /// <summary>The light page's colours: white background, matplotlib's series colours (the default), for documents and prints.</summary>
    Light,
    /// <summary>The dark page's colours: its background, text, grid and series colours.</summary>
    Dark,
}
