using System.Runtime.InteropServices;
using System.Text;
using Google.FlatBuffers;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Reads a recording back batch by batch: the schema's metadata, the series dictionary (with its deltas), the latest
/// plot definitions, and each record batch's columns as spans over one reused buffer (no per-row work). A file
/// that ends mid-message, as a killed viewer leaves it, ends after its last whole batch (<see cref="Truncated"/>).
/// </summary>
internal sealed class RecordingReader
{
    private const byte HeaderSchema = 1, HeaderDictionaryBatch = 2, HeaderRecordBatch = 3;
    private readonly Stream _input;
    private byte[] _meta = new byte[4096];
    // Two bodies in turn: a caller may still read the batch before this one (RecordingBatch) while the next is read.
    private readonly byte[][] _bodies = [new byte[1 << 20], new byte[1 << 20]];
    private int _which;
    private byte[] _body;
    private string[] _labelsSeen = [];
    private int _labelsVersion;
    private readonly List<string> _labels = [];
    private (long Offset, long Length) _series, _x, _y, _time;

    /// <summary>
    /// Seek past record batches' bodies instead of reading them (a seekable input): <see cref="Next"/> then yields only
    /// the definitions, quickly, and the columns are not to be read.
    /// </summary>
    public bool DefinitionsOnly { get; set; }

    /// <summary>Reads the schema from <paramref name="input"/>; throws <see cref="InvalidDataException"/> when it is not a PlotPipe recording.</summary>
    public RecordingReader(Stream input)
    {
        _input = input;
        _body = _bodies[0];
        if (ReadMessage() is not (HeaderSchema, var schema)) throw new InvalidDataException("not an Arrow IPC stream that starts with a schema");
        var fields = Vector(schema, 1);
        string[] expected = [RecordingFormat.SeriesColumn, RecordingFormat.XColumn, RecordingFormat.YColumn, RecordingFormat.TimeColumn];
        if (fields.Length != expected.Length) throw new InvalidDataException($"a recording has columns {string.Join(", ", expected)}; this stream has {fields.Length} columns");
        for (int i = 0; i < expected.Length; i++)
        {
            var name = String(Table(schema.bb, fields.Start + i * 4), 0);
            if (name != expected[i]) throw new InvalidDataException($"a recording's column {i} is {expected[i]}, not {name}");
        }
        SchemaMetadata = KeyValues(schema, 2);
        if (!SchemaMetadata.TryGetValue(RecordingFormat.VersionKey, out var version))
            throw new InvalidDataException($"an Arrow stream without the {RecordingFormat.VersionKey} key is not a PlotPipe recording");
        if (version != RecordingFormat.Version)
            throw new InvalidDataException($"recording format version {version}; this viewer reads version {RecordingFormat.Version}");
    }

    /// <summary>The schema's metadata (version, start time).</summary>
    public IReadOnlyDictionary<string, string> SchemaMetadata { get; }

    /// <summary>The series column's dictionary so far.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The plot's definitions as last written (JSON), or null before any.</summary>
    public string? Definitions { get; private set; }

    /// <summary>Whether the batch just read carried new definitions.</summary>
    public bool DefinitionsChanged { get; private set; }

    /// <summary>Whether the file ended mid-message, as a writer killed while writing leaves it.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Rows of the batch just read.</summary>
    public int Rows { get; private set; }

    /// <summary>Dictionary indices of the batch's rows.</summary>
    public ReadOnlySpan<int> Series => MemoryMarshal.Cast<byte, int>(Slice(_series, 4));

    /// <summary>x of the batch's rows.</summary>
    public ReadOnlySpan<double> X => MemoryMarshal.Cast<byte, double>(Slice(_x, 8));

    /// <summary>y of the batch's rows.</summary>
    public ReadOnlySpan<double> Y => MemoryMarshal.Cast<byte, double>(Slice(_y, 8));

    /// <summary>Receive times of the batch's rows, microseconds since the Unix epoch.</summary>
    public ReadOnlySpan<long> Time => MemoryMarshal.Cast<byte, long>(Slice(_time, 8));

    private ReadOnlySpan<byte> Slice((long Offset, long Length) buffer, int size) => _body.AsSpan((int)buffer.Offset, Rows * size);

    /// <summary>The batch just read, as a value that stays readable while the next one is read (not the one after).</summary>
    public RecordingBatch Current => new(_body, Rows, _series.Offset, _x.Offset, _y.Offset, _time.Offset, DefinitionsChanged ? Definitions : null, _labelsSeen);

    /// <summary>Reads up to the next record batch; false at the end of the stream.</summary>
    public bool Next()
    {
        DefinitionsChanged = false;
        _which ^= 1;
        _body = _bodies[_which];
        int labels = _labelsVersion;
        while (ReadMessage() is var (type, header))
        {
            if (type == HeaderDictionaryBatch)
            {
                ReadDictionary(header);
                continue;
            }
            if (type != HeaderRecordBatch) continue;
            if (Offset(header, 3) != 0) throw new InvalidDataException("compressed record batches are not read");
            Rows = checked((int)Long(header, 0));
            if (DefinitionsOnly)
            {
                TakeDefinitions();
                return true;
            }
            var buffers = Vector(header, 2);
            if (buffers.Length != 8) throw new InvalidDataException($"a recording's batch has 8 buffers, not {buffers.Length}");
            _series = Buffer(header.bb, buffers.Start, 1);
            _x = Buffer(header.bb, buffers.Start, 3);
            _y = Buffer(header.bb, buffers.Start, 5);
            _time = Buffer(header.bb, buffers.Start, 7);
            foreach (var (b, size) in new[] { (_series, 4), (_x, 8), (_y, 8), (_time, 8) })
            {
                if (b.Length < (long)Rows * size || b.Offset + b.Length > _bodyLength) throw new InvalidDataException("a batch's buffer lies outside its body");
            }
            TakeDefinitions();
            if (_labelsVersion != labels) _labelsSeen = [.. _labels];
            var series = Series;
            foreach (int s in series)
            {
                if ((uint)s >= (uint)_labels.Count) throw new InvalidDataException($"series index {s} is not in the dictionary of {_labels.Count}");
            }
            return true;
        }
        return false;
    }

    private void TakeDefinitions()
    {
        if (_messageMetadata is { } meta && meta.TryGetValue(RecordingFormat.DefinitionsKey, out var definitions))
        {
            Definitions = definitions;
            DefinitionsChanged = true;
        }
    }

    private void ReadDictionary(Table batch)
    {
        var data = Sub(batch, 1) ?? throw new InvalidDataException("a dictionary batch without data");
        bool delta = Offset(batch, 2) is int o && o != 0 && batch.bb.Get(batch.bb_pos + o) != 0;
        if (!delta) _labels.Clear();
        _labelsVersion++;
        int count = checked((int)Long(data, 0));
        var buffers = Vector(data, 2);
        var offsets = Buffer(data.bb, buffers.Start, 1);
        var bytes = Buffer(data.bb, buffers.Start, 2);
        var ends = MemoryMarshal.Cast<byte, int>(_body.AsSpan((int)offsets.Offset, (count + 1) * 4));
        var text = _body.AsSpan((int)bytes.Offset, (int)bytes.Length);
        for (int i = 0; i < count; i++) _labels.Add(Encoding.UTF8.GetString(text[ends[i]..ends[i + 1]]));
    }

    private Dictionary<string, string>? _messageMetadata;
    private long _bodyLength;

    // Null at the end of the stream, or where the file stops mid-message.
    private (byte Type, Table Header)? ReadMessage()
    {
        Span<byte> prefix = stackalloc byte[8];
        // Nothing at all where a message would start: the stream simply ends (a killed writer sends no marker).
        if (_input.ReadAtLeast(prefix[..4], 4, throwOnEndOfStream: false) is int got && got < 4)
        {
            Truncated |= got > 0;
            return null;
        }
        int length = BitConverter.ToInt32(prefix);
        if (length == -1)
        {
            if (!ReadExactly(prefix[..4])) return null;
            length = BitConverter.ToInt32(prefix);
        }
        if (length == 0) return null;
        if (length < 0 || length > 64 << 20) throw new InvalidDataException($"a message's metadata of {length} bytes");
        if (_meta.Length < length) _meta = new byte[length];
        if (!ReadExactly(_meta.AsSpan(0, length))) return null;
        var bb = new ByteBuffer(_meta);
        var message = new Table(bb.GetInt(0), bb);
        int typeAt = Offset(message, 1);
        byte type = typeAt == 0 ? (byte)0 : bb.Get(message.bb_pos + typeAt);
        var header = Sub(message, 2) ?? throw new InvalidDataException("a message without a header");
        _bodyLength = Long(message, 3);
        if (_bodyLength < 0 || _bodyLength > int.MaxValue) throw new InvalidDataException($"a message body of {_bodyLength} bytes");
        if (DefinitionsOnly && type == HeaderRecordBatch && _input.CanSeek)
        {
            if (_input.Position + _bodyLength > _input.Length)
            {
                Truncated = true;
                return null;
            }
            _input.Seek(_bodyLength, SeekOrigin.Current);
            _messageMetadata = Offset(message, 4) == 0 ? null : KeyValues(message, 4);
            return (type, header);
        }
        if (_body.Length < _bodyLength) _body = _bodies[_which] = new byte[Math.Max(_bodyLength, _body.Length * 2L)];
        if (!ReadExactly(_body.AsSpan(0, (int)_bodyLength))) return null;
        _messageMetadata = Offset(message, 4) == 0 ? null : KeyValues(message, 4);
        return (type, header);
    }

    private bool ReadExactly(Span<byte> into)
    {
        int n = _input.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
        if (n == into.Length) return true;
        Truncated = true;
        return false;
    }

    private static int Offset(Table t, int slot) => t.__offset(4 + 2 * slot);

    private static long Long(Table t, int slot) => Offset(t, slot) is int o and not 0 ? t.bb.GetLong(t.bb_pos + o) : 0;

    private static Table? Sub(Table t, int slot) => Offset(t, slot) is int o and not 0 ? new Table(t.__indirect(t.bb_pos + o), t.bb) : null;

    private static Table Table(ByteBuffer bb, int at) => new(at + bb.GetInt(at), bb);

    private static string? String(Table t, int slot) => Offset(t, slot) is int o and not 0 ? t.__string(t.bb_pos + o) : null;

    private static (int Start, int Length) Vector(Table t, int slot) => Offset(t, slot) is int o and not 0 ? (t.__vector(o), t.__vector_len(o)) : (0, 0);

    private static (long Offset, long Length) Buffer(ByteBuffer bb, int start, int i) => (bb.GetLong(start + i * 16), bb.GetLong(start + i * 16 + 8));

    private static Dictionary<string, string> KeyValues(Table t, int slot)
    {
        var pairs = new Dictionary<string, string>();
        var (start, length) = Vector(t, slot);
        for (int i = 0; i < length; i++)
        {
            var kv = Table(t.bb, start + i * 4);
            if (String(kv, 0) is { } key) pairs[key] = String(kv, 1) ?? "";
        }
        return pairs;
    }
}
