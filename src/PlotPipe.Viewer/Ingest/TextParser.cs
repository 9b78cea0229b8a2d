using System.Buffers;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Cuts text input into lines and hands each to the reader for its format (delimited numbers or JSON lines,
/// chosen by the first line that is neither blank nor a <c>#</c> comment). Pure and synchronous: it takes
/// whatever bytes have arrived, consumes every whole line, and leaves a partial last line in the buffer until its
/// newline comes or the input ends. A line longer than <see cref="TextOptions.MaxLineBytes"/> is a bad line,
/// and its bytes are skipped as they come rather than buffered.
/// </summary>
internal sealed class TextParser
{
    private readonly int _maxLineBytes;
    private readonly TextProblems _problems;
    private readonly TextRows _rows;
    private readonly TextJson _json;
    private readonly byte[] _scratch;
    private readonly long _skip;
    private Format _format;
    private bool _completed;
    private bool _skippingLongLine;
    private long _line;

    private enum Format { Unknown, Delimited, Json }

    /// <summary>A parser that defines series in <paramref name="series"/> and counts bad lines in <paramref name="problems"/>.</summary>
    public TextParser(TextOptions options, TextSeries series, TextProblems problems)
    {
        if (options.MaxLineBytes < 16) throw new ArgumentException($"MaxLineBytes {options.MaxLineBytes} is below 16", nameof(options));
        _maxLineBytes = options.MaxLineBytes;
        _problems = problems;
        _scratch = new byte[options.MaxLineBytes];
        _skip = options.Skip;
        series.Shape(options);
        _rows = new TextRows(options, series, problems);
        _json = new TextJson(options, series, problems);
    }

    /// <summary>Lines seen so far (blank and bad ones included); the next line's number is one more.</summary>
    public long Lines => _line;

    /// <summary>
    /// Reads every whole line in <paramref name="buffer"/> and slices them off it; with <paramref name="isCompleted"/>
    /// the input has ended, so a last line without a newline is read too.
    /// </summary>
    public void Consume(ref ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        while (!buffer.IsEmpty)
        {
            if (_skippingLongLine)
            {
                var end = buffer.PositionOf((byte)'\n');
                if (end is null)
                {
                    buffer = buffer.Slice(buffer.End);
                    break;
                }
                buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
                _skippingLongLine = false;
                continue;
            }

            // Lines wholly inside the first segment are read in place: the common case, and the fast one.
            var span = buffer.FirstSpan;
            int consumed = 0;
            while (true)
            {
                int newline = span[consumed..].IndexOf((byte)'\n');
                if (newline < 0) break;
                var line = span.Slice(consumed, newline);
                if (line.Length > _maxLineBytes) TooLong();
                else Line(line);
                consumed += newline + 1;
            }
            if (consumed > 0)
            {
                buffer = buffer.Slice(consumed);
                continue;
            }

            // The first segment holds no newline: the line goes on into later segments, or has not ended yet.
            var position = buffer.PositionOf((byte)'\n');
            if (position is null)
            {
                if (buffer.Length > _maxLineBytes)
                {
                    TooLong();
                    _skippingLongLine = !isCompleted;
                    buffer = buffer.Slice(buffer.End);
                }
                else if (isCompleted)
                {
                    Line(Contiguous(buffer));
                    buffer = buffer.Slice(buffer.End);
                }
                break;
            }
            var whole = buffer.Slice(0, position.Value);
            if (whole.Length > _maxLineBytes) TooLong();
            else Line(Contiguous(whole));
            buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        }
        if (isCompleted && buffer.IsEmpty && !_completed)
        {
            _completed = true;
            if (_format == Format.Delimited) _rows.Complete();
            // "vmstat1 | plotpipe view --stdin": the shell's error went elsewhere, and an empty page says nothing.
            else if (_format == Format.Unknown) _problems.Note(NothingRead());
        }
    }

    private string NothingRead()
    {
        if (_line == 0) return "no data: the input was empty";
        var what = _skip > 0 ? "blank, a # comment or passed over by --skip" : "blank or a # comment";
        return _line == 1 ? $"no data: the input ended after 1 line, {what}" : $"no data: the input ended after {_line} lines, each {what}";
    }

    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment) return line.FirstSpan;
        line.CopyTo(_scratch);
        return _scratch.AsSpan(0, (int)line.Length);
    }

    private void TooLong()
    {
        _line++;
        if (_line > _skip) _problems.Bad(_line, $"longer than the limit of {_maxLineBytes} bytes");
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        long number = ++_line;
        if (number <= _skip) return;
        // A byte order mark starts a file, and files may be joined: it is passed over at the start of any line.
        if (line.StartsWith("\uFEFF"u8)) line = line[3..];
        line = line.Trim(" \t\r"u8);
        if (line.IsEmpty || line[0] == (byte)'#') return;
        if (_format == Format.Unknown) _format = line[0] == (byte)'{' ? Format.Json : Format.Delimited;
        try
        {
            if (_format == Format.Json) _json.Read(line, number);
            else _rows.Read(line, number);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A line must never end the viewer: were a reader ever to throw, the line is one more bad line.
            _problems.Bad(number, $"could not be read ({e.GetType().Name}: {TextNumbers.Shown(e.Message)})");
        }
    }
}
