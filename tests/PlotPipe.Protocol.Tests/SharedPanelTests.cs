using System.Buffers;
using PlotPipe.Protocol.Tests.Support;

namespace PlotPipe.Protocol.Tests;

/// <summary>
/// A viewer's producers share panels by id: a decoder told which panels exist elsewhere lets a series name one its
/// own stream never defined, and still refuses one nobody defined, at the same byte as without it.
/// </summary>
public class SharedPanelTests
{
    private static readonly byte[] SeriesInPanelThree = Wire.Encode(w =>
    {
        FrameWriter.WriteHello(w, "run 2", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-", 3, SeriesFlags.None);
    }, version: 2);

    // Handshake 8, Hello header 8 + payload 16 ("run 2" padded), DefineSeries header 8: its panel field is 4 bytes into the payload.
    private const long PanelField = 8 + 8 + 16 + 8 + 4;

    [Fact]
    public void A_series_may_name_a_panel_another_stream_defined()
    {
        var bytes = new ReadOnlySequence<byte>(SeriesInPanelThree);
        var decoder = new FrameDecoder { PanelDefinedElsewhere = id => id == 3 };
        Assert.True(decoder.TryReadFrame(ref bytes, out _));
        Assert.True(decoder.TryReadFrame(ref bytes, out var define));
        Assert.Equal(3, define.ReadDefinition().Panel);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_series_in_a_panel_nobody_defined_is_refused_at_its_panel_field(bool othersDefinedSome)
    {
        var bytes = new ReadOnlySequence<byte>(SeriesInPanelThree);
        var decoder = new FrameDecoder { PanelDefinedElsewhere = othersDefinedSome ? id => id is 1 or 2 : null };
        var e = Assert.Throws<ProtocolException>(() => { while (decoder.TryReadFrame(ref bytes, out _)) { } });
        Assert.Equal(PanelField, e.ByteOffset);
        Assert.Equal("series in panel 3, which no DefinePanel frame has defined", e.Problem);
    }
}
