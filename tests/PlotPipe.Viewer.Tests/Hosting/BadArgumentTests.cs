using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Hosting;

/// <summary>
/// Every option of every command (view, demo, bench, replay, export, the tool's root and the viewer program's own
/// root) given what a user mistypes: each is refused by the real program with exactly one line on standard error
/// starting "plotpipe:" and naming what was wrong, exit code 2 for the command line or 1 for the world (a file, a
/// port), no stack trace and no help.
/// </summary>
public sealed partial class BadArgumentTests(BadArgumentTests.Files files) : IClassFixture<BadArgumentTests.Files>
{
    // The options of `plotpipe view`, which the viewer program takes as its own: each case runs in both.
    private static readonly (string Args, int Exit, string Names)[] ViewCases =
    [
        ("--port abc", 2, "--port abc"),
        ("--port -1", 2, "--port -1"),
        ("--port 70000", 2, "--port 70000"),
        ("--port", 2, "--port"),
        ("--port 1 --port 2", 2, "--port"),
        ("--prot 8080", 2, "--prot (did you mean --port?)"),
        ("--host foo", 2, "--host foo"),
        ("--host", 2, "--host"),
        ("--listen abc", 2, "--listen abc"),
        ("--listen 127.0.0.1:70000", 2, "--listen 127.0.0.1:70000"),
        ("--listen nohost:5000", 2, "--listen nohost:5000"),
        ("--linger abc", 2, "--linger abc"),
        ("--linger -1", 2, "--linger -1"),
        ("--linger NaN", 2, "--linger NaN"),
        ("--max-points x", 2, "--max-points x"),
        ("--max-points -5", 2, "--max-points -5"),
        ("--max-points 1.5", 2, "--max-points 1.5"),
        ("--max-memory lots", 2, "--max-memory lots"),
        ("--max-memory 10K", 2, "--max-memory 10K"),
        ("--max-memory -1G", 2, "--max-memory -1G"),
        ("--max 5", 2, "--max (did you mean --max-points or --max-memory?)"),
        ("--png out.jpg", 2, "--png takes a .png file, not out.jpg; use --svg for SVG"),
        ("--png out.svg", 2, "--png"),
        ("--svg out.png", 2, "--svg takes a .svg file, not out.png; use --png for PNG"),
        ("--png", 2, "--png"),
        ("--png --pgn", 2, "--png needs <FILE>, not --pgn"),
        ("--record", 2, "--record"),
        ("--png out.png --theme blue", 2, "--theme blue is not a theme: give light or dark"),
        ("--stdin --theme dark", 2, "--theme dark is the theme of the pictures --png and --svg save: add --png FILE or --svg FILE"),
        ("--x", 2, "--x"),
        ("--x-tme", 2, "--x-tme (did you mean --x-time?)"),
        ("--x-field t", 2, "unknown option --x-field (did you mean --x?)"),
        ("--png-file out.png", 2, "unknown option --png-file (did you mean --png?)"),
        ("-o out.png", 2, "unknown option -o (did you mean --png or --svg or --record?)"),
        ("--no-open", 2, "unknown option --no-open (did you mean --no-browser?)"),
        ("--token short", 2, "--token"),
        ("--token with!bang-1234567890", 2, "--token"),
        ("--token", 2, "--token"),
        ("--no-token --token abcdefghijklmnop1234", 2, "--no-token and --token"),
        ("--no-token --host 0.0.0.0", 2, "--no-token is refused with --host 0.0.0.0"),
        ("--no-token --listen 0.0.0.0:0", 2, "--no-token is refused with --listen 0.0.0.0:0"),
        ("--listen 0 --exit-on-finish", 2, "--exit-on-finish does not apply with --listen 0"),
        ("--stdin --listen 0 --exit-on-finish", 2, "--exit-on-finish does not apply with --listen 0"),
        ("PLOTPIPE_TOKEN=short --stdin", 2, "$PLOTPIPE_TOKEN"),
        ("--allow-host a/b", 2, "--allow-host"),
        ("--allow-host", 2, "--allow-host"),
        ("--token abcdefgh.ijklmnop", 2, "--token: the token has '.'"),
        ("--producer-timeout soon", 2, "--producer-timeout soon"),
        ("--producer-timeout -1", 2, "--producer-timeout -1"),
        ("--skip -1", 2, "--skip -1"),
        ("--skip x", 2, "--skip x"),
        ("--colums a,b", 2, "unknown option --colums (did you mean --columns?)"),
        ("--title", 2, "--title"),
        ("--panel nothing", 2, "--panel \"nothing\""),
        ("--panel =a", 2, "--panel \"=a\""),
        ("--panel A:cubic=a", 2, "--panel \"A:cubic=a\""),
        ("--stdni", 2, "unknown option --stdni (did you mean --stdin?)"),
        ("--stdin {csv}", 2, "--stdin and FILE {csv}"),
        ("-x", 2, "unknown option -x"),
        ("--points 5", 2, "unknown option --points"),
        ("{csv} {csv}", 2, "unexpected argument {csv}"),
        ("{missing}", 1, "cannot read {missing}: it does not exist"),
        ("{folder}", 1, "cannot read {folder}: it is a folder"),
        ("{notarrow}", 1, "{notarrow} is not a recording (not an Arrow IPC stream)"),
        ("{arrowfile}", 1, "{arrowfile} is an Arrow IPC file"),
        // Options that shape text input, given where there is none: a recording, or producers over TCP only.
        ("{recorded} --x-time", 2, "--x-time is for text input, and {recorded} is a recording"),
        ("{recorded} --x t --title Run", 2, "--x and --title are for text input, and {recorded} is a recording"),
        ("--listen 0 --title Lab", 2, "--title is for text input, and this viewer reads none: its producers (--listen 0) define their own plot"),
        ("--columns a,b", 2, "--columns is for text input, and this viewer reads none"),
        ("--stdin --record {nofolder}/run.arrow", 1, "cannot write --record {nofolder}/run.arrow: the folder {nofolder} does not exist"),
        ("--stdin --record {folder}", 1, "cannot write --record {folder}: it is a folder"),
        ("--stdin --record {csv}/run.arrow", 1, "cannot write --record {csv}/run.arrow: {csv} is a file, not a folder"),
    ];

    private static readonly (string Args, int Exit, string Names)[] ToolCases =
    [
        ("", 2, "say which command: view, demo, bench, replay, export"),
        ("vew", 2, "unknown command vew (did you mean view?)"),
        ("vew --stdin", 2, "unknown command vew (did you mean view?)"),
        // The command left out, as a program given the tool's path instead of "plotpipe view" runs it.
        ("--stdin --port 0 --no-browser --png out.png", 2, "unknown option --stdin: it is an option of plotpipe view, not of plotpipe"),
        ("--png out.png", 2, "unknown option --png: it is an option of plotpipe view, not of plotpipe"),
        ("viwe data.csv --png out.png", 2, "unknown command viwe (did you mean view?)"),
        ("--stdni", 2, "--stdni (did you mean plotpipe view --stdin?)"),
        ("--versoin", 2, "--versoin (did you mean --version?)"),
        ("demo --points abc", 2, "--points abc"),
        ("demo --points -1", 2, "--points -1"),
        ("demo --points 1e3", 2, "--points 1e3"),
        ("demo --points", 2, "--points"),
        ("demo --interval abc", 2, "--interval abc"),
        ("demo --interval -0.5", 2, "--interval -0.5"),
        ("demo --interval 4000", 2, "--interval 4000"),
        ("demo --png out.jpg", 2, "--png takes a .png file"),
        ("demo --png", 2, "--png"),
        ("demo --pionts 5", 2, "--pionts (did you mean --points?)"),
        ("demo --stdin", 2, "--stdin: it is an option of plotpipe view, not of plotpipe demo"),
        ("demo extra", 2, "unexpected argument extra"),
        ("demo --png {nofolder}/demo.png", 1, "--png {nofolder}/demo.png"),
        ("bench --seconds 0", 2, "--seconds 0"),
        ("bench --seconds 601", 2, "--seconds 601"),
        ("bench --seconds abc", 2, "--seconds abc"),
        ("bench --points -1", 2, "--points -1"),
        ("bench --points x", 2, "--points x"),
        ("bench --series 0", 2, "--series 0"),
        ("bench --series a,b", 2, "--series a,b"),
        ("bench --series 2000", 2, "--series 2000"),
        ("bench --record-folder /no/such/folder", 2, "--record-folder /no/such/folder: no such folder"),
        ("bench --only foo", 2, "--only foo"),
        ("bench --only throughput,fo", 2, "--only fo"),
        ("bench --json", 2, "--json"),
        ("bench --secnods 1", 2, "--secnods (did you mean --seconds?)"),
        ("bench --json {nofolder}/bench.json", 1, "--json {nofolder}/bench.json"),
        ("replay", 2, "<RECORDING>"),
        ("replay --speed 2", 2, "<RECORDING>"),
        ("replay run.arrow --speed fast", 2, "--speed fast"),
        ("replay run.arrow --speed 0", 2, "--speed 0"),
        ("replay run.arrow --speed -2", 2, "--speed -2"),
        ("replay run.arrow --speed", 2, "--speed"),
        ("replay run.arrow --to nope", 2, "--to nope"),
        ("replay run.arrow --to 127.0.0.1:5000 --wait-for-page nope", 2, "--wait-for-page nope"),
        ("replay run.arrow --to 127.0.0.1:0", 2, "--to 127.0.0.1:0"),
        ("replay run.arrow --to 127.0.0.1:99999", 2, "--to 127.0.0.1:99999"),
        ("replay run.arrow --token", 2, "--token"),
        ("replay run.arrow --to 127.0.0.1:5000 --token with!bang-1234567890", 2, "--token: the token has '!'"),
        ("replay run.arrow --tken abc", 2, "--tken (did you mean --token?)"),
        ("replay -x.arrow", 2, "unknown option -x.arrow"),
        ("replay run.arrow extra", 2, "unexpected argument extra"),
        ("replay {csv}", 1, "{csv} is not a recording (not an Arrow IPC stream)"),
        ("replay {missing}", 1, "cannot read {missing}: it does not exist"),
        ("replay {empty}", 1, "{empty} is empty, not a recording"),
        ("replay {folder}", 1, "cannot read {folder}: it is a folder"),
        ("replay {arrowfile}", 1, "{arrowfile} is an Arrow IPC file"),
        ("export", 2, "<RECORDING>"),
        ("export run.arrow", 2, "--png FILE, --svg FILE or --csv FILE"),
        ("export run.arrow --png out.jpg", 2, "--png takes a .png file"),
        ("export run.arrow --svg out.png", 2, "--svg takes a .svg file"),
        ("export run.arrow --csv", 2, "--csv"),
        ("export run.arrow --csv out.csv --from abc", 2, "--from abc"),
        ("export run.arrow --csv out.csv --to abc", 2, "--to abc"),
        ("export run.arrow --csv out.csv --from NaN", 2, "--from NaN"),
        ("export run.arrow --csv out.csv --from 5 --to 1", 2, "--from 5 --to 1"),
        ("export run.arrow --pgn out.png", 2, "--pgn (did you mean --png?)"),
        ("export run.arrow --png out.png --width abc", 2, "--width abc is not a whole number: give 320 to 8000"),
        ("export run.arrow --png out.png --width 10", 2, "--width 10 is out of range: give 320 to 8000"),
        ("export run.arrow --png out.png --width -800", 2, "--width -800 is out of range"),
        ("export run.arrow --png out.png --width 1e3", 2, "--width 1e3 is not a whole number"),
        ("export run.arrow --png out.png --height 99999", 2, "--height 99999 is out of range: give 200 to 8000"),
        ("export run.arrow --png out.png --height", 2, "--height"),
        ("export run.arrow --png out.png --title", 2, "--title"),
        ("export run.arrow --csv out.csv --width 900", 2, "--width shapes a picture, and a CSV has none"),
        ("export run.arrow --csv out.csv --title Run", 2, "--title shapes a picture, and a CSV has none"),
        ("export run.arrow --svg out.svg --witdh 900", 2, "--witdh (did you mean --width?)"),
        ("export run.arrow --svg out.svg --theme drak", 2, "--theme drak is not a theme: give light or dark"),
        ("export {csv} --csv out.csv", 1, "{csv} is not a recording (not an Arrow IPC stream)"),
        ("export {missing} --csv out.csv", 1, "cannot read {missing}: it does not exist"),
        ("export {recorded} --png {nofolder}/run.png", 1, "--png {nofolder}/run.png"),
        ("export {recorded} --csv {folder}", 1, "--csv {folder}: it is a folder"),
        ("export {recorded} --csv {csv}/out.csv", 1, "--csv {csv}/out.csv: {csv} is a file, not a folder"),
    ];

    /// <summary>Program ("plotpipe" or "viewer"), command line (with {placeholders} for files), exit code, and what the line must name.</summary>
    public static TheoryData<string, string, int, string> Cases()
    {
        var data = new TheoryData<string, string, int, string>();
        foreach (var (args, exit, names) in ViewCases)
        {
            data.Add("plotpipe", args.StartsWith("PLOTPIPE_TOKEN=", StringComparison.Ordinal) ? args.Replace(" ", " view ", StringComparison.Ordinal) : $"view {args}", exit, names);
            data.Add("viewer", args, exit, names);
        }
        foreach (var (args, exit, names) in ToolCases) data.Add("plotpipe", args, exit, names);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_command_line_is_refused_in_one_plotpipe_line_naming_what_is_wrong(string program, string commandLine, int exitCode, string names)
    {
        var words = files.Fill(commandLine).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var environment = new Dictionary<string, string>();
        while (words.Count > 0 && words[0].StartsWith("PLOTPIPE_TOKEN=", StringComparison.Ordinal))
        {
            environment["PLOTPIPE_TOKEN"] = words[0]["PLOTPIPE_TOKEN=".Length..];
            words.RemoveAt(0);
        }
        var (code, output, errors) = await PlotPipeCli.RunAsync(program == "viewer" ? PlotPipeCli.ViewerDll : PlotPipeCli.CliDll, words, environment);
        AssertRefused(code, output, errors, exitCode, files.Fill(names));
    }

    [Fact]
    public async Task A_page_port_already_taken_is_said_in_one_line_with_what_to_do()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        foreach (var dll in new[] { PlotPipeCli.CliDll, PlotPipeCli.ViewerDll })
        {
            string[] args = dll == PlotPipeCli.CliDll ? ["view", "--port", $"{port}", "--no-browser"] : ["--port", $"{port}", "--no-browser"];
            var (code, output, errors) = await PlotPipeCli.RunAsync(dll, args);
            AssertRefused(code, output, errors, 1, $"plotpipe: port {port} is taken: choose another with --port, or 0 for a free one");
            Assert.DoesNotContain("PlotPipe viewer:", output);
        }
    }

    [Fact]
    public async Task A_producer_port_already_taken_is_said_in_one_line_with_what_to_do()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, output, errors) = await PlotPipeCli.RunAsync(PlotPipeCli.CliDll, ["view", "--listen", $"{port}", "--no-browser"]);
        AssertRefused(code, output, errors, 1, $"plotpipe: port {port} is taken: choose another with --listen, or 0 for a free one");
        // No address line at all: a refused viewer serves nothing, and a spawning producer must not read one.
        Assert.DoesNotContain("PlotPipe", output);
    }

    [Fact]
    public async Task An_address_not_of_this_machine_is_said_in_one_line()
    {
        // 192.0.2.0/24 is reserved for documentation: no machine has it.
        var (code, output, errors) = await PlotPipeCli.RunAsync(PlotPipeCli.CliDll, ["view", "--host", "192.0.2.7", "--no-browser"]);
        AssertRefused(code, output, errors, 1, "plotpipe: cannot serve the page on 192.0.2.7:0");
    }

    /// <summary>Exactly one line on standard error, starting "plotpipe:" and holding <paramref name="names"/>; the exit code; no trace, no help.</summary>
    internal static void AssertRefused(int code, string output, string errors, int exitCode, string names)
    {
        var said = $"exit {code}\nstderr:\n{errors}\nstdout:\n{output}";
        Assert.True(code != -1, $"the program took the command line and ran (killed after 30 s): {said}");
        Assert.True(code != 134, $"the program crashed: {said}");
        Assert.DoesNotMatch(StackTraceLine(), errors + output);
        Assert.DoesNotContain("Unhandled exception", errors + output);
        Assert.DoesNotContain("Usage:", output + errors);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on standard error: {said}");
        Assert.StartsWith("plotpipe: ", lines[0]);
        Assert.True(lines[0].Contains(names, StringComparison.Ordinal), $"the line does not name \"{names}\": {said}");
        Assert.True(code == exitCode, $"expected exit {exitCode}: {said}");
    }

    [GeneratedRegex(@"(?m)^\s+at ")]
    private static partial Regex StackTraceLine();

    /// <summary>The files the cases name: text, not-a-recording, an Arrow IPC file, an empty file, a folder, one that starts as a recording.</summary>
    public sealed class Files : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-args-").FullName;

        /// <summary>Writes the files.</summary>
        public Files()
        {
            File.WriteAllText(Path.Combine(_dir, "data.csv"), "x,y\n1,2\n");
            File.WriteAllText(Path.Combine(_dir, "text.arrow"), "time,load\n1,2\n");
            File.WriteAllBytes(Path.Combine(_dir, "file.arrow"), [.. "ARROW1\0\0"u8, 0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0]);
            File.WriteAllBytes(Path.Combine(_dir, "empty.arrow"), []);
            File.WriteAllBytes(Path.Combine(_dir, "recorded.arrow"), [0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            Directory.CreateDirectory(Path.Combine(_dir, "folder"));
        }

        /// <summary>Puts the files' paths in place of {csv}, {notarrow}, {arrowfile}, {empty}, {recorded}, {folder}, {missing}, {nofolder}.</summary>
        public string Fill(string text) => text
            .Replace("{csv}", Path.Combine(_dir, "data.csv"), StringComparison.Ordinal)
            .Replace("{notarrow}", Path.Combine(_dir, "text.arrow"), StringComparison.Ordinal)
            .Replace("{arrowfile}", Path.Combine(_dir, "file.arrow"), StringComparison.Ordinal)
            .Replace("{empty}", Path.Combine(_dir, "empty.arrow"), StringComparison.Ordinal)
            .Replace("{recorded}", Path.Combine(_dir, "recorded.arrow"), StringComparison.Ordinal)
            .Replace("{folder}", Path.Combine(_dir, "folder"), StringComparison.Ordinal)
            .Replace("{missing}", Path.Combine(_dir, "missing.csv"), StringComparison.Ordinal)
            .Replace("{nofolder}", Path.Combine(_dir, "no-such-folder"), StringComparison.Ordinal);

        /// <summary>Removes the files.</summary>
        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Linger_with_listen_is_said_to_do_nothing_and_the_viewer_listens_all_the_same()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--linger", "5");
        Assert.NotNull(viewer.ProducersAddress);
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Contains("plotpipe: --linger does nothing with --listen 127.0.0.1:0")), "the line on --linger");
    }
}
