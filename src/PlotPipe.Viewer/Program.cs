using System.CommandLine;
using PlotPipe.Viewer.Hosting;

var root = ViewCommand.Configure(new RootCommand("PlotPipe viewer: shows a producer's points live in the browser"));
// The viewer stops on signals itself (Hosting/StopSignals) and saves its pictures first; System.CommandLine's own
// handler would race it and, after its timeout, end the process with the pictures half written.
return await root.Parse(args, ViewCommand.Parsing).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
