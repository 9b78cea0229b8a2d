using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Reads a recording back batch by batch: the schema's metadata, the series dictionary (with its deltas), the latest
/// plot definitions, when each batch's rows arrived, and each record batch's columns as spans over one reused buffer
/// (no per-row work); in format version 2 (three columns) or version 1 (a fourth, per-row time column). A file
/// that ends mid-message, as a killed viewer leaves it, ends after its last whole batch (<see cref="Truncated"/>).
/// Any other damage, and any file that is not a recording, ends in one <see cref="InvalidDataException"/> that says
/// in plain words what is wrong and where (the message's byte in the file, the batch's number): every offset,
/// length and count is checked before it is followed.
/// </summary>
internal sealed class RecordingReader
{
    private const byte HeaderSchema = 1, HeaderDictionaryBatch = 2, HeaderRecordBatch = 3;
    private const short MetadataV4 = 3, MetadataV5 = 4;
    private const byte TypeInt = 2, TypeFloatingPoint = 3, TypeUtf8 = 5, TypeTimestamp = 10;
    private const short PrecisionDouble = 2, TimeUnitMicrosecond = 2;
    private const int MaxMetadataBytes = 64 << 20;
    private static readonly string[] ColumnsWithTime = [RecordingFormat.SeriesColumn, RecordingFormat.XColumn, RecordingFormat.YColumn, RecordingFormat.TimeColumn];
    private static readonly string[] ColumnsNow = [RecordingFormat.SeriesColumn, RecordingFormat.XColumn, RecordingFormat.YColumn];

    private readonly Stream _input;
    // The columns of the file's version: version 1 has a time column after y.
    private string[] _columns = ColumnsNow;
    private byte[] _meta = new byte[4096];
    // Two bodies in turn: a caller may still read the batch before this one (RecordingBatch) while the next is read.
    private readonly byte[][] _bodies = [new byte[1 << 20], new byte[1 << 20]];
    private int _which;
    private byte[] _body;
    private string[] _labelsSeen = [];
    private int _labelsVersion;
    private readonly List<string> _labels = [];
    private (long Offset, long Length) _series, _x, _y;
    private Dictionary<string, string>? _messageMetadata;
    private long _bodyLength;
    // Where the reader stands in the input, and where the message being read started.
    private long _position;
    private long _messageAt;
    private int _messages;
    private byte _messageType;
    private int _batches;

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
        if (ReadMessage() is not var (type, schema))
        {
            throw new InvalidDataException(_position == 0 ? "an empty file is not an Arrow IPC stream"
                : Truncated ? $"not an Arrow IPC stream, or one cut short: it ends at byte {_position}, inside its first message"
                : $"an Arrow IPC stream that ends at byte {_position}, before its schema, is not a recording");
        }
        if (type != HeaderSchema) throw new InvalidDataException($"not an Arrow IPC stream that starts with a schema (its first message is of type {type})");
        try
        {
            SchemaMetadata = ReadSchema(schema);
        }
        catch (InvalidDataException e) when (FlatTable.IsDamage(e))
        {
            throw Damaged(e.Message);
        }
    }

    /// <summary>The schema's metadata (version, start time).</summary>
    public IReadOnlyDictionary<string, string> SchemaMetadata { get; }

    /// <summary>The series column's dictionary so far.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The plot's definitions as last written (JSON), or null before any.</summary>
    public string? Definitions { get; private set; }

    /// <summary>The plot's definitions as last written, read and checked (<see cref="RecordedPlot.Parse"/>), or null before any.</summary>
    public RecordedPlot? Plot { get; private set; }

    /// <summary>Whether the batch just read carried new definitions.</summary>
    public bool DefinitionsChanged { get; private set; }

    /// <summary>The markers the batch just read carries (those that arrived since the batch before), or null.</summary>
    public (PlotEvent Event, string Producer, bool Alert)[]? Events { get; private set; }

    /// <summary>Whether the file ended mid-message, as a writer killed while writing leaves it.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Record batches read so far.</summary>
    public int Batches => _batches;

    /// <summary>Rows of the batch just read.</summary>
    public int Rows { get; private set; }

    /// <summary>Dictionary indices of the batch's rows.</summary>
    public ReadOnlySpan<int> Series => MemoryMarshal.Cast<byte, int>(Slice(_series, 4));

    /// <summary>x of the batch's rows.</summary>
    public ReadOnlySpan<double> X => MemoryMarshal.Cast<byte, double>(Slice(_x, 8));

    /// <summary>y of the batch's rows.</summary>
    public ReadOnlySpan<double> Y => MemoryMarshal.Cast<byte, double>(Slice(_y, 8));

    /// <summary>
    /// When the viewer received the batch's first row, microseconds since the Unix epoch: from the batch's metadata
    /// (version 2) or its time column (version 1); 0 when unknown (an export, or an empty batch).
    /// </summary>
    public long FirstReceivedMicros { get; private set; }

    /// <summary>When the viewer received the batch's last row, as <see cref="FirstReceivedMicros"/>.</summary>
    public long LastReceivedMicros { get; private set; }

    private ReadOnlySpan<byte> Slice((long Offset, long Length) buffer, int size) => _body.AsSpan((int)buffer.Offset, Rows * size);

    /// <summary>The batch just read, as a value that stays readable while the next one is read (not the one after).</summary>
    public RecordingBatch Current => new(_body, Rows, _series.Offset, _x.Offset, _y.Offset, DefinitionsChanged ? Plot : null, _labelsSeen, Events);

    /// <summary>Reads up to the next record batch; false at the end of the stream.</summary>
    public bool Next()
    {
        DefinitionsChanged = false;
        _which ^= 1;
        _body = _bodies[_which];
        int labels = _labelsVersion;
        while (ReadMessage() is var (type, header))
        {
            try
            {
                switch (type)
                {
                    case HeaderDictionaryBatch:
                        ReadDictionary(header);
                        continue;
                    case HeaderRecordBatch:
                        _batches++;
                        ReadBatch(header);
                        if (_labelsVersion != labels) _labelsSeen = [.. _labels];
                        return true;
                    case HeaderSchema:
                        throw Damaged("a second schema (a recording has one, at its start)");
                    default:
                        throw Damaged($"a message of type {type}; a recording holds only a schema, dictionary batches and record batches");
                }
            }
            catch (InvalidDataException e) when (FlatTable.IsDamage(e))
            {
                throw Damaged(e.Message);
            }
        }
        return false;
    }

    private IReadOnlyDictionary<string, string> ReadSchema(FlatTable schema)
    {
        var metadata = KeyValues(schema, 2);
        if (!metadata.TryGetValue(RecordingFormat.VersionKey, out var version))
            throw Damaged($"an Arrow stream without the {RecordingFormat.VersionKey} key is not a PlotPipe recording");
        _columns = version switch
        {
            RecordingFormat.Version => ColumnsNow,
            RecordingFormat.VersionWithTimeColumn => ColumnsWithTime,
            _ => throw Damaged($"recording format version {RecordedPlot.Shown(version)}; this viewer reads versions {RecordingFormat.VersionWithTimeColumn} and {RecordingFormat.Version}"),
        };
        var fields = schema.Vector(1, 4);
        if (fields.Count != _columns.Length)
            throw Damaged($"a recording has the columns {string.Join(", ", _columns)}; this stream has {fields.Count} columns");
        for (int i = 0; i < _columns.Length; i++)
        {
            var field = schema.TableAt(fields, i);
            var name = field.String(0);
            if (name != _columns[i]) throw Damaged($"a recording's column {i} is {_columns[i]}, not {(name is null ? "unnamed" : RecordedPlot.Shown(name))}");
            byte typeType = field.Byte(2);
            var type = field.Table(3);
            bool fits = i switch
            {
                // Arrow's default index type, when none is given, is int32.
                0 => typeType == TypeUtf8 && field.Table(4) is { } dictionary && (dictionary.Table(1) is not { } index || index.Int(0) == 32),
                1 or 2 => typeType == TypeFloatingPoint && type is { } floating && floating.Short(0) == PrecisionDouble,
                _ => typeType == TypeTimestamp && type is { } timestamp && timestamp.Short(0) == TimeUnitMicrosecond,
            };
            if (!fits)
            {
                string wanted = i switch { 0 => "a dictionary of utf8 over int32", 1 or 2 => "float64", _ => "timestamp[us]" };
                throw Damaged($"its column {_columns[i]} is not {wanted} (Arrow type {typeType})");
            }
        }
        return metadata;
    }

    private void ReadBatch(FlatTable header)
    {
        if (header.Has(3)) throw Damaged("a compressed record batch (recordings are not compressed)");
        long rows = header.Long(0);
        if (rows is < 0 or > int.MaxValue) throw Damaged($"it says it has {rows} rows");
        Rows = (int)rows;
        var nodes = header.Vector(1, 16);
        if (nodes.Count != _columns.Length) throw Damaged($"it has {nodes.Count} columns; a recording's batch has {_columns.Length}");
        for (int i = 0; i < _columns.Length; i++)
        {
            long length = header.PairAt(nodes, i).First;
            if (length != rows) throw Damaged($"it says it has {rows} rows, but its {_columns[i]} column says {length}");
        }
        if (DefinitionsOnly)
        {
            TakeDefinitions();
            TakeEvents();
            // Version 2's times are in the metadata; version 1's column is not read here.
            TakeReceived(null);
            return;
        }
        var buffers = header.Vector(2, 16);
        if (buffers.Count != 2 * _columns.Length) throw Damaged($"it has {buffers.Count} buffers; a recording's batch has {2 * _columns.Length}");
        _series = Buffer(header, buffers, 1, 4, _columns[0]);
        _x = Buffer(header, buffers, 3, 8, _columns[1]);
        _y = Buffer(header, buffers, 5, 8, _columns[2]);
        TakeDefinitions();
        TakeEvents();
        TakeReceived(buffers.Count > 6 ? Buffer(header, buffers, 7, 8, _columns[3]) : null);
        var series = Series;
        int count = _labels.Count;
        for (int row = 0; row < series.Length; row++)
        {
            if ((uint)series[row] >= (uint)count) throw Damaged($"row {row}'s series index {series[row]} is not in the dictionary of {count}");
        }
    }

    // Buffer `i` of a batch, checked to lie inside the message's body and to hold a value of `size` bytes for every row.
    private (long Offset, long Length) Buffer(FlatTable header, FlatVector buffers, int i, int size, string column)
    {
        var (offset, length) = header.PairAt(buffers, i);
        if (offset < 0 || length < 0 || offset > _bodyLength - length)
            throw Damaged($"its {column} column lies at bytes {offset} to {offset + length}, outside its body of {_bodyLength} bytes");
        if (length < (long)Rows * size) throw Damaged($"its {column} column holds {length / size} values for {Rows} rows");
        return (offset, length);
    }

    // Version 1: the first and last row of its time column; version 2: the batch's metadata, when it has them.
    private void TakeReceived((long Offset, long Length)? timeColumn)
    {
        FirstReceivedMicros = LastReceivedMicros = 0;
        if (timeColumn is { } time)
        {
            if (Rows == 0) return;
            var times = MemoryMarshal.Cast<byte, long>(Slice(time, 8));
            (FirstReceivedMicros, LastReceivedMicros) = (times[0], times[^1]);
            return;
        }
        if (_messageMetadata is not { } meta) return;
        FirstReceivedMicros = Micros(meta, RecordingFormat.FirstReceivedKey);
        LastReceivedMicros = Micros(meta, RecordingFormat.LastReceivedKey);
    }

    private long Micros(Dictionary<string, string> meta, string key)
    {
        if (!meta.TryGetValue(key, out var text)) return 0;
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long micros) ? micros
            : throw Damaged($"its {key} is {RecordedPlot.Shown(text)}, not microseconds as a whole number");
    }

    private void TakeEvents()
    {
        Events = null;
        if (_messageMetadata is not { } meta || !meta.TryGetValue(RecordingFormat.EventsKey, out var text)) return;
        try
        {
            Events = RecordedEvents.Parse(text);
        }
        catch (InvalidDataException e)
        {
            throw Damaged($"its markers: {e.Message}");
        }
    }

    private void TakeDefinitions()
    {
        if (_messageMetadata is not { } meta || !meta.TryGetValue(RecordingFormat.DefinitionsKey, out var definitions)) return;
        try
        {
            Plot = RecordedPlot.Parse(definitions);
        }
        catch (InvalidDataException e)
        {
            throw Damaged($"its plot definitions: {e.Message}");
        }
        Definitions = definitions;
        DefinitionsChanged = true;
    }

    private void ReadDictionary(FlatTable batch)
    {
        var data = batch.Table(1) ?? throw Damaged("a dictionary batch without data");
        bool delta = batch.Bool(2);
        long count = data.Long(0);
        if (count is < 0 or > int.MaxValue / 4 - 1) throw Damaged($"it says it has {count} series names");
        var buffers = data.Vector(2, 16);
        if (buffers.Count < 3) throw Damaged($"it has {buffers.Count} buffers; a dictionary of names has 3");
        var (offsetsAt, offsetsLength) = data.PairAt(buffers, 1);
        var (textAt, textLength) = data.PairAt(buffers, 2);
        foreach (var (at, length, what) in new[] { (offsetsAt, offsetsLength, "offsets lie"), (textAt, textLength, "text lies") })
        {
            if (at < 0 || length < 0 || at > _bodyLength - length)
                throw Damaged($"its names' {what} at bytes {at} to {at + length}, outside its body of {_bodyLength} bytes");
        }
        if (offsetsLength < (count + 1) * 4) throw Damaged($"its names' offsets hold {offsetsLength / 4} values for {count} names");
        var ends = MemoryMarshal.Cast<byte, int>(_body.AsSpan((int)offsetsAt, (int)(count + 1) * 4));
        var text = _body.AsSpan((int)textAt, (int)textLength);
        if ((uint)ends[0] > (uint)text.Length) throw Damaged($"its first name starts at byte {ends[0]} of its {text.Length} bytes of names");
        for (int i = 0; i < count; i++)
        {
            if (ends[i + 1] < ends[i] || ends[i + 1] > text.Length)
                throw Damaged($"its name {i} runs from byte {ends[i]} to {ends[i + 1]} of its {text.Length} bytes of names");
        }
        if (!delta) _labels.Clear();
        _labelsVersion++;
        for (int i = 0; i < count; i++) _labels.Add(Encoding.UTF8.GetString(text[ends[i]..ends[i + 1]]));
    }

    // Null at the end of the stream, or where the file stops mid-message.
    private (byte Type, FlatTable Header)? ReadMessage()
    {
        _messageAt = _position;
        _messageType = 0;
        Span<byte> prefix = stackalloc byte[4];
        // Nothing at all where a message would start: the stream simply ends (a killed writer sends no marker).
        int got = _input.ReadAtLeast(prefix, 4, throwOnEndOfStream: false);
        _position += got;
        if (got < 4)
        {
            Truncated |= got > 0;
            return null;
        }
        _messages++;
        int length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length == -1)
        {
            if (!ReadExactly(prefix)) return null;
            length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        }
        else if (_messages == 1)
        {
            // Every recording starts with the continuation marker; older Arrow streams without it are not recordings.
            throw new InvalidDataException(prefix.SequenceEqual("ARRO"u8)
                ? "not an Arrow IPC stream: it starts with ARRO, as Arrow's random-access file format does; a recording is the stream format"
                : $"not an Arrow IPC stream: it starts with the bytes {Convert.ToHexString(prefix)}, not the stream's marker FFFFFFFF");
        }
        // The end-of-stream marker.
        if (length == 0) return null;
        if (length < 0 || length > MaxMetadataBytes) throw Damaged($"its metadata would be {length} bytes (at most {MaxMetadataBytes})");
        if (Remaining() is long left && length > left)
        {
            Skip(left);
            return null;
        }
        if (_meta.Length < length) _meta = new byte[length];
        if (!ReadExactly(_meta.AsSpan(0, length))) return null;
        FlatTable header;
        try
        {
            var message = FlatTable.Root(_meta, length);
            short version = message.Short(0);
            _messageType = message.Byte(1);
            if (version is not (MetadataV4 or MetadataV5)) throw Damaged($"its metadata version is {version}, not 4 or 5");
            header = message.Table(2) ?? throw Damaged("a message without a header");
            _bodyLength = message.Long(3);
            _messageMetadata = message.Has(4) ? KeyValues(message, 4) : null;
        }
        catch (InvalidDataException e) when (FlatTable.IsDamage(e))
        {
            throw Damaged(e.Message);
        }
        if (_bodyLength < 0 || _bodyLength > Array.MaxLength) throw Damaged($"its body would be {_bodyLength} bytes");
        if (Remaining() is long rest && _bodyLength > rest)
        {
            Skip(rest);
            return null;
        }
        if (DefinitionsOnly && _messageType == HeaderRecordBatch && _input.CanSeek)
        {
            _input.Seek(_bodyLength, SeekOrigin.Current);
            _position += _bodyLength;
            return (_messageType, header);
        }
        return ReadBody((int)_bodyLength) ? (_messageType, header) : null;
    }

    // A seekable input's bytes left; null for a pipe, whose lengths cannot be checked before reading.
    private long? Remaining() => _input.CanSeek ? Math.Max(0, _input.Length - _input.Position) : null;

    // The file ends inside the message: it was cut there.
    private void Skip(long rest)
    {
        _input.Seek(rest, SeekOrigin.Current);
        _position += rest;
        Truncated = true;
    }

    // Grown as the bytes arrive, so a lying length on a pipe costs no more memory than the bytes really sent.
    private bool ReadBody(int length)
    {
        int have = 0;
        while (true)
        {
            int want = Remaining() is null ? (int)Math.Min(length, Math.Max(2L * have, 1 << 20)) : length;
            if (_body.Length < want)
            {
                var grown = new byte[Math.Min(Array.MaxLength, Math.Max(want, 2L * _body.Length))];
                _body.AsSpan(0, have).CopyTo(grown);
                _body = _bodies[_which] = grown;
            }
            if (!ReadExactly(_body.AsSpan(have, want - have))) return false;
            have = want;
            if (have == length) return true;
        }
    }

    private bool ReadExactly(Span<byte> into)
    {
        int n = _input.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
        _position += n;
        if (n == into.Length) return true;
        Truncated = true;
        return false;
    }

    private static Dictionary<string, string> KeyValues(FlatTable t, int slot)
    {
        var pairs = new Dictionary<string, string>();
        var vector = t.Vector(slot, 4);
        for (int i = 0; i < vector.Count; i++)
        {
            var kv = t.TableAt(vector, i);
            if (kv.String(0) is { } key) pairs[key] = kv.String(1) ?? "";
        }
        return pairs;
    }

    // The problem, prefixed with where it is: the batch's number, the message's number and its first byte in the file.
    private InvalidDataException Damaged(string what)
    {
        string where = _messageType switch
        {
            HeaderRecordBatch => $"batch {_batches} (message {_messages} at byte {_messageAt})",
            HeaderDictionaryBatch => $"the names batch before batch {_batches + 1} (message {_messages} at byte {_messageAt})",
            _ when _messages <= 1 => $"its schema (message 1 at byte {_messageAt})",
            _ => $"message {_messages} at byte {_messageAt}",
        };
        return new InvalidDataException($"{where}: {what}");
    }
}
