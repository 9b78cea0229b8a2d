using System.Globalization;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// Recordings written before the format's version 2 (which moved the receive time from a column into each batch's
/// metadata) still open. Files/version1.arrow was written by a version 1 viewer: <c>plotpipe view --stdin --record</c>
/// of 1,000 CSV rows <c>step,loss,accuracy</c>, loss = 1 / (step + 1) and accuracy = step / 1000.
/// </summary>
public sealed class RecordingVersionTests
{
    private static string Version1 => Path.Combine(AppContext.BaseDirectory, "Recording", "Files", "version1.arrow");

    [Fact]
    public void A_version_1_recording_opens_with_every_point_of_every_series()
    {
        var store = new PlotStore();
        using (var input = File.OpenRead(Version1))
        {
            var (points, _, truncated) = RecordingLoader.Load(input, store);
            Assert.Equal(2000, points);
            Assert.False(truncated);
        }
        Assert.Equal("loss=1000;accuracy=1000", string.Join(";", store.Series.Select(s => $"{s.Name}={s.Count}")));
        // The rows' values, as the file holds them: x the step, y the CSV's numbers.
        using var again = File.OpenRead(Version1);
        var reader = new RecordingReader(again);
        var sums = new double[2, 2];
        while (reader.Next())
        {
            for (int row = 0; row < reader.Rows; row++)
            {
                sums[reader.Series[row], 0] += reader.X[row];
                sums[reader.Series[row], 1] += reader.Y[row];
            }
        }
        Assert.Equal(["loss", "accuracy"], reader.Labels);
        Assert.Equal(499_500, sums[0, 0]);
        Assert.Equal(Enumerable.Range(0, 1000).Sum(i => double.Parse((1.0 / (i + 1)).ToString("F6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)), sums[0, 1], 9);
        Assert.Equal(499_500, sums[1, 0]);
        Assert.Equal(499.5, sums[1, 1], 9);
    }

    [Fact]
    public void A_version_1_recording_gives_its_receive_times_from_its_time_column()
    {
        using var input = File.OpenRead(Version1);
        var reader = new RecordingReader(input);
        Assert.Equal("1", reader.SchemaMetadata[RecordingFormat.VersionKey]);
        long started = (DateTime.Parse(reader.SchemaMetadata[RecordingFormat.StartedKey], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).Ticks - DateTime.UnixEpoch.Ticks) / 10;
        long previous = started;
        int batches = 0;
        while (reader.Next())
        {
            batches++;
            // Rows arrive after the recording starts, within the few seconds the run took, in order.
            Assert.InRange(reader.FirstReceivedMicros, previous, started + 10_000_000);
            Assert.InRange(reader.LastReceivedMicros, reader.FirstReceivedMicros, started + 10_000_000);
            previous = reader.LastReceivedMicros;
        }
        Assert.True(batches > 0);
    }

    [Fact]
    public async Task A_receive_time_that_is_not_a_number_is_refused_naming_the_key_and_the_batch()
    {
        var dir = Directory.CreateTempSubdirectory("plotpipe-version-").FullName;
        try
        {
            var path = Path.Combine(dir, "bad.arrow");
            var store = new PlotStore();
            await using (var recorder = Recorder.Start(path, store, _ => { }, blockRows: 100))
            {
                var series = store.Define(new Protocol.SeriesDefinition(0, Protocol.SeriesKind.Line, "y", "-"));
                recorder.Append(series, [1.0, 2.0], [3.0, 4.0]);
            }
            var bytes = await File.ReadAllBytesAsync(path);
            long first;
            using (var good = new MemoryStream(bytes))
            {
                var reader = new RecordingReader(good);
                Assert.True(reader.Next());
                first = reader.FirstReceivedMicros;
            }
            // The first digit of the batch's first receive time becomes a letter.
            var digits = System.Text.Encoding.ASCII.GetBytes(first.ToString(CultureInfo.InvariantCulture));
            int at = bytes.AsSpan().IndexOf(digits);
            Assert.True(at > 0);
            bytes[at] = (byte)'x';
            var refused = Assert.Throws<InvalidDataException>(() =>
            {
                var reader = new RecordingReader(new MemoryStream(bytes));
                while (reader.Next()) { }
            });
            Assert.StartsWith("batch 1 (message 3 at byte ", refused.Message);
            // One append: the first and the last row arrived together, and the digits changed are the key met first.
            Assert.Matches($@": its plotpipe\.received\.(first|last) is ""x{first.ToString(CultureInfo.InvariantCulture)[1..]}"", not microseconds as a whole number$", refused.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_recording_written_now_is_version_2_and_says_when_each_batch_arrived()
    {
        var dir = Directory.CreateTempSubdirectory("plotpipe-version-").FullName;
        try
        {
            var path = Path.Combine(dir, "now.arrow");
            var store = new PlotStore();
            long before = RecordingFormat.NowMicros();
            await using (var recorder = Recorder.Start(path, store, _ => { }, blockRows: 100))
            {
                var series = store.Define(new Protocol.SeriesDefinition(0, Protocol.SeriesKind.Line, "y", "-"));
                IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
                for (int i = 0; i < 10; i++) sink.Append(series, [i * 2.0, i * 2.0 + 1], [1.0, 2.0]);
            }
            long after = RecordingFormat.NowMicros();
            await using var input = File.OpenRead(path);
            var reader = new RecordingReader(input);
            Assert.Equal("2", reader.SchemaMetadata[RecordingFormat.VersionKey]);
            long rows = 0;
            while (reader.Next())
            {
                rows += reader.Rows;
                Assert.InRange(reader.FirstReceivedMicros, before, after);
                Assert.InRange(reader.LastReceivedMicros, reader.FirstReceivedMicros, after);
            }
            Assert.Equal(20, rows);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
