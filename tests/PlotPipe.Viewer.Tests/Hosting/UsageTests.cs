using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using PlotPipe.Viewer.Hosting;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Hosting;

/// <summary>
/// The command line's shared way of refusing and helping: an option added later is covered without code of its
/// own, help names the tool and shows upper-case placeholders and examples, and every example parses.
/// </summary>
public sealed partial class UsageTests
{
    private static async Task<(int Code, string Output, string Errors)> InvokeAsync(Command root, params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        int code = await Usage.InvokeAsync(root, args, new InvocationConfiguration { Output = output, Error = errors });
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task An_option_added_later_with_a_careless_validator_is_refused_in_one_line_not_a_crash()
    {
        // As another engineer might add it: no parser of its own, a validator that reads the value.
        var skip = new Option<int>("--skip") { Description = "Lines to skip" };
        skip.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0) r.AddError($"--skip {r.GetValueOrDefault<int>()} must not be negative");
        });
        var title = new Option<string?>("--title");
        bool ran = false;
        var view = new Command("view") { skip, title };
        view.SetAction(_ => ran = true);
        var root = new Command("plotpipe") { new HelpOption(), view };

        Assert.Equal((2, "", "plotpipe: --skip abc is not a whole number\n"), await InvokeAsync(root, "view", "--skip", "abc"));
        Assert.Equal((2, "", "plotpipe: --skip -1 must not be negative\n"), await InvokeAsync(root, "view", "--skip", "-1"));
        Assert.Equal((2, "", "plotpipe: --skip needs a value: --skip <N>\n"), await InvokeAsync(root, "view", "--skip"));
        Assert.Equal((2, "", "plotpipe: unknown option --skp (did you mean --skip?)\n"), await InvokeAsync(root, "view", "--skp", "3"));
        Assert.False(ran);
        // Its placeholder is upper case though it named none.
        Assert.Contains("--title <TITLE>", (await InvokeAsync(root, "view", "--help")).Output);
        Assert.Equal(0, (await InvokeAsync(root, "view", "--skip", "2")).Code);
        Assert.True(ran);
    }

    [Fact]
    public async Task A_value_starting_with_an_at_sign_is_a_value_not_a_response_file()
    {
        string? seen = null;
        var x = new Option<string?>("--x");
        var view = new Command("view") { x };
        view.SetAction(r => seen = r.GetValue(x));
        var root = new Command("plotpipe") { view };
        Assert.Equal(0, (await InvokeAsync(root, "view", "--x", "@line")).Code);
        Assert.Equal("@line", seen);
    }

    [Fact]
    public void A_misspelt_option_is_answered_with_the_nearest_names()
    {
        var root = ViewCommand.Configure(new Command("view") { new HelpOption() });
        Assert.Equal("unknown option --stdni (did you mean --stdin?)", Usage.ErrorOf(Usage.Parse(root, ["--stdni"])));
        Assert.Equal("unknown option --exit-on-finsh (did you mean --exit-on-finish?)", Usage.ErrorOf(Usage.Parse(root, ["--exit-on-finsh"])));
        Assert.Equal("unknown option --max (did you mean --max-points or --max-memory?)", Usage.ErrorOf(Usage.Parse(root, ["--max", "5"])));
        Assert.Equal("unknown option --prot (did you mean --port?)", Usage.ErrorOf(Usage.Parse(root, ["--prot=8080"])));
        Assert.Equal("unknown option --colour (plotpipe view --help lists the options)", Usage.ErrorOf(Usage.Parse(root, ["--colour", "red"])));
        // A FILE that starts with '-' is an option misspelt, but "-" is standard input and "-5" a number.
        Assert.Null(Usage.ErrorOf(Usage.Parse(root, ["-"])));
        Assert.Equal("unknown option -data.csv (plotpipe view --help lists the options)", Usage.ErrorOf(Usage.Parse(root, ["-data.csv"])));
    }

    [Fact]
    public void A_name_other_tools_use_is_answered_with_ours_and_one_letter_is_not_taken_for_help()
    {
        var root = PlotPipeCli.CommandTree();
        string? Error(params string[] args) => Usage.ErrorOf(Usage.Parse(root, args));
        Assert.Equal("unknown option -o (did you mean --png or --svg or --record?)", Error("view", "--stdin", "-o", "out.png"));
        Assert.Equal("unknown option --output (did you mean --png or --svg or --csv?)", Error("export", "run.arrow", "--output", "out.png"));
        Assert.Equal("unknown option -o (did you mean --png?)", Error("demo", "-o", "out.png"));
        Assert.Equal("unknown option -p (did you mean --port?)", Error("view", "--stdin", "-p", "8080"));
        Assert.Equal("unknown option --bind (did you mean --host?)", Error("view", "--stdin", "--bind", "0.0.0.0"));
        // Not "--no-token", two edits away: asking for no browser must not be answered with no token.
        Assert.Equal("unknown option --no-open (did you mean --no-browser?)", Error("view", "--stdin", "--no-open"));
        Assert.Equal("unknown option --headless (did you mean --no-browser?)", Error("view", "--stdin", "--headless"));
        Assert.Equal("unknown option --dark (did you mean --theme dark?)", Error("export", "run.arrow", "--png", "a.png", "--dark"));
        Assert.Equal("unknown option --file: give the file as an argument: plotpipe view <FILE>, or --stdin for standard input", Error("view", "--file", "data.csv"));
        Assert.Equal("unknown option -i: give the file as an argument: plotpipe export <RECORDING>", Error("export", "-i", "run.arrow"));
        // One letter is one edit from any other: "-t" and "-p" (where there is no --port) are not "-h".
        Assert.Equal("unknown option -t (plotpipe view --help lists the options)", Error("view", "--stdin", "-t", "T"));
        Assert.Equal("unknown option -p (plotpipe bench --help lists the options)", Error("bench", "-p", "3"));
        Assert.Equal("unknown option -H (did you mean -h?)", Error("view", "-H"));
    }

    [Fact]
    public void A_misspelt_command_is_named_rather_than_the_options_after_it()
    {
        var root = PlotPipeCli.CommandTree();
        Assert.Equal("unknown command vew (did you mean view?)", Usage.ErrorOf(Usage.Parse(root, ["vew", "--stdin"])));
        Assert.Equal("unknown command vew (did you mean view?)", Usage.ErrorOf(Usage.Parse(root, ["--no-browser", "vew", "--stdin"])));
        Assert.Equal("unknown command plot: give one of view, demo, bench, replay, export", Usage.ErrorOf(Usage.Parse(root, ["plot", "--stdin"])));
        // No command at all: the option says whose it is.
        Assert.Equal("unknown option --stdin: it is an option of plotpipe view, not of plotpipe", Usage.ErrorOf(Usage.Parse(root, ["--stdin"])));
    }

    [Fact]
    public async Task View_help_starts_with_where_the_points_come_from()
    {
        var (code, output, _) = await PlotPipeCli.RunAsync(PlotPipeCli.CliDll, ["view", "--help"]);
        Assert.Equal(0, code);
        var options = output[output.IndexOf("Options:", StringComparison.Ordinal)..].Split('\n').Skip(1).Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.Equal(["--stdin", "--listen"], options.Take(2));
        // A comparison against a recording sits with the recording, not at the head of the list.
        Assert.Equal(options.IndexOf("--record") + 1, options.IndexOf("--baseline"));
    }

    public static TheoryData<string, string[]> Helps() => new()
    {
        { PlotPipeCli.CliDll, ["--help"] },
        { PlotPipeCli.CliDll, ["view", "--help"] },
        { PlotPipeCli.CliDll, ["demo", "--help"] },
        { PlotPipeCli.CliDll, ["bench", "--help"] },
        { PlotPipeCli.CliDll, ["replay", "--help"] },
        { PlotPipeCli.CliDll, ["export", "-h"] },
        { PlotPipeCli.ViewerDll, ["--help"] },
    };

    [Theory]
    [MemberData(nameof(Helps))]
    public async Task Help_names_the_tool_shows_upper_case_placeholders_and_ends_with_examples(string dll, string[] args)
    {
        var (code, output, errors) = await PlotPipeCli.RunAsync(dll, args);
        Assert.Equal(0, code);
        Assert.Equal("", errors);
        var command = args.Length > 1 && dll == PlotPipeCli.CliDll ? "plotpipe " + args[0] : dll == PlotPipeCli.ViewerDll ? "plotpipe view" : "plotpipe";
        Assert.Matches($@"Usage:\r?\n  {command} ", output);
        Assert.DoesNotContain("PlotPipe.Cli", output);
        Assert.DoesNotContain("PlotPipe.Viewer", output);
        foreach (Match placeholder in Placeholder().Matches(output))
            Assert.True(placeholder.Groups[1].Value == placeholder.Groups[1].Value.ToUpperInvariant() || placeholder.Value == "<N|max>", $"placeholder {placeholder.Value} is not upper case:\n{output}");
        // The examples come last: two or three, each a command line of the tool.
        var tail = output[output.LastIndexOf("Examples:", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.InRange(tail.Length - 1, 2, 3);
        Assert.All(tail.Skip(1), line => Assert.Contains("plotpipe ", line));
    }

    [Fact]
    public void Every_example_in_the_help_is_a_command_line_that_parses_into_its_command()
    {
        var trees = new[] { PlotPipeCli.CommandTree(), ViewCommand.Configure(new Command("view") { new HelpOption() }) };
        int examples = 0;
        foreach (var root in trees)
        {
            foreach (var command in All(root))
            {
                foreach (var (line, what) in Usage.Examples(command))
                {
                    Assert.False(string.IsNullOrWhiteSpace(what));
                    // What follows "plotpipe" after the last pipe, past the tool's name (and, for the viewer program, "view").
                    // Split as a shell would, so a quoted title stays one word.
                    var words = CommandLineParser.SplitCommandLine(line[(line.LastIndexOf("plotpipe ", StringComparison.Ordinal) + "plotpipe ".Length)..]).ToArray();
                    if (root.Name == "view") words = words[1..];
                    var parsed = Usage.Parse(root, words);
                    Assert.True(Usage.ErrorOf(parsed) is null, $"\"{line}\": {Usage.ErrorOf(parsed)}");
                    // The tool's own examples show its commands; a command's show that command.
                    if (command.Subcommands.Count == 0)
                        Assert.True(parsed.CommandResult.Command == command, $"\"{line}\" runs {parsed.CommandResult.Command.Name}, not {command.Name}");
                    examples++;
                }
            }
        }
        // The tool's root and its five commands, and the viewer program's root.
        Assert.InRange(examples, 7 * 2, 7 * 3);
    }

    private static IEnumerable<Command> All(Command command) => command.Subcommands.SelectMany(All).Prepend(command);

    [GeneratedRegex(@"<([^>\s]+)>")]
    private static partial Regex Placeholder();
}
