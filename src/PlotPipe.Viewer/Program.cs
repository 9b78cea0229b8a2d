using System.CommandLine;
using PlotPipe.Viewer.Hosting;

var root = ViewCommand.Configure(new RootCommand("PlotPipe viewer: shows a producer's points live in the browser"));
return await root.Parse(args).InvokeAsync();
