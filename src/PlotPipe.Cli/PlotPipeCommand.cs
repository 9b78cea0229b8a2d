using System.CommandLine;
using System.CommandLine.Help;
using PlotPipe.Viewer.Hosting;

namespace PlotPipe.Cli;

/// <summary>The <c>plotpipe</c> tool's command tree: view, demo, bench, replay and export.</summary>
internal static class PlotPipeCommand
{
    /// <summary>Builds the tree, its root named <c>plotpipe</c> (not after the assembly) so usage reads as the tool is typed.</summary>
    public static Command Create()
    {
        var root = new Command(Usage.ToolName, "plotpipe: live plots out of process")
        {
            new HelpOption(),
            new VersionOption(),
            ViewCommand.Configure(new Command("view", "Run a viewer: serve the live page and read frames or text lines (--stdin, or FILE), or open a recording")),
            DemoCommand.Create(),
            BenchCommand.Create(),
            ReplayCommand.Create(),
            ExportCommand.Create(),
        };
        return Usage.WithExamples(root,
            ("seq 100 | plotpipe view --stdin", "plot what a program prints, live"),
            ("plotpipe demo", "random points from this process, plotted by a spawned viewer"),
            ("plotpipe view --help", "everything view takes"));
    }
}
