using System.IO.Pipelines;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Hosting;

/// <summary>
/// One viewer's life: serve the page, take the producer's stream, save pictures when it ends, then stay while a
/// page is open and exit once none has been for <see cref="ViewerOptions.Linger"/>.
/// </summary>
public static class ViewerApp
{
    /// <summary>Runs the viewer until it is done; returns the process exit code.</summary>
    public static async Task<int> RunAsync(ViewerOptions options, Stream? input, TextWriter output, TextWriter errors, CancellationToken cancel)
    {
        var store = new PlotStore(options.MaxPointsPerSeries, options.MaxMemoryBytes > 0 ? options.MaxMemoryBytes : PlotStore.DefaultMaxMemoryBytes());
        var status = new ViewerStatus(store);
        void Report(string line)
        {
            lock (errors) errors.WriteLine($"plotpipe: {line}");
        }

        await using var server = await ViewerServer.StartAsync(options.Host, options.Port, store, status, cancel).ConfigureAwait(false);
        output.WriteLine($"PlotPipe viewer: {server.Url}");
        output.Flush();
        if (options.OpenBrowser)
        {
            var why = BrowserLauncher.TryOpen(server.Url);
            if (why is not null) Report($"not opening a browser ({why}); open {server.Url} yourself");
        }

        try
        {
            if (input is null)
            {
                await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false);
                return 0;
            }
            await new FrameIngest(store, Report).RunAsync(PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 1 << 20)), cancel).ConfigureAwait(false);
            SavePictures(options, store, Report);
            if (options.ExitOnFinish) return 0;
            await LingerAsync(server, options.Linger, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        return 0;
    }

    private static void SavePictures(ViewerOptions options, PlotStore store, Action<string> report)
    {
        foreach (var path in new[] { options.PngPath, options.SvgPath })
        {
            if (path is null) continue;
            try
            {
                PictureExporter.Save(store, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                report($"could not save {path}: {e.Message}");
            }
        }
    }

    // The producer is gone: the final picture stays up while someone looks at it, and the process does not outlive that by more than the linger time.
    private static async Task LingerAsync(ViewerServer server, TimeSpan linger, CancellationToken cancel)
    {
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChange() => changed.TrySetResult();
            server.PagesChanged += OnChange;
            try
            {
                if (server.OpenPages == 0)
                {
                    var done = await Task.WhenAny(changed.Task, Task.Delay(linger, cancel)).ConfigureAwait(false);
                    if (done != changed.Task && server.OpenPages == 0) return;
                }
                else
                {
                    await changed.Task.WaitAsync(cancel).ConfigureAwait(false);
                }
            }
            finally
            {
                server.PagesChanged -= OnChange;
            }
        }
    }
}
