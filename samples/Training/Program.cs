// A simulated training loop, plotted live as matplotlib's subplots would: loss on a log scale, accuracy, and the
// learning-rate schedule, one panel each, all against the step.
//
//   dotnet run --project samples/Training [--steps N] [--no-browser] [--png PATH]
using PlotPipe;

int steps = 3000;
bool openBrowser = true;
string? png = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--steps" when i + 1 < args.Length && int.TryParse(args[i + 1], out steps) && steps > 0:
            i++;
            break;
        case "--no-browser":
            openBrowser = false;
            break;
        case "--png" when i + 1 < args.Length:
            png = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: Training [--steps N] [--no-browser] [--png PATH]");
            return 2;
    }
}

await using var plot = LivePlot.Spawn(new LivePlotOptions
{
    Title = "Training",
    OpenBrowser = openBrowser,
    SavePngPath = png,
    // Without a page to look at, the picture is what is wanted: the viewer saves it and exits.
    ExitOnFinish = png is not null && !openBrowser,
});
Console.WriteLine($"PlotPipe viewer: {plot.Url}");

var lossPanel = plot.Panel("Loss", new PanelOptions { YLabel = "cross-entropy", YScale = AxisScale.Log });
var trainLoss = lossPanel.Line("train loss", "b-");
var valLoss = lossPanel.Line("validation loss", "r.-");
var accuracy = plot.Panel("Accuracy", new PanelOptions { YLabel = "accuracy" }).Line("validation accuracy", "g.-");
var learningRate = plot.Panel("Learning rate", new PanelOptions { YLabel = "learning rate", XLabel = "step" }).Line("learning rate", "k-");

var random = new Random(42);
const int EvaluateEvery = 50;
for (int step = 0; step < steps; step++)
{
    double progress = (double)step / steps;
    // Four decades over the run, with the jitter of mini-batches.
    double loss = 2.5 * Math.Pow(1e-4, progress) * Math.Exp(0.25 * Gaussian(random));
    trainLoss.Add(step, loss);
    learningRate.Add(step, LearningRate(progress));
    if (step % EvaluateEvery == 0)
    {
        valLoss.Add(step, 1.2 * 2.5 * Math.Pow(1e-4, progress * 0.9));
        accuracy.Add(step, Math.Min(1, 1 - 0.9 * Math.Exp(-6 * progress) + 0.01 * Gaussian(random)));
    }
    // A real step takes a while; this one is paced to finish in about three seconds.
    if (step % 20 == 0) await Task.Delay(TimeSpan.FromSeconds(3.0 * 20 / steps));
}
plot.Finish();
await plot.Completion;
if (png is not null && !openBrowser)
{
    await plot.WaitForViewerExitAsync();
    Console.WriteLine($"saved {Path.GetFullPath(png)}");
}
return 0;

// Linear warm-up over the first 5 %, then cosine decay to zero.
static double LearningRate(double progress)
{
    const double Peak = 1e-3, WarmUp = 0.05;
    return progress < WarmUp
        ? Peak * progress / WarmUp
        : Peak * 0.5 * (1 + Math.Cos(Math.PI * (progress - WarmUp) / (1 - WarmUp)));
}

static double Gaussian(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
