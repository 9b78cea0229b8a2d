using System.Text.RegularExpressions;
using Xunit;

namespace PlotPipe.Viewer.Tests.Architecture;

/// <summary>
/// The viewer's data flows one way: Ingest → Store → Decimate → Query → Serve, with Export and Recording beside
/// (reading the store, the decimation and the queries) and Hosting composing them all. These tests read the viewer's
/// sources, as a code test does, and fail on any reference against that direction: a <c>using</c>, a fully qualified
/// name, or a name relative to the viewer's namespace (<c>Recording.Recorder</c>).
/// </summary>
public sealed partial class LayeringTests
{
    // What each stage may use besides itself; Hosting composes everything.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Ingest"] = ["Store"],
        ["Store"] = [],
        ["Decimate"] = ["Store"],
        ["Query"] = ["Store", "Decimate"],
        ["Serve"] = ["Query", "Store", "Decimate"],
        ["Export"] = ["Store", "Decimate", "Query"],
        ["Recording"] = ["Store", "Decimate", "Query"],
        ["Hosting"] = ["Ingest", "Store", "Decimate", "Query", "Serve", "Export", "Recording"],
    };

    [Fact]
    public void Every_folder_of_the_viewer_is_a_stage_the_rule_knows()
    {
        var folders = Directory.GetDirectories(ViewerSources).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj"))
            .Where(f => Directory.EnumerateFiles(Path.Combine(ViewerSources, f!), "*.cs", SearchOption.AllDirectories).Any()).Order();
        Assert.Equal(Allowed.Keys.Order(), folders);
    }

    [Fact]
    public void No_stage_of_the_viewer_uses_a_stage_against_the_data_path()
    {
        var wrong = new List<string>();
        foreach (var (stage, allowed) in Allowed)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(ViewerSources, stage), "*.cs", SearchOption.AllDirectories))
            {
                foreach (var (used, line) in References(File.ReadAllText(file)))
                {
                    if (used != stage && !allowed.Contains(used)) wrong.Add($"{Path.GetRelativePath(ViewerSources, file)}:{line} uses {used}");
                }
            }
        }
        Assert.True(wrong.Count == 0, "against the data path's direction:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void The_rule_catches_a_using_a_qualified_name_and_a_name_relative_to_the_viewer()
    {
        const string source = """
            using PlotPipe.Viewer.Serve;
            using Alias = PlotPipe.Viewer.Query.PlotQuery;
            namespace PlotPipe.Viewer.Store;
            // Recording.Recorder in a comment is not a reference.
            internal sealed class Sample
            {
                /// <summary>Nor is <see cref="Export.PictureExporter"/> in a doc comment, nor "Ingest.FrameIngest" in a string.</summary>
                public Recording.Recorder? Hook { get; set; }
                public object Status => new PlotPipe.Viewer.Hosting.ViewerApp();
                public object Words => "Ingest.FrameIngest";
                public object Member => context.Request.Query.Count;
            }
            """;
        Assert.Equal(["Serve@1", "Query@2", "Store@3", "Recording@8", "Hosting@9"], References(source).Select(r => $"{r.Stage}@{r.Line}"));
    }

    // Each stage a source refers to, with the line it does so on; comments and string literals are left out.
    private static IEnumerable<(string Stage, int Line)> References(string source)
    {
        var code = WithoutCommentsAndStrings().Replace(source, m => new string('\n', m.Value.Count(c => c == '\n')));
        foreach (Match m in Reference().Matches(code))
        {
            string stage = m.Groups["qualified"].Success ? m.Groups["qualified"].Value : m.Groups["relative"].Value;
            if (!Allowed.ContainsKey(stage)) continue;
            yield return (stage, code.AsSpan(0, m.Index).Count('\n') + 1);
        }
    }

    // Line and block comments, verbatim and raw strings, plain strings and characters (all with their escapes).
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""""""(?:.|\n)*?""""""|@""(?:[^""]|"""")*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])+'", RegexOptions.Singleline)]
    private static partial Regex WithoutCommentsAndStrings();

    // PlotPipe.Viewer.X anywhere (a using, an alias, a qualified name), or X.Name not after a dot or a name: a name
    // relative to the viewer's namespace.
    [GeneratedRegex(@"\bPlotPipe\.Viewer\.(?<qualified>[A-Z]\w*)|(?<![\w.])(?<relative>[A-Z]\w*)\.[A-Z]")]
    private static partial Regex Reference();

    private static string ViewerSources
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx"))) return Path.Combine(dir.FullName, "src", "PlotPipe.Viewer");
            }
            throw new InvalidOperationException("PlotPipe.slnx not found above " + AppContext.BaseDirectory);
        }
    }
}
