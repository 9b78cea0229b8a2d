using System.Buffers.Binary;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>A view message (tag 2) decoded as the page reads it: panels with their ranges, each with its series' views (points as float64, or float32 offsets in mode 2).</summary>
public sealed record DecodedView(IReadOnlyList<DecodedPanel> Panels, int Bytes)
{
    /// <summary>Decodes <paramref name="b"/>, checking every length and that every block starts at a multiple of 8.</summary>
    public static DecodedView Decode(ReadOnlySpan<byte> b)
    {
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(b));
        int panelCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        int at = 8;
        var panels = new List<DecodedPanel>();
        for (int p = 0; p < panelCount; p++)
        {
            Assert.Equal(0, at % 8);
            int id = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
            int seriesCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 4)..]);
            double xMin = F(b, at + 8), xMax = F(b, at + 16), yMin = F(b, at + 24), yMax = F(b, at + 32);
            at += 40;
            var series = new List<DecodedSeries>();
            for (int k = 0; k < seriesCount; k++)
            {
                Assert.Equal(0, at % 8);
                int index = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
                uint mode = BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 4)..]);
                int a = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 8)..]);
                int h = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 12)..]);
                long inView = (long)F(b, at + 16), notShown = (long)F(b, at + 24);
                at += 32;
                double[] xs = [], ys = [];
                uint[] density = [];
                if (mode == 0)
                {
                    xs = new double[a];
                    ys = new double[a];
                    for (int i = 0; i < a; i++) xs[i] = F(b, at + 8 * i);
                    at += 8 * a;
                    for (int i = 0; i < a; i++) ys[i] = F(b, at + 8 * i);
                    at += 8 * a;
                }
                else if (mode == 2)
                {
                    // Float32 offsets from two float64 bases, made float64 as the page does.
                    double bx = F(b, at), by = F(b, at + 8);
                    at += 16;
                    xs = new double[a];
                    ys = new double[a];
                    for (int i = 0; i < a; i++) xs[i] = bx + BinaryPrimitives.ReadSingleLittleEndian(b[(at + 4 * i)..]);
                    at += 4 * a;
                    for (int i = 0; i < a; i++) ys[i] = by + BinaryPrimitives.ReadSingleLittleEndian(b[(at + 4 * i)..]);
                    at += 4 * a;
                }
                else
                {
                    Assert.Equal(1u, mode);
                    density = new uint[a * h];
                    for (int i = 0; i < density.Length; i++) density[i] = BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 4 * i)..]);
                    at += (4 * a * h + 7) & ~7;
                }
                series.Add(new DecodedSeries(index, mode, a, h, inView, notShown, xs, ys, density));
            }
            panels.Add(new DecodedPanel(id, xMin, xMax, yMin, yMax, series));
        }
        Assert.Equal(b.Length, at);
        return new DecodedView(panels, b.Length);
    }

    /// <summary>Every series of every panel.</summary>
    public IEnumerable<DecodedSeries> AllSeries => Panels.SelectMany(p => p.Series);

    private static double F(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadDoubleLittleEndian(b[at..]);
}

/// <summary>One panel of a decoded view.</summary>
public sealed record DecodedPanel(int Id, double XMin, double XMax, double YMin, double YMax, IReadOnlyList<DecodedSeries> Series);

/// <summary>One series of a decoded panel: points (mode 0, <see cref="A"/> points) or density (mode 1, <see cref="A"/> by <see cref="B"/>).</summary>
public sealed record DecodedSeries(int Index, uint Mode, int A, int B, long PointsInView, long NotShown, double[] Xs, double[] Ys, uint[] Density);
