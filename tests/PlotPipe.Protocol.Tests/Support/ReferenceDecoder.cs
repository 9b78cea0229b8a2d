namespace PlotPipe.Protocol.Tests.Support;

/// <summary>How a decode ended: the stream ran out at a frame boundary, ended inside a frame, or broke the protocol.</summary>
public enum DecodeEnd { Clean, Truncated, Error }

/// <summary>The frames a stream decodes to, how it ended, and the byte offset named when it did not end cleanly.</summary>
public sealed record DecodeOutcome(List<string> Frames, DecodeEnd End, long Offset, string Problem = "")
{
    public override string ToString() =>
        $"{End} at {Offset} after {Frames.Count} frames:\n  " + string.Join("\n  ", Frames);
}

/// <summary>
/// The protocol as docs/protocol.md states it, decoded the slow and obvious way: one byte array, one index,
/// every check in the order the document lists it. It shares no code with the real decoder, so the two agreeing
/// on random and mutated streams means the decoder does what the document says.
/// </summary>
public static class ReferenceDecoder
{
    private const int MaxPayload = 16_777_224;
    private const int MaxPoints = 1_048_576;

    public static DecodeOutcome Decode(byte[] b)
    {
        var frames = new List<string>();
        DecodeOutcome Stop(DecodeEnd end, long at) => new(frames, end, at);
        int n = b.Length;
        if (n == 0) return Stop(DecodeEnd.Clean, 0);

        // Handshake: the magic is checked byte by byte as it arrives, the rest once all 8 bytes are in.
        byte[] magic = [(byte)'P', (byte)'L', (byte)'T', (byte)'P'];
        for (int i = 0; i < 4 && i < n; i++)
            if (b[i] != magic[i]) return Stop(DecodeEnd.Error, i);
        if (n < 8) return Stop(DecodeEnd.Truncated, 0);
        int version = b[4] + 256 * b[5];
        if (version != 1 && version != 2) return Stop(DecodeEnd.Error, 4);
        if (b[6] != 0) return Stop(DecodeEnd.Error, 6);
        if (b[7] != 0) return Stop(DecodeEnd.Error, 7);

        int p = 8;
        bool finished = false;
        bool hello = false;
        var panels = new HashSet<int> { 0 };
        while (true)
        {
            if (p == n) return Stop(DecodeEnd.Clean, p);
            if (finished) return Stop(DecodeEnd.Error, p);
            if (n - p < 8) return Stop(DecodeEnd.Truncated, p);

            long length = U32(b, p);
            int type = b[p + 4];
            int id = b[p + 6] + 256 * b[p + 7];
            if (length > MaxPayload) return Stop(DecodeEnd.Error, p);
            if (length % 8 != 0) return Stop(DecodeEnd.Error, p);
            if (type < 1 || type > (version == 1 ? 4 : 8)) return Stop(DecodeEnd.Error, p + 4);
            if (version == 2 && !hello && type != 5) return Stop(DecodeEnd.Error, p + 4);
            if (version == 2 && hello && type == 5) return Stop(DecodeEnd.Error, p + 4);
            if (b[p + 5] != 0) return Stop(DecodeEnd.Error, p + 5);
            if (type == 4 || type == 5 || type == 6 || type == 8)
            {
                if (b[p + 6] != 0) return Stop(DecodeEnd.Error, p + 6);
                if (b[p + 7] != 0) return Stop(DecodeEnd.Error, p + 7);
            }
            else if (type == 7)
            {
                if (id < 1 || id > 63) return Stop(DecodeEnd.Error, p + 6);
            }
            else if (id >= 1024) return Stop(DecodeEnd.Error, p + 6);
            if (type == 1 && length < 8) return Stop(DecodeEnd.Error, p);
            if (type == 2 && length < 8) return Stop(DecodeEnd.Error, p);
            if (type == 3 && length != 8) return Stop(DecodeEnd.Error, p);
            if (type == 4 && length != 0) return Stop(DecodeEnd.Error, p);
            if (type == 5 && (length < 8 || length > 464)) return Stop(DecodeEnd.Error, p);
            if ((type == 6 || type == 7) && (length < 8 || length > 8 + 64 * (4 + 64 + 1024))) return Stop(DecodeEnd.Error, p);
            if (type == 8 && (length < 32 || length > 24 + 1024)) return Stop(DecodeEnd.Error, p);
            if (n - p - 8 < length) return Stop(DecodeEnd.Truncated, p);

            int q = p + 8;
            if (type == 1)
            {
                int kind = b[q];
                int formatLength = b[q + 1];
                int nameLength = b[q + 2] + 256 * b[q + 3];
                if (kind != 1 && kind != 2) return Stop(DecodeEnd.Error, q);
                if (formatLength > 16) return Stop(DecodeEnd.Error, q + 1);
                if (nameLength == 0 || nameLength > 200) return Stop(DecodeEnd.Error, q + 2);
                int used = 8 + nameLength + formatLength;
                int padded = used % 8 == 0 ? used : used + 8 - used % 8;
                if (length != padded) return Stop(DecodeEnd.Error, q + 1);
                int panel = 0, flags = 0;
                if (version == 1)
                {
                    for (int i = q + 4; i < q + 8; i++)
                        if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                }
                else
                {
                    panel = b[q + 4] + 256 * b[q + 5];
                    if (!panels.Contains(panel)) return Stop(DecodeEnd.Error, q + 4);
                    flags = b[q + 6] + 256 * b[q + 7];
                    if ((b[q + 6] & 0xFE) != 0) return Stop(DecodeEnd.Error, q + 6);
                    if (b[q + 7] != 0) return Stop(DecodeEnd.Error, q + 7);
                }
                int badName = FirstBadUtf8(b, q + 8, q + 8 + nameLength);
                if (badName >= 0) return Stop(DecodeEnd.Error, badName);
                int formatAt = q + 8 + nameLength;
                int badFormat = FirstBadFormatByte(b, formatAt, formatLength);
                if (badFormat >= 0) return Stop(DecodeEnd.Error, badFormat);
                for (int i = q + used; i < q + padded; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                var name = new System.Text.UTF8Encoding(false, true).GetString(b, q + 8, nameLength);
                var format = System.Text.Encoding.ASCII.GetString(b, formatAt, formatLength);
                frames.Add(Canon.Define(id, kind, name, format, panel, flags));
            }
            else if (type == 2)
            {
                long count = U32(b, q);
                if (count > MaxPoints) return Stop(DecodeEnd.Error, q);
                if (8 + 16 * count != length) return Stop(DecodeEnd.Error, q);
                for (int i = q + 4; i < q + 8; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                var xs = new long[count];
                var ys = new long[count];
                for (int i = 0; i < count; i++)
                {
                    xs[i] = I64(b, q + 8 + 8 * i);
                    ys[i] = I64(b, q + 8 + 8 * (int)count + 8 * i);
                }
                frames.Add(Canon.Points(id, xs, ys));
            }
            else if (type == 3)
            {
                long total = I64(b, q);
                if (total < 0) return Stop(DecodeEnd.Error, q);
                frames.Add(Canon.Dropped(id, total));
            }
            else if (type == 8)
            {
                // Event: kind, flags, text length, reserved, x, x2, text, padding; in the document's order.
                int kind = b[q];
                int flags = b[q + 1];
                int textLength = b[q + 2] + 256 * b[q + 3];
                if (kind != 1 && kind != 2) return Stop(DecodeEnd.Error, q);
                if ((flags & 0xFE) != 0) return Stop(DecodeEnd.Error, q + 1);
                if (textLength < 1 || textLength > 1024) return Stop(DecodeEnd.Error, q + 2);
                int used = 24 + textLength;
                int padded = used % 8 == 0 ? used : used + 8 - used % 8;
                if (length != padded) return Stop(DecodeEnd.Error, q + 2);
                for (int i = q + 4; i < q + 8; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                long xBits = I64(b, q + 8), x2Bits = I64(b, q + 16);
                // Finite: the exponent's bits are not all set.
                if ((xBits >> 52 & 0x7FF) == 0x7FF) return Stop(DecodeEnd.Error, q + 8);
                if (kind == 1)
                {
                    for (int i = q + 16; i < q + 24; i++)
                        if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                }
                else if ((x2Bits >> 52 & 0x7FF) == 0x7FF || BitConverter.Int64BitsToDouble(x2Bits) < BitConverter.Int64BitsToDouble(xBits))
                    return Stop(DecodeEnd.Error, q + 16);
                int badText = FirstBadUtf8(b, q + 24, q + 24 + textLength);
                if (badText >= 0) return Stop(DecodeEnd.Error, badText);
                for (int i = q + used; i < q + padded; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                frames.Add(Canon.Event(kind, flags, xBits, x2Bits, new System.Text.UTF8Encoding(false, true).GetString(b, q + 24, textLength)));
            }
            else if (type == 4)
            {
                finished = true;
                frames.Add(Canon.Finish);
            }
            else if (type == 5)
            {
                int nameLength = b[q] + 256 * b[q + 1];
                int tokenLength = b[q + 2] + 256 * b[q + 3];
                if (nameLength > 200) return Stop(DecodeEnd.Error, q);
                if (tokenLength > 256) return Stop(DecodeEnd.Error, q + 2);
                int used = 8 + nameLength + tokenLength;
                int padded = used % 8 == 0 ? used : used + 8 - used % 8;
                if (length != padded) return Stop(DecodeEnd.Error, q);
                for (int i = q + 4; i < q + 8; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                int badName = FirstBadUtf8(b, q + 8, q + 8 + nameLength);
                if (badName >= 0) return Stop(DecodeEnd.Error, badName);
                for (int i = q + 8 + nameLength; i < q + used; i++)
                {
                    char c = (char)b[i];
                    bool ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
                    if (!ok) return Stop(DecodeEnd.Error, i);
                }
                for (int i = q + used; i < q + padded; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                hello = true;
                frames.Add(Canon.Hello(new System.Text.UTF8Encoding(false, true).GetString(b, q + 8, nameLength),
                    System.Text.Encoding.ASCII.GetString(b, q + 8 + nameLength, tokenLength)));
            }
            else
            {
                int count = b[q] + 256 * b[q + 1];
                if (count > 64) return Stop(DecodeEnd.Error, q);
                for (int i = q + 2; i < q + 8; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                int end = q + (int)length;
                int e = q + 8;
                var properties = new List<(string Key, string Value)>();
                for (int k = 0; k < count; k++)
                {
                    if (e + 4 > end) return Stop(DecodeEnd.Error, e);
                    int keyLength = b[e] + 256 * b[e + 1];
                    int valueLength = b[e + 2] + 256 * b[e + 3];
                    if (keyLength < 1 || keyLength > 64) return Stop(DecodeEnd.Error, e);
                    if (valueLength > 1024) return Stop(DecodeEnd.Error, e + 2);
                    if (e + 4 + keyLength + valueLength > end) return Stop(DecodeEnd.Error, e);
                    for (int i = e + 4; i < e + 4 + keyLength; i++)
                    {
                        char c = (char)b[i];
                        if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.')) return Stop(DecodeEnd.Error, i);
                    }
                    string key = System.Text.Encoding.ASCII.GetString(b, e + 4, keyLength);
                    if (properties.Any(pr => pr.Key == key)) return Stop(DecodeEnd.Error, e + 4);
                    int valueAt = e + 4 + keyLength;
                    int badValue = FirstBadUtf8(b, valueAt, valueAt + valueLength);
                    if (badValue >= 0) return Stop(DecodeEnd.Error, badValue);
                    string value = new System.Text.UTF8Encoding(false, true).GetString(b, valueAt, valueLength);
                    // The keys the document defines for panels, with the values it allows; DefinePlot ignores them.
                    if (type == 7 && (key == "xscale" || key == "yscale") && value != "linear" && value != "log") return Stop(DecodeEnd.Error, valueAt);
                    if (type == 7 && key == "linkx" && value != "true" && value != "false") return Stop(DecodeEnd.Error, valueAt);
                    properties.Add((key, value));
                    e = valueAt + valueLength;
                }
                int usedBytes = e - q;
                int paddedBytes = usedBytes % 8 == 0 ? usedBytes : usedBytes + 8 - usedBytes % 8;
                if (length != paddedBytes) return Stop(DecodeEnd.Error, q);
                for (int i = e; i < end; i++)
                    if (b[i] != 0) return Stop(DecodeEnd.Error, i);
                if (type == 7) panels.Add(id);
                frames.Add(Canon.Properties(type, id, properties));
            }
            p = q + (int)length;
        }
    }

    private static long U32(byte[] b, int at) => b[at] | (long)b[at + 1] << 8 | (long)b[at + 2] << 16 | (long)b[at + 3] << 24;

    private static long I64(byte[] b, int at)
    {
        ulong v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | b[at + i];
        return (long)v;
    }

    /// <summary>Well-formed UTF-8 as Unicode's table 3-7 lists it; returns where the first bad sequence starts, or -1.</summary>
    private static int FirstBadUtf8(byte[] b, int from, int to)
    {
        int i = from;
        while (i < to)
        {
            int lead = b[i];
            int more;
            int lo = 0x80, hi = 0xBF; // allowed range of the second byte
            if (lead <= 0x7F) more = 0;
            else if (lead >= 0xC2 && lead <= 0xDF) more = 1;
            else if (lead == 0xE0) { more = 2; lo = 0xA0; }
            else if (lead >= 0xE1 && lead <= 0xEC) more = 2;
            else if (lead == 0xED) { more = 2; hi = 0x9F; }
            else if (lead >= 0xEE && lead <= 0xEF) more = 2;
            else if (lead == 0xF0) { more = 3; lo = 0x90; }
            else if (lead >= 0xF1 && lead <= 0xF3) more = 3;
            else if (lead == 0xF4) { more = 3; hi = 0x8F; }
            else return i;
            if (i + more >= to && more > 0) return i;
            for (int k = 1; k <= more; k++)
            {
                int c = b[i + k];
                int min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
                if (c < min || c > max) return i;
            }
            i += 1 + more;
        }
        return -1;
    }

    /// <summary>
    /// The format grammar as the document states it: at most one colour, one marker, one line style, the longer
    /// line styles matched first. Returns the offset of the first byte that cannot stand where it is, or -1.
    /// </summary>
    private static int FirstBadFormatByte(byte[] b, int from, int count)
    {
        bool colour = false, marker = false, line = false;
        int i = 0;
        while (i < count)
        {
            char c = (char)b[from + i];
            char next = i + 1 < count ? (char)b[from + i + 1] : '\0';
            int styleLength = c == '-' && (next == '-' || next == '.') ? 2 : c == '-' || c == ':' ? 1 : 0;
            if (styleLength > 0)
            {
                if (line) return from + i;
                line = true;
                i += styleLength;
                continue;
            }
            if ("bgrcmykw".Contains(c))
            {
                if (colour) return from + i;
                colour = true;
            }
            else if ("o.s^vx+*".Contains(c))
            {
                if (marker) return from + i;
                marker = true;
            }
            else return from + i;
            i++;
        }
        return -1;
    }
}
