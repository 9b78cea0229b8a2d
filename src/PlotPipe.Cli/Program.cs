using PlotPipe.Cli;
using PlotPipe.Viewer.Hosting;

return await Usage.InvokeAsync(PlotPipeCommand.Create(), args);
