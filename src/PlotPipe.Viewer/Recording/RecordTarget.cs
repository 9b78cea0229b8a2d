using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Opens the file a recording goes to without ever waiting, so a viewer's address line always comes first. A regular
/// file (or a device such as /dev/full) is created or truncated. A named pipe (FIFO) is opened only when something
/// already reads it: opening one for writing otherwise waits for a reader, for ever if none comes, so one without a
/// reader is refused with a reason instead (on Linux; elsewhere a pipe is opened as a file is). Every refusal is an
/// <see cref="IOException"/> whose message says why in plain words.
/// </summary>
internal static class RecordTarget
{
    private const int WriteOnly = 0x1, NonBlocking = 0x800, CloseOnExec = 0x80000;
    private const int NoReader = 6, NotSeekable = 29, SeekFromHere = 1, GetFlags = 3, SetFlags = 4;

    /// <summary>Opens <paramref name="path"/> for writing a recording.</summary>
    public static SafeFileHandle Open(string path)
    {
        if (OperatingSystem.IsLinux() && OpenPipe(path) is { } pipe) return pipe;
        try
        {
            return File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete);
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException(Directory.Exists(path) ? "it is a folder" : "permission denied");
        }
        catch (DirectoryNotFoundException)
        {
            // The kernel says the same when a part of the path is a file: name which it is.
            throw new IOException(MissingFolder(Path.GetDirectoryName(Path.GetFullPath(path))!));
        }
        catch (ArgumentException)
        {
            throw new IOException("it is not a file's path");
        }
    }

    /// <summary>Why a file cannot be made in <paramref name="folder"/>, which is no folder: it is a file, or it does not exist.</summary>
    public static string MissingFolder(string folder) => File.Exists(folder) ? $"{folder} is a file, not a folder" : $"the folder {folder} does not exist";

    /// <summary>
    /// <paramref name="path"/>, just opened as <paramref name="opened"/>, opened a second time to write past the page
    /// cache (O_DIRECT), or null where that is not to be had: not Linux, a pipe, socket or terminal, a file system or
    /// device that refuses it (one that takes the flag and refuses the writes gets them through the page cache). Written through the page cache, a recording costs the kernel a fresh page, its clearing and a copy for every
    /// 4 KiB, a third of a core at 30 M points a second; written past it, the disk takes the columns from the block as
    /// they lie.
    /// </summary>
    public static SafeFileHandle? OpenDirect(string path, SafeFileHandle opened)
    {
        if (!OperatingSystem.IsLinux() || DirectFlag() is not int flag) return null;
        // Only a file with offsets: a pipe, a socket or a terminal has none to align.
        if (lseek((int)opened.DangerousGetHandle(), 0, SeekFromHere) < 0) return null;
        int fd = open(path, WriteOnly | flag | CloseOnExec);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    // O_DIRECT's value differs by processor family.
    private static int? DirectFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => null,
    };

    // An existing pipe, opened for writing without blocking, then switched to blocking writes (the recorder's writer
    // task waits on a slow reader; ingest never does). Null for anything else, or nothing at that path.
    private static SafeFileHandle? OpenPipe(string path)
    {
        int fd = open(path, WriteOnly | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            if (Marshal.GetLastPInvokeError() == NoReader)
                throw new IOException("it is a named pipe (FIFO) that nothing reads: start its reader first, as the viewer does not wait for one");
            return null;
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (lseek(fd, 0, SeekFromHere) >= 0 || Marshal.GetLastPInvokeError() != NotSeekable)
        {
            handle.Dispose();
            return null;
        }
        int flags = fcntl(fd, GetFlags, 0);
        if (flags < 0 || fcntl(fd, SetFlags, flags & ~NonBlocking) < 0)
        {
            handle.Dispose();
            throw new IOException($"it is a pipe that could not be set to wait for its reader (error {Marshal.GetLastPInvokeError()})");
        }
        return handle;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern long lseek(int fd, long offset, int whence);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);
}
