// A simulated training loop, plotted live as matplotlib's subplots would: loss on a log scale, accuracy, and the
// learning-rate schedule, one panel each, all against the step. The program marks where the learning rate changes,
// the viewer draws the loss smoothed beside the raw one and raises an alert if the loss turns NaN
// (docs/markers-alerts-derived.md walks through it).
//
//   dotnet run --project samples/Training [--steps N] [--diverge-at STEP] [--no-browser] [--png PATH]
using PlotPipe;

int steps = 3000;
int divergeAt = int.MaxValue;
bool openBrowser = true;
string? png = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--steps" when i + 1 < args.Length && int.TryParse(args[i + 1], out steps) && steps > 0:
            i++;
            break;
        // Shows the alert firing: the loss is NaN from that step on.
        case "--diverge-at" when i + 1 < args.Length && int.TryParse(args[i + 1], out divergeAt) && divergeAt >= 0:
            i++;
            break;
        case "--no-browser":
            openBrowser = false;
            break;
        case "--png" when i + 1 < args.Length:
            png = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: Training [--steps N] [--diverge-at STEP] [--no-browser] [--png PATH]");
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
    // The viewer computes these from every raw point, so they are stored, drawn and exported like the loss itself.
    DerivedSeries = ["loss_ema = ema('train loss', 0.97)"],
    Alerts = ["\"train loss\" is nan"],
});
Console.WriteLine($"PlotPipe viewer: {plot.Url}");

var lossPanel = plot.Panel("Loss", new PanelOptions { YLabel = "cross-entropy", YScale = AxisScale.Log });
// Drawn faint under loss_ema, the derived series that smooths it.
var trainLoss = lossPanel.Line("train loss", "b-");
var valLoss = lossPanel.Line("validation loss", "r.-");
var accuracy = plot.Panel("Accuracy", new PanelOptions { YLabel = "accuracy" }).Line("validation accuracy", "g.-");
var learningRate = plot.Panel("Learning rate", new PanelOptions { YLabel = "learning rate", XLabel = "step", YScale = AxisScale.Log }).Line("learning rate", "k-");

// Linear warm-up over the first 5 %, then the peak rate, divided by ten at half way and again at three quarters.
const double PeakRate = 1e-3;
int warmUpSteps = steps / 20;
int[] decaySteps = [steps / 2, steps * 3 / 4];
int decays = 0;

var random = new Random(42);
const int EvaluateEvery = 50;
for (int step = 0; step < steps; step++)
{
    if (step == warmUpSteps) plot.Span(0, step, "warm-up");
    if (decays < decaySteps.Length && step == decaySteps[decays])
    {
        decays++;
        plot.Mark(step, $"learning rate {PeakRate * Math.Pow(0.1, decays):0e0}");
    }
    double rate = step < warmUpSteps ? PeakRate * (step + 1) / warmUpSteps : PeakRate * Math.Pow(0.1, decays);
    learningRate.Add(step, rate);

    // Three decades over the run, a step down at each decay, and the jitter of mini-batches.
    double progress = (double)step / steps;
    double expected = 2.5 * Math.Pow(1e-3, progress) * Math.Pow(0.4, decays);
    bool diverged = step >= divergeAt;
    trainLoss.Add(step, diverged ? double.NaN : expected * Math.Exp(0.25 * Gaussian(random)));
    if (step % EvaluateEvery == 0)
    {
        valLoss.Add(step, diverged ? double.NaN : 2 * expected);
        accuracy.Add(step, diverged ? 0.1 : Math.Min(1, Math.Exp(-expected) + 0.01 * Gaussian(random)));
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

static double Gaussian(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
