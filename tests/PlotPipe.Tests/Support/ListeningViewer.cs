using System.Diagnostics;

namespace PlotPipe.Tests.Support;

/// <summary>A real viewer process with <c>--listen 127.0.0.1:0</c>, its page and producer addresses read from its output.</summary>
public sealed class ListeningViewer : IDisposable
{
    private readonly Process _process;

    private ListeningViewer(Process process, Uri page, string producers)
    {
        _process = process;
        PageUrl = page;
        ProducerAddress = producers;
    }

    public Uri PageUrl { get; }

    public string ProducerAddress { get; }

    public string Token => ViewerApi.TokenOf(PageUrl)!;

    public static async Task<ListeningViewer> StartAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--listen", "127.0.0.1:0", "--no-browser", "--linger", "0" }) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Uri? page = null;
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) page = new Uri(line["PlotPipe viewer: ".Length..]);
            else if (line.StartsWith("PlotPipe producers: ", StringComparison.Ordinal) && page is not null)
                return new ListeningViewer(process, page, line["PlotPipe producers: ".Length..].Trim());
        }
        throw new InvalidOperationException("the viewer exited before printing its addresses");
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
