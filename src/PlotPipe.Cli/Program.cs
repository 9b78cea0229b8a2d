using System.CommandLine;
using PlotPipe.Cli;
using PlotPipe.Viewer.Hosting;

var root = new RootCommand("plotpipe: live plots out of process")
{
    ViewCommand.Configure(new Command("view", "Run a viewer: serve the live page and read frames or text lines (--stdin, or FILE)")),
    DemoCommand.Create(),
    BenchCommand.Create(),
    ReplayCommand.Create(),
    ExportCommand.Create(),
};
return await root.Parse(args, ViewCommand.Parsing).InvokeAsync();
