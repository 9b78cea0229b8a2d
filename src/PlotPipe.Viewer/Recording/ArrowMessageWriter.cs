using System.Globalization;
using System.Text;
using Google.FlatBuffers;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Builds the framed metadata of the Arrow IPC messages a recording is made of: the schema, a record batch of the
/// three columns, a dictionary batch of series names (a delta after the first). Bodies are the caller's own column
/// bytes, laid out as <see cref="BatchBodyLength"/> and <see cref="DictionaryBatch"/> say, so rows are never copied
/// into a message. Written by hand because Arrow's C# writer sends a stream's dictionaries once, before the first
/// batch, and has no batch metadata, while a recording learns new series as it goes.
/// </summary>
internal sealed class ArrowMessageWriter
{
    private const short MetadataV5 = 4;
    private const byte HeaderSchema = 1, HeaderDictionaryBatch = 2, HeaderRecordBatch = 3;
    private const byte TypeFloatingPoint = 3, TypeUtf8 = 5;
    private const short PrecisionDouble = 2;

    private readonly FlatBufferBuilder _fb = new(1024);
    private byte[] _header = new byte[1024];
    private int _framed;

    /// <summary>The end of stream marker.</summary>
    public static ReadOnlyMemory<byte> EndOfStream { get; } = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 };

    /// <summary>Zeros to pad a buffer to 8 bytes.</summary>
    public static ReadOnlyMemory<byte> Padding { get; } = new byte[8];

    /// <summary>Bytes that round <paramref name="length"/> up to a multiple of 8.</summary>
    public static int PadTo8(long length) => (int)(-length & 7);

    /// <summary>The schema message (the columns series, x and y), with <paramref name="metadata"/> as the schema's custom metadata.</summary>
    public ReadOnlyMemory<byte> Schema(IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        _fb.Clear();
        var fields = new int[3];
        fields[0] = Field(RecordingFormat.SeriesColumn, TypeUtf8, EmptyTable(), Dictionary());
        fields[1] = Field(RecordingFormat.XColumn, TypeFloatingPoint, Double(), 0);
        fields[2] = Field(RecordingFormat.YColumn, TypeFloatingPoint, Double(), 0);
        int fieldVector = Tables(fields);
        int meta = KeyValues(metadata);
        _fb.StartTable(4);
        _fb.AddOffset(1, fieldVector, 0);
        _fb.AddOffset(2, meta, 0);
        int schema = _fb.EndTable();
        return Frame(HeaderSchema, schema, 0, 0);
    }

    /// <summary>The body length of a record batch of <paramref name="rows"/>: int32 indices padded to 8, then x and y.</summary>
    public static long BatchBodyLength(int rows) => rows * 4L + PadTo8(rows * 4L) + rows * 16L;

    /// <summary>
    /// The framed metadata of a record batch of <paramref name="rows"/>, with the plot's <paramref name="definitions"/>
    /// when they changed, and when its first and last rows arrived (microseconds since the Unix epoch; 0: unknown,
    /// as in an export, and left out).
    /// </summary>
    public ReadOnlyMemory<byte> RecordBatch(int rows, string? definitions, long firstReceivedMicros = 0, long lastReceivedMicros = 0, string? events = null)
    {
        _fb.Clear();
        long index = rows * 4L, indexPadded = index + PadTo8(index), column = rows * 8L;
        Span<(long Offset, long Length)> buffers =
        [
            (0, 0), (0, index),
            (indexPadded, 0), (indexPadded, column),
            (indexPadded + column, 0), (indexPadded + column, column),
        ];
        int batch = Batch(rows, 3, buffers);
        int meta = 0;
        if (definitions is not null || firstReceivedMicros != 0 || events is not null)
        {
            var pairs = new List<KeyValuePair<string, string>>(4);
            if (firstReceivedMicros != 0)
            {
                pairs.Add(new(RecordingFormat.FirstReceivedKey, firstReceivedMicros.ToString(CultureInfo.InvariantCulture)));
                pairs.Add(new(RecordingFormat.LastReceivedKey, lastReceivedMicros.ToString(CultureInfo.InvariantCulture)));
            }
            if (definitions is not null) pairs.Add(new(RecordingFormat.DefinitionsKey, definitions));
            if (events is not null) pairs.Add(new(RecordingFormat.EventsKey, events));
            meta = KeyValues(pairs);
        }
        return Frame(HeaderRecordBatch, batch, BatchBodyLength(rows), meta);
    }

    /// <summary>
    /// The body of a dictionary batch holding <paramref name="names"/> as utf8 (offsets, padding, bytes, padding) and
    /// its framed metadata; a <paramref name="delta"/> adds to the names sent before.
    /// </summary>
    public (ReadOnlyMemory<byte> Header, byte[] Body) DictionaryBatch(IReadOnlyList<string> names, bool delta)
    {
        int count = names.Count;
        long offsetsLength = (count + 1) * 4L;
        long dataStart = offsetsLength + PadTo8(offsetsLength);
        int dataLength = 0;
        foreach (var n in names) dataLength += Encoding.UTF8.GetByteCount(n);
        var body = new byte[dataStart + dataLength + PadTo8(dataLength)];
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(body.AsSpan(i * 4), at);
            at += Encoding.UTF8.GetBytes(names[i], body.AsSpan((int)dataStart + at));
        }
        BitConverter.TryWriteBytes(body.AsSpan(count * 4), at);

        _fb.Clear();
        Span<(long Offset, long Length)> buffers = [(0, 0), (0, offsetsLength), (dataStart, dataLength)];
        int data = Batch(count, 1, buffers);
        _fb.StartTable(3);
        _fb.AddOffset(1, data, 0);
        _fb.AddBool(2, delta, false);
        int dictionary = _fb.EndTable();
        // A copy: it goes out in the same write as the record batch whose metadata reuses the buffer.
        return (Frame(HeaderDictionaryBatch, dictionary, body.Length, 0).ToArray(), body);
    }

    private int Batch(int rows, int columns, ReadOnlySpan<(long Offset, long Length)> buffers)
    {
        // Structs in a vector are written back to front, and their fields too.
        _fb.StartVector(16, columns, 8);
        for (int i = columns - 1; i >= 0; i--)
        {
            _fb.Prep(8, 16);
            _fb.PutLong(0);
            _fb.PutLong(rows);
        }
        var nodes = _fb.EndVector();
        _fb.StartVector(16, buffers.Length, 8);
        for (int i = buffers.Length - 1; i >= 0; i--)
        {
            _fb.Prep(8, 16);
            _fb.PutLong(buffers[i].Length);
            _fb.PutLong(buffers[i].Offset);
        }
        var bufferVector = _fb.EndVector();
        _fb.StartTable(5);
        _fb.AddLong(0, rows, 0);
        _fb.AddOffset(1, nodes.Value, 0);
        _fb.AddOffset(2, bufferVector.Value, 0);
        return _fb.EndTable();
    }

    private int Field(string name, byte typeType, int type, int dictionary)
    {
        var nameOffset = _fb.CreateString(name);
        // Some readers insist on a children vector, even an empty one.
        _fb.StartVector(4, 0, 4);
        var children = _fb.EndVector();
        _fb.StartTable(7);
        _fb.AddOffset(0, nameOffset.Value, 0);
        _fb.AddOffset(3, type, 0);
        if (dictionary != 0) _fb.AddOffset(4, dictionary, 0);
        _fb.AddOffset(5, children.Value, 0);
        _fb.AddByte(2, typeType, 0);
        return _fb.EndTable();
    }

    private int EmptyTable()
    {
        _fb.StartTable(0);
        return _fb.EndTable();
    }

    private int Double()
    {
        _fb.StartTable(1);
        _fb.AddShort(0, PrecisionDouble, 0);
        return _fb.EndTable();
    }

    private int Dictionary()
    {
        _fb.StartTable(2);
        _fb.AddInt(0, 32, 0);
        _fb.AddBool(1, true, false);
        int index = _fb.EndTable();
        _fb.StartTable(4);
        _fb.AddOffset(1, index, 0);
        return _fb.EndTable();
    }

    private int Tables(ReadOnlySpan<int> tables)
    {
        _fb.StartVector(4, tables.Length, 4);
        for (int i = tables.Length - 1; i >= 0; i--) _fb.AddOffset(tables[i]);
        return _fb.EndVector().Value;
    }

    private int KeyValues(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var tables = new int[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            var key = _fb.CreateString(pairs[i].Key);
            var value = _fb.CreateString(pairs[i].Value);
            _fb.StartTable(2);
            _fb.AddOffset(0, key.Value, 0);
            _fb.AddOffset(1, value.Value, 0);
            tables[i] = _fb.EndTable();
        }
        return Tables(tables);
    }

    // The continuation marker, the metadata's length (padded so the body starts 8-aligned), the Message, padding.
    private ReadOnlyMemory<byte> Frame(byte headerType, int header, long bodyLength, int customMetadata)
    {
        _fb.StartTable(5);
        _fb.AddLong(3, bodyLength, 0);
        _fb.AddOffset(2, header, 0);
        if (customMetadata != 0) _fb.AddOffset(4, customMetadata, 0);
        _fb.AddShort(0, MetadataV5, 0);
        _fb.AddByte(1, headerType, 0);
        _fb.Finish(_fb.EndTable());
        ReadOnlySpan<byte> bytes = _fb.DataBuffer.ToArraySegment(_fb.DataBuffer.Position, _fb.Offset);
        int length = bytes.Length + PadTo8(bytes.Length);
        if (_header.Length < length + 8) _header = new byte[length + 8 + 1024];
        BitConverter.TryWriteBytes(_header.AsSpan(0), -1);
        BitConverter.TryWriteBytes(_header.AsSpan(4), length);
        bytes.CopyTo(_header.AsSpan(8));
        _header.AsSpan(8 + bytes.Length, length - bytes.Length).Clear();
        _framed = length + 8;
        return _header.AsMemory(0, _framed);
    }

    /// <summary>
    /// The message framed last (a <see cref="RecordBatch"/>), its metadata longer by <paramref name="extra"/> zero
    /// bytes, a multiple of 8: every reader skips them (the metadata's length counts its padding), and a writer uses
    /// them to end a batch on a page boundary.
    /// </summary>
    public ReadOnlyMemory<byte> PadLast(int extra)
    {
        if (extra < 0 || (extra & 7) != 0) throw new ArgumentOutOfRangeException(nameof(extra), extra, "padding is a multiple of 8 bytes");
        if (_header.Length < _framed + extra)
        {
            var grown = new byte[_framed + extra + 1024];
            _header.AsSpan(0, _framed).CopyTo(grown);
            _header = grown;
        }
        _header.AsSpan(_framed, extra).Clear();
        _framed += extra;
        BitConverter.TryWriteBytes(_header.AsSpan(4), _framed - 8);
        return _header.AsMemory(0, _framed);
    }
}
