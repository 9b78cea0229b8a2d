using System.CommandLine;
using System.CommandLine.Help;
using PlotPipe.Viewer.Hosting;

// The viewer program takes the options of `plotpipe view`, and its help and errors read as that command's.
var root = ViewCommand.Configure(new Command("view", "PlotPipe viewer: shows a producer's points live in the browser") { new HelpOption(), new VersionOption() });
// The viewer stops on signals itself (Hosting/StopSignals) and saves its pictures first; System.CommandLine's own
// handler would race it and, after its timeout, end the process with the pictures half written.
return await Usage.InvokeAsync(root, args, new InvocationConfiguration { ProcessTerminationTimeout = null });
