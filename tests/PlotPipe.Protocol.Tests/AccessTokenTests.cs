using System.Buffers;
using System.Buffers.Binary;
using PlotPipe.Protocol.Tests.Support;

namespace PlotPipe.Protocol.Tests;

/// <summary>The one rule for a token's characters, as the Hello's writer and reader apply it.</summary>
public class AccessTokenTests
{
    // The rule as docs/protocol.md states it, written out once: the base64url alphabet.
    private const string Documented = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    [Fact]
    public void The_rule_allows_exactly_the_documented_characters()
    {
        for (int c = 0; c <= 0xFFFF; c++)
            Assert.True(AccessToken.IsAllowed((char)c) == Documented.Contains((char)c), $"U+{c:X4}");
    }

    [Fact]
    public void Hello_writer_and_reader_take_a_character_exactly_when_the_rule_does()
    {
        for (int c = 1; c < 0x180; c++)
        {
            string token = "abcdefghijklmno" + (char)c;
            bool allowed = AccessToken.IsAllowed((char)c);
            var written = Record.Exception(() => Wire.Encode(w => FrameWriter.WriteHello(w, "p", token), version: 2));
            Assert.True(allowed == (written is null), $"WriteHello with U+{c:X4}: {written?.Message}");
            if (c > 0xFF) continue;
            // The same token's bytes put on the wire by hand: the reader decides alone.
            var read = Record.Exception(() => Decode(RawHello("p", [.. "abcdefghijklmno"u8, (byte)c])));
            Assert.True(allowed == (read is null), $"a Hello holding byte 0x{c:x2}: {read?.Message}");
        }
    }

    [Theory]
    [InlineData("abcdefgh.ijklmnop", "'.' at character 9")]
    [InlineData("abcdefgh~ijklmnop", "'~' at character 9")]
    [InlineData("token with space", "U+0020 at character 6")]
    public void A_dot_a_tilde_or_a_space_in_a_token_is_refused_naming_it_and_the_rule(string token, string named)
    {
        var problem = AccessToken.Problem(token);
        Assert.Equal($"has {named}; a token takes ASCII letters, digits, '-' and '_' only", problem);
        var e = Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteHello(w, "p", token), version: 2));
        Assert.StartsWith($"token {problem}", e.Message);
        Assert.Equal("token", e.ParamName);
    }

    [Fact]
    public void Hello_with_a_dot_in_its_token_is_refused_at_that_byte()
    {
        byte[] stream = RawHello("p", "abcdefgh.ijklmnop"u8.ToArray());
        var e = Assert.Throws<ProtocolException>(() => Decode(stream));
        // Handshake 8, header 8, Hello prefix 8, name 1: the token starts at 25 and its '.' is its ninth byte.
        Assert.Equal(25 + 8, e.ByteOffset);
        Assert.Equal("token has byte 0x2e; tokens take ASCII letters, digits, '-' and '_'", e.Problem);
    }

    [Fact]
    public void A_viewer_takes_16_to_256_characters_of_the_rule_as_its_own()
    {
        Assert.Null(AccessToken.ViewerProblem(new string('a', 16)));
        Assert.Null(AccessToken.ViewerProblem(Documented));
        Assert.Null(AccessToken.ViewerProblem(new string('_', 256)));
        Assert.Equal("is 15 characters; a token takes 16 to 256 ASCII letters, digits, '-' and '_'", AccessToken.ViewerProblem(new string('a', 15)));
        Assert.Equal("is 257 characters; a token takes 16 to 256 ASCII letters, digits, '-' and '_'", AccessToken.ViewerProblem(new string('a', 257)));
        Assert.Equal("has '.' at character 9; a token takes ASCII letters, digits, '-' and '_' only", AccessToken.ViewerProblem("abcdefgh.ijklmnop"));
    }

    [Fact]
    public void A_token_matches_only_itself_whole()
    {
        var token = "abcdefghijklmnop-_"u8;
        Assert.True(AccessToken.Matches("abcdefghijklmnop-_", token));
        foreach (var other in new[] { "", "abcdefghijklmnop-", "abcdefghijklmnop-_x", "ABCDEFGHIJKLMNOP-_", "abcdefghijklmnop_-", new string('a', 300) })
            Assert.False(AccessToken.Matches(other, token), other);
    }

    // A version 2 handshake and a Hello with these bytes as its token, written by hand, not by FrameWriter.
    private static byte[] RawHello(string name, byte[] token)
    {
        int used = 8 + name.Length + token.Length;
        var payload = new byte[(used + 7) & ~7];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(2), (ushort)token.Length);
        System.Text.Encoding.ASCII.GetBytes(name, payload.AsSpan(8));
        token.CopyTo(payload.AsSpan(8 + name.Length));
        return [.. "PLTP"u8, 2, 0, 0, 0, .. Wire.Header((uint)payload.Length, 5, 0), .. payload];
    }

    private static void Decode(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var decoder = new FrameDecoder();
        while (decoder.TryReadFrame(ref buffer, out var frame)) frame.ReadHello();
    }
}
