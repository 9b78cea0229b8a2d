using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace PlotPipe.Viewer.Hosting;

/// <summary>
/// The command line's one way of answering: a bad value, an unknown option, a missing argument or a contradiction
/// is one line on standard error starting <c>plotpipe:</c> and exit code <see cref="UsageExitCode"/>; help only for
/// -h/--help, naming the tool <c>plotpipe</c> and ending with the command's examples. It is applied to a whole
/// command tree when it runs, so an option added later gets the same treatment without code of its own.
/// </summary>
internal static class Usage
{
    /// <summary>The exit code of a command line the tool cannot run: a bad value, an unknown option, a contradiction.</summary>
    public const int UsageExitCode = 2;

    /// <summary>The exit code of a command line that was right but met a world that was not: a port taken, a file that cannot be read, input with no point to plot under <c>--exit-on-finish</c>.</summary>
    public const int RuntimeExitCode = 1;

    /// <summary>The tool's name, as users type it.</summary>
    public const string ToolName = "plotpipe";

    private static readonly ConditionalWeakTable<Command, (string Command, string What)[]> ExamplesOf = new();
    private static readonly ConditionalWeakTable<Command, object> Prepared = new();

    /// <summary>Gives <paramref name="command"/>'s help its examples, each a command line a user can type and what it does.</summary>
    public static T WithExamples<T>(T command, params (string Command, string What)[] examples) where T : Command
    {
        ExamplesOf.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples <see cref="WithExamples"/> gave <paramref name="command"/> (none: empty).</summary>
    public static IReadOnlyList<(string Command, string What)> Examples(Command command) =>
        ExamplesOf.TryGetValue(command, out var examples) ? examples : [];

    /// <summary>Parses <paramref name="args"/> as this tool does: response files off (<c>@</c> starts ordinary values), every option prepared.</summary>
    public static ParseResult Parse(Command root, IReadOnlyList<string> args)
    {
        Prepare(root);
        return root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
    }

    /// <summary>
    /// Runs the command line: help (with examples) for -h/--help; one <c>plotpipe:</c> line on
    /// <see cref="InvocationConfiguration.Error"/> and <see cref="UsageExitCode"/> for anything it cannot run;
    /// else the command's action and its exit code.
    /// </summary>
    public static async Task<int> InvokeAsync(Command root, IReadOnlyList<string> args, InvocationConfiguration? configuration = null, CancellationToken cancel = default)
    {
        configuration ??= new InvocationConfiguration();
        var result = Parse(root, args);
        if (result.Action is HelpAction)
        {
            // The library writes the help; the tool's name goes into its usage line and the examples after it.
            var help = new StringWriter(CultureInfo.InvariantCulture);
            int code = await result.InvokeAsync(new InvocationConfiguration { Output = help, Error = configuration.Error }, cancel).ConfigureAwait(false);
            await configuration.Output.WriteAsync(WithToolName(help.ToString(), root) + ExamplesSection(result.CommandResult.Command)).ConfigureAwait(false);
            return code;
        }
        if (ErrorOf(result) is { } error)
        {
            await configuration.Error.WriteLineAsync($"{ToolName}: {error}").ConfigureAwait(false);
            return UsageExitCode;
        }
        return await result.InvokeAsync(configuration, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// What is wrong with the command line, in one line without the <c>plotpipe:</c> prefix, or null when it can
    /// run. A word that looks like an option comes first (an unknown option is never read as a FILE), then a word too
    /// many, then the first parse error (the options' own parsers and validators word those).
    /// </summary>
    public static string? ErrorOf(ParseResult result)
    {
        if (result.Action is HelpAction) return null;
        var command = result.CommandResult;
        // "plotpipe vew --stdin": the command is what was misspelt, not the option after it, which belongs to view. But
        // in "plotpipe --stdin --port 0" the command was left out and "0" is the value of view's --port: the option
        // then says whose it is.
        if (command.Command.Action is null && Visible(command.Command.Subcommands).Any())
        {
            string? before = null;
            foreach (var token in result.UnmatchedTokens)
            {
                if (!LooksLikeOption(token) && (before is null || !TakesValueElsewhere(before, command))) return Unexpected(token, command);
                before = token;
            }
        }
        foreach (var token in result.UnmatchedTokens)
        {
            if (LooksLikeOption(token)) return UnknownOption(token, command);
        }
        foreach (var child in command.Children)
        {
            if (child is not ArgumentResult argument) continue;
            foreach (var token in argument.Tokens)
            {
                if (LooksLikeOption(token.Value)) return UnknownOption(token.Value, command);
            }
        }
        foreach (var child in command.Children)
        {
            // "--png --pgn": a misspelt option after one that wants a value is not that value.
            if (child is not OptionResult option) continue;
            foreach (var token in option.Tokens)
            {
                if (token.Value.StartsWith("--", StringComparison.Ordinal) && token.Value.Length > 2)
                    return $"{option.Option.Name} needs {Placeholder(option.Option)}, not {token.Value}";
            }
        }
        if (result.UnmatchedTokens.Count > 0) return Unexpected(result.UnmatchedTokens[0], command);
        // A missing argument before what the command's checks make of its absence (which hides it from the errors).
        foreach (var argument in command.Command.Arguments)
        {
            if (argument.Arity.MinimumNumberOfValues > 0 && command.GetResult(argument) is not { Tokens.Count: > 0 } && result.Errors.Count > 0)
                return Missing(argument, command);
        }
        foreach (var error in result.Errors) return Describe(error, command);
        return null;
    }

    /// <summary>Whether <paramref name="word"/> is written as an option (<c>-x</c>, <c>--name</c>), not a negative number or <c>-</c> for standard input.</summary>
    public static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The command's name as typed: <c>plotpipe view</c>.</summary>
    public static string CommandPath(SymbolResult command)
    {
        var names = new List<string>();
        for (var r = command; r is not null; r = r.Parent)
        {
            if (r is CommandResult c) names.Add(c.Command.Name);
        }
        if (names[^1] != ToolName) names.Add(ToolName);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static string Describe(ParseError error, CommandResult command)
    {
        switch (error.SymbolResult)
        {
            case OptionResult o when o.Tokens.Count == 0 && o.Option.Arity.MinimumNumberOfValues > 0:
                return $"{o.Option.Name} needs a value: {o.Option.Name} {Placeholder(o.Option)}";
            case OptionResult o when o.Tokens.Count > o.Option.Arity.MaximumNumberOfValues:
                return $"{o.Option.Name} is given {o.Tokens.Count} values ({string.Join(", ", o.Tokens.Select(t => t.Value))}): give it once";
            case ArgumentResult a when a.Tokens.Count == 0 && a.Argument.Arity.MinimumNumberOfValues > 0:
                return Missing(a.Argument, command);
            case CommandResult c when c.Command.Subcommands.Count > 0 && c.Command.Action is null:
                return $"say which command: {string.Join(", ", Visible(c.Command.Subcommands).Select(s => s.Name))} ({CommandPath(c)} --help says more)";
        }
        // The options' own parsers and validators word their errors, starting with the option's name.
        var message = error.Message.ReplaceLineEndings(" ").Trim();
        return message.StartsWith(ToolName + ": ", StringComparison.Ordinal) ? message[(ToolName.Length + 2)..] : message;
    }

    private static string Missing(Argument argument, CommandResult command) =>
        $"{command.Command.Name} needs <{argument.Name}>: {CommandPath(command)} <{argument.Name}> [options]";

    private static string Unexpected(string word, CommandResult command)
    {
        var subcommands = Visible(command.Command.Subcommands).Select(c => c.Name).ToList();
        if (subcommands.Count > 0)
        {
            return Suggest(word, subcommands) is { } near
                ? $"unknown command {word} (did you mean {near}?)"
                : $"unknown command {word}: give one of {string.Join(", ", subcommands)}";
        }
        var arguments = command.Command.Arguments.Where(a => !a.Hidden).Select(a => $"<{a.Name}>").ToList();
        return arguments.Count == 0
            ? $"unexpected argument {word}: {CommandPath(command)} takes options only"
            : $"unexpected argument {word}: {CommandPath(command)} takes {string.Join(" ", arguments)} once";
    }

    private static string UnknownOption(string word, CommandResult command)
    {
        // "--prot=8080": the name is what comes before the value.
        var name = word.Split('=', ':')[0];
        var own = new List<string>();
        for (SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is not CommandResult c) continue;
            foreach (var o in c.Command.Options)
            {
                if (o.Hidden || (r != command && !o.Recursive)) continue;
                own.Add(o.Name);
                own.AddRange(o.Aliases);
            }
        }
        if (Conventional(name, own, command) is { } meant) return $"unknown option {name}{meant}";
        if (Suggest(name, own) is { } near) return $"unknown option {name} (did you mean {near}?)";
        // An option of another command, as typed or nearly: say whose it is.
        var root = command;
        while (root.Parent is CommandResult parent) root = parent;
        var others = Commands(root.Command, CommandPath(root)).Where(c => c.Command != command.Command).ToList();
        foreach (var (path, other) in others)
        {
            if (other.Options.Any(o => !o.Hidden && (o.Name == name || o.Aliases.Contains(name))))
                return $"unknown option {name}: it is an option of {path}, not of {CommandPath(command)}";
        }
        foreach (var (path, other) in others)
        {
            if (Suggest(name, other.Options.Where(o => !o.Hidden).Select(o => o.Name)) is { } elsewhere)
                return $"unknown option {name} (did you mean {path} {elsewhere}?)";
        }
        return $"unknown option {name} ({CommandPath(command)} --help lists the options)";
    }

    // Whether some command has an option named as typed (not "--name=value") that needs a value (a flag takes none).
    private static bool TakesValueElsewhere(string word, CommandResult command)
    {
        if (!LooksLikeOption(word) || word.Contains('=')) return false;
        return Commands(command.Command, CommandPath(command)).Any(c => c.Command.Options.Any(o =>
            (o.Name == word || o.Aliases.Contains(word)) && o.Arity.MinimumNumberOfValues > 0));
    }

    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var found in Commands(sub, $"{path} {sub.Name}")) yield return found;
        }
    }

    // Names other tools give what ours does, each with ours (an option and maybe its value) in the order offered.
    private static readonly Dictionary<string, string[]> Conventions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["-o"] = ["--png", "--svg", "--csv", "--record"],
        ["--output"] = ["--png", "--svg", "--csv", "--record"],
        ["--out"] = ["--png", "--svg", "--csv", "--record"],
        ["--save"] = ["--png", "--svg", "--csv", "--record"],
        ["-p"] = ["--port"],
        ["--bind"] = ["--host"],
        ["--address"] = ["--host"],
        ["--addr"] = ["--host"],
        ["--ip"] = ["--host"],
        ["--no-open"] = ["--no-browser"],
        ["--no-launch"] = ["--no-browser"],
        ["--headless"] = ["--no-browser"],
        ["--dark"] = ["--theme dark"],
        ["--light"] = ["--theme light"],
    };

    // The file a command reads, asked for as an option the way other tools take it.
    private static readonly string[] FileOptions = ["-f", "-i", "--file", "--input", "--in"];

    // What a name other tools use means here: ours for the same thing, or where the file goes; null if nothing.
    private static string? Conventional(string typed, List<string> own, CommandResult command)
    {
        if (Conventions.TryGetValue(typed, out var ours))
        {
            var offered = ours.Where(o => own.Contains(o.Split(' ')[0])).ToList();
            if (offered.Count > 0) return $" (did you mean {string.Join(" or ", offered)}?)";
        }
        if (FileOptions.Contains(typed, StringComparer.OrdinalIgnoreCase)
            && command.Command.Arguments.FirstOrDefault(a => !a.Hidden) is { } file)
        {
            return $": give the file as an argument: {CommandPath(command)} <{file.Name}>"
                + (own.Contains("--stdin") ? ", or --stdin for standard input" : "");
        }
        return null;
    }

    // The names nearest to what was typed: within two edits (one for short names), else the only name it begins.
    private static string? Suggest(string typed, IEnumerable<string> names)
    {
        var distinct = names.Distinct().ToList();
        // Any one letter is one edit from any other: "-o" is not a misspelt "-h".
        if (typed.Length == 2 && typed[0] == '-' && typed[1] != '-')
        {
            var same = distinct.Where(n => string.Equals(n, typed, StringComparison.OrdinalIgnoreCase)).ToList();
            return same.Count > 0 ? string.Join(" or ", same) : null;
        }
        int best = int.MaxValue;
        var nearest = new List<string>();
        foreach (var name in distinct)
        {
            int d = Distance(typed.ToLowerInvariant(), name.ToLowerInvariant());
            if (d > (name.TrimStart('-').Length <= 4 ? 1 : 2)) continue;
            if (d < best) (best, nearest) = (d, [name]);
            else if (d == best) nearest.Add(name);
        }
        if (nearest.Count == 0 && typed.TrimStart('-').Length >= 2)
            nearest = distinct.Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        // "--x-field", "--png-file": a name other tools spell longer, ours being its first word(s).
        if (nearest.Count == 0 && typed.StartsWith("--", StringComparison.Ordinal))
            nearest = distinct.Where(n => n.StartsWith("--", StringComparison.Ordinal) && typed.StartsWith(n + "-", StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(n => n.Length).Take(1).ToList();
        return nearest.Count is > 0 and <= 3 ? string.Join(" or ", nearest) : null;
    }

    // Edits between two words, a swap of neighbours counting as one (--stdni is one edit from --stdin).
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    private static IEnumerable<T> Visible<T>(IEnumerable<T> symbols) where T : Symbol => symbols.Where(s => !s.Hidden);

    /// <summary>What an option takes as its help shows it: <c>&lt;SECONDS&gt;</c>.</summary>
    public static string Placeholder(Option option) => $"<{option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant()}>";

    // Once per tree: numbers get parsers that word their errors, values get upper-case placeholders, and no
    // validator can throw on a value that did not parse.
    private static void Prepare(Command root)
    {
        if (Prepared.TryGetValue(root, out _)) return;
        Prepared.Add(root, new object());
        var seen = new HashSet<Symbol>();
        var commands = new Stack<Command>([root]);
        while (commands.TryPop(out var command))
        {
            Guard(command.Validators);
            foreach (var argument in command.Arguments) Guard(argument.Validators);
            foreach (var option in command.Options)
            {
                if (!seen.Add(option)) continue;
                OptionValues.UseDefaultParser(option);
                if (option.HelpName is null && option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool))
                    option.HelpName = OptionValues.DefaultPlaceholder(option);
                Guard(option.Validators);
            }
            foreach (var sub in command.Subcommands) commands.Push(sub);
        }
    }

    private static void Guard<T>(List<Action<T>> validators) where T : SymbolResult
    {
        for (int i = 0; i < validators.Count; i++)
        {
            if (validators[i].Target is not Guarded<T>) validators[i] = new Guarded<T>(validators[i]).Run;
        }
    }

    // A validator that reads a value that did not parse gets System.CommandLine's InvalidOperationException; the
    // value's parser has already recorded why, which is what the user sees.
    private sealed class Guarded<T>(Action<T> validator) where T : SymbolResult
    {
        public void Run(T result)
        {
            try
            {
                validator(result);
            }
            catch (InvalidOperationException e) when (e.Source == typeof(Command).Assembly.GetName().Name)
            {
            }
        }
    }

    private static string WithToolName(string help, Command root)
    {
        // The viewer program's root is "view": its usage reads as the tool's, "plotpipe view ...".
        if (root.Name == ToolName) return help;
        return help.Replace($"Usage:{Environment.NewLine}  {root.Name}", $"Usage:{Environment.NewLine}  {ToolName} {root.Name}", StringComparison.Ordinal);
    }

    private static string ExamplesSection(Command command)
    {
        var examples = Examples(command);
        if (examples.Count == 0) return "";
        int width = examples.Max(e => e.Command.Length);
        var text = new StringBuilder("Examples:").AppendLine();
        foreach (var (line, what) in examples) text.Append("  ").Append(line.PadRight(width)).Append("  # ").AppendLine(what);
        return text.AppendLine().ToString();
    }
}
