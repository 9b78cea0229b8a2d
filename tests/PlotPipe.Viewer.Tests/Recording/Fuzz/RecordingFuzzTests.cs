using System.Diagnostics;
using System.Globalization;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using Xunit;
using Xunit.Abstractions;

namespace PlotPipe.Viewer.Tests.Recording.Fuzz;

/// <summary>
/// Damaged recordings, opened, exported and served as a user would (docs/reliability.md, "Recordings, fuzzed"):
/// each ends in a loaded plot or one plain line naming the byte. A quick run goes with the tests; set
/// PLOTPIPE_RECORDING_FUZZ_CASES for a long one, PLOTPIPE_RECORDING_FUZZ_SEED to replay a run, and
/// PLOTPIPE_RECORDING_FUZZ_SERVE_EVERY for how often a case is also served by a real Kestrel server.
/// </summary>
public sealed class RecordingFuzzTests(ITestOutputHelper output)
{
    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    [Fact]
    public async Task Undamaged_recordings_and_their_exports_open_with_every_point()
    {
        foreach (var (name, bytes) in await FuzzSeeds.AllAsync())
        {
            var store = new PlotStore();
            var line = RecordingLoader.Open(name, new MemoryStream(bytes), store);
            Assert.StartsWith($"opened {name}: ", line);
            Assert.Equal(StreamState.Finished, store.State);
            Assert.Null(store.Error);
            if (name == "plot")
            {
                Assert.Equal("a run", store.Plot.Title);
                Assert.Equal("temperature=480;loss=480;loss=200;text column=50;final=40", string.Join(";", store.Series.Select(s => $"{s.Name}={s.Count}")));
            }
        }
    }

    [Fact]
    public async Task Damaged_recordings_open_export_and_serve_as_a_loaded_plot_or_one_plain_line_naming_the_byte()
    {
        int cases = Setting("PLOTPIPE_RECORDING_FUZZ_CASES", 400);
        int serveEvery = Setting("PLOTPIPE_RECORDING_FUZZ_SERVE_EVERY", 40);
        int seed = Setting("PLOTPIPE_RECORDING_FUZZ_SEED", Environment.TickCount & int.MaxValue);
        var seeds = await FuzzSeeds.AllAsync();
        var endings = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int c = 0; c < cases; c++)
        {
            var rng = new Random(HashCode.Combine(seed, c));
            var log = new List<string>();
            byte[] bytes;
            try
            {
                bytes = new RecordingMutator(rng, seeds).Make(log);
            }
            catch (Exception e)
            {
                Assert.Fail($"the damage of case {c} of PLOTPIPE_RECORDING_FUZZ_SEED={seed} ({string.Join("; ", log)}) could not be made: {e}");
                return;
            }
            string ending;
            try
            {
                ending = await FuzzCase.RunAsync(bytes, rng, serve: c % serveEvery == 0);
            }
            catch (Exception e)
            {
                var path = Path.Combine(Path.GetTempPath(), $"plotpipe-fuzz-{seed}-{c}.arrow");
                await File.WriteAllBytesAsync(path, bytes);
                Assert.Fail($"case {c} of PLOTPIPE_RECORDING_FUZZ_SEED={seed} ({string.Join("; ", log)}), saved as {path}: {(e is FuzzFailure ? e.Message : e.ToString())}");
                return;
            }
            endings[ending] = endings.GetValueOrDefault(ending) + 1;
        }

        int opened = endings.GetValueOrDefault("opened");
        output.WriteLine($"{cases} cases (seed {seed}) in {clock.Elapsed.TotalSeconds:0.0} s, every {serveEvery}th served: {opened} opened, {cases - opened} refused in one line, {endings.Count - 1} kinds of refusal");
        foreach (var (ending, count) in endings.OrderByDescending(e => e.Value)) output.WriteLine($"{count,8}  {ending}");
        // The damage must reach the reader's checks, not only the columns' values.
        Assert.InRange(opened, 1, cases - 1);
        Assert.True(endings.Count > Math.Min(20, cases / 20), $"only {endings.Count - 1} kinds of refusal in {cases} cases");
    }
}
