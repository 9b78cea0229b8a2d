using PlotPipe.Viewer.Recording;

namespace PlotPipe.Viewer.Hosting;

/// <summary>
/// The files a user names on the command line, checked before anything runs: one that cannot be read, a folder to
/// write into that is missing, an input that is not a recording, each said in a few plain words.
/// </summary>
internal static class UserFiles
{
    /// <summary>Opens <paramref name="path"/> for reading; null, with why not in <paramref name="problem"/>, when it cannot be.</summary>
    public static FileStream? OpenRead(string path, out string? problem)
    {
        problem = null;
        if (Directory.Exists(path))
        {
            problem = $"cannot read {path}: it is a folder, not a file";
            return null;
        }
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read {path}: {Why(e)}";
            return null;
        }
    }

    /// <summary>Why a file could not be opened, in a few words (no exception text): "it does not exist", "permission denied".</summary>
    public static string Why(Exception e) => e switch
    {
        FileNotFoundException => "it does not exist",
        DirectoryNotFoundException => "its folder does not exist",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        _ => e.Message.ReplaceLineEndings(" "),
    };

    /// <summary>Why <paramref name="path"/>, given to <paramref name="option"/>, cannot be written: its folder is missing, or it is a folder; null when it can be tried.</summary>
    public static string? CannotWrite(string option, string path)
    {
        if (Directory.Exists(path)) return $"cannot write {option} {path}: it is a folder";
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            return $"cannot write {option} {path}: {RecordTarget.MissingFolder(folder)}";
        return null;
    }

    /// <summary>
    /// Whether <paramref name="input"/> (seekable, left at its start) begins as a recording does: an Arrow IPC
    /// stream opens with its continuation marker, 0xFFFFFFFF.
    /// </summary>
    public static bool StartsAsRecording(Stream input)
    {
        Span<byte> head = stackalloc byte[4];
        int n = input.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        input.Position = 0;
        return n == 4 && BitConverter.ToInt32(head) == -1;
    }

    /// <summary>Why the file at <paramref name="path"/> is no recording to open (cannot be read, empty, not an Arrow IPC stream); null when it starts as one.</summary>
    public static string? NotARecording(string path)
    {
        using var file = OpenRead(path, out var problem);
        if (file is null) return problem;
        return NotARecording(file, path);
    }

    /// <summary>Why <paramref name="input"/> (seekable, left at its start) is no recording; null when it starts as one.</summary>
    public static string? NotARecording(Stream input, string path)
    {
        if (input.Length == 0) return $"{path} is empty, not a recording";
        if (StartsAsRecording(input)) return null;
        Span<byte> head = stackalloc byte[6];
        int n = input.ReadAtLeast(head, 6, throwOnEndOfStream: false);
        input.Position = 0;
        // The Arrow IPC file format ("ARROW1" ... "ARROW1") holds the same messages, but plotpipe reads the stream.
        if (n == 6 && head.SequenceEqual("ARROW1"u8))
            return $"{path} is an Arrow IPC file, not a recording (plotpipe reads the Arrow IPC stream format that --record writes)";
        return $"{path} is not a recording (not an Arrow IPC stream)";
    }

    /// <summary>Whether <paramref name="path"/> is named as an Arrow file (.arrow, .arrows, .ipc, .feather), so its content must be one.</summary>
    public static bool NamedAsArrow(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".arrow" or ".arrows" or ".ipc" or ".feather";
}
