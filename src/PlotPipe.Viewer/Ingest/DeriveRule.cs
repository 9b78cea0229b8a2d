using System.Globalization;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// One <c>--derive "NAME = EXPRESSION"</c>, read once at start into a small postfix program (docs/markers-alerts-derived.md has the
/// grammar). The series it reads are known by name within one producer; the first one named leads: each of its points
/// gives one derived point, and the others give the value they last received (sample and hold).
/// </summary>
internal sealed class DeriveRule
{
    /// <summary>Most points a <c>mean</c>, <c>min</c> or <c>max</c> window holds.</summary>
    public const int MaxWindow = 1 << 20;

    /// <summary>Largest weight <c>ema</c> takes (TensorBoard's slider stops there too).</summary>
    public const double MaxEmaWeight = 0.999;

    private DeriveRule(string name, string expression, string text, string[] sources, DeriveOp[] program)
    {
        Name = name;
        Expression = expression;
        Text = text;
        Sources = sources;
        Program = program;
    }

    /// <summary>The derived series' name (left of <c>=</c>).</summary>
    public string Name { get; }

    /// <summary>The expression as given (right of <c>=</c>, trimmed), shown in <c>/api/series</c>.</summary>
    public string Expression { get; }

    /// <summary>The whole rule as given.</summary>
    public string Text { get; }

    /// <summary>The series it reads, by name; the first leads (its points are the derived series' points).</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Whether it smooths its one series (<c>ema(s, w)</c> or <c>mean(s, N)</c>), which is then drawn faint under it.</summary>
    public bool Smooths => Program is [{ Kind: DeriveOpKind.Series, Slot: 0 }, { Kind: DeriveOpKind.Ema or DeriveOpKind.Mean }];

    /// <summary>The expression in postfix order.</summary>
    internal DeriveOp[] Program { get; }

    /// <summary>Reads one rule; null with <paramref name="problem"/> naming the rule and the 1-based position of the fault.</summary>
    public static DeriveRule? TryParse(string text, out string? problem)
    {
        var rule = TryRead(text, out problem);
        if (rule is null) problem = $"--derive \"{text}\": {problem}";
        return rule;
    }

    /// <summary>Reads one rule; null with <paramref name="problem"/> naming the 1-based position of the fault (the page shows it under the rule).</summary>
    public static DeriveRule? TryRead(string text, out string? problem)
    {
        var parser = new Parser(text);
        try
        {
            var rule = parser.Rule();
            problem = null;
            return rule;
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Why <paramref name="rule"/> cannot join <paramref name="rules"/> (a rule of its name, or a circle through
    /// them), or null: the same checks as <see cref="TryParseAll"/>, for a rule added while the viewer runs.
    /// </summary>
    public static string? ProblemJoining(DeriveRule rule, IReadOnlyList<DeriveRule> rules)
    {
        var all = new List<DeriveRule>(rules.Count + 1);
        foreach (var earlier in rules)
        {
            if (earlier.Name == rule.Name) return $"a derived series named {rule.Name} is defined already ({earlier.Text})";
            all.Add(earlier);
        }
        all.Add(rule);
        // The rules before were refused any circle: a new one must pass through the new rule.
        return ReadsItself(rule, all, rule.Name, 0) ? $"{rule.Name} reads itself (through the derived series it reads), so it could never have a point" : null;
    }

    /// <summary>
    /// Reads every rule, refusing in one line the first bad one, two rules of one name, and rules that read
    /// each other in a circle (which would never produce a point); null when all are good.
    /// </summary>
    public static IReadOnlyList<DeriveRule>? TryParseAll(IReadOnlyList<string> texts, out string? problem)
    {
        var rules = new List<DeriveRule>(texts.Count);
        foreach (var text in texts)
        {
            if (TryParse(text, out problem) is not { } rule) return null;
            foreach (var earlier in rules)
            {
                if (earlier.Name == rule.Name)
                {
                    problem = $"--derive \"{text}\": a derived series named {rule.Name} is defined twice";
                    return null;
                }
            }
            rules.Add(rule);
        }
        foreach (var rule in rules)
        {
            if (ReadsItself(rule, rules, rule.Name, 0))
            {
                problem = $"--derive \"{rule.Text}\": {rule.Name} reads itself (through the derived series it reads), so it could never have a point";
                return null;
            }
        }
        problem = null;
        return rules;
    }

    private static bool ReadsItself(DeriveRule rule, List<DeriveRule> rules, string target, int depth)
    {
        if (depth > rules.Count) return true;
        foreach (var source in rule.Sources)
        {
            if (source == target) return true;
            foreach (var other in rules)
            {
                if (other.Name == source && ReadsItself(other, rules, target, depth + 1)) return true;
            }
        }
        return false;
    }

    // Recursive descent over the grammar in docs/markers-alerts-derived.md; a fault throws FormatException naming its position.
    private sealed class Parser(string text)
    {
        private int _at;
        private readonly List<DeriveOp> _ops = [];
        private readonly List<string> _sources = [];

        public DeriveRule Rule()
        {
            Space();
            int nameAt = _at;
            string name = Name() ?? throw Fault(nameAt, "expected the derived series' name, as in \"loss_ema = ema(loss, 0.9)\"");
            Space();
            if (!Take('=')) throw Fault(_at, "expected = after the name");
            Space();
            int expressionAt = _at;
            Sum();
            Space();
            if (_at < text.Length) throw Fault(_at, $"unexpected {Shown(_at)}");
            if (_sources.Count == 0) throw Fault(expressionAt, "the expression reads no series");
            return new DeriveRule(name, text[expressionAt..].Trim(), text, [.. _sources], [.. _ops]);
        }

        private void Sum()
        {
            Product();
            while (true)
            {
                Space();
                if (Take('+')) { Product(); _ops.Add(new DeriveOp(DeriveOpKind.Add)); }
                else if (Take('-')) { Product(); _ops.Add(new DeriveOp(DeriveOpKind.Subtract)); }
                else return;
            }
        }

        private void Product()
        {
            Unary();
            while (true)
            {
                Space();
                if (Take('*')) { Unary(); _ops.Add(new DeriveOp(DeriveOpKind.Multiply)); }
                else if (Take('/')) { Unary(); _ops.Add(new DeriveOp(DeriveOpKind.Divide)); }
                else return;
            }
        }

        private void Unary()
        {
            Space();
            if (Take('-'))
            {
                Unary();
                _ops.Add(new DeriveOp(DeriveOpKind.Negate));
                return;
            }
            Primary();
        }

        private void Primary()
        {
            Space();
            int at = _at;
            if (_at >= text.Length) throw Fault(at, "expected a series, a number, a function or ( but the expression ends");
            if (Take('('))
            {
                Sum();
                Space();
                if (!Take(')')) throw Fault(_at, _at < text.Length ? $"expected ) but found {Shown(_at)}" : "expected ) but the expression ends");
                return;
            }
            if (Number() is { } value)
            {
                _ops.Add(new DeriveOp(DeriveOpKind.Constant, value));
                return;
            }
            bool quoted = _at < text.Length && text[_at] == '\'';
            string name = Name() ?? throw Fault(at, $"expected a series, a number, a function or ( but found {Shown(at)}");
            Space();
            if (!quoted && Take('('))
            {
                Function(name, at);
                return;
            }
            int slot = _sources.IndexOf(name);
            if (slot < 0)
            {
                slot = _sources.Count;
                _sources.Add(name);
            }
            _ops.Add(new DeriveOp(DeriveOpKind.Series, Slot: slot));
        }

        // After "name(": the function's series argument, then its number, if it takes one.
        private void Function(string name, int at)
        {
            var (kind, takes) = name switch
            {
                "ema" => (DeriveOpKind.Ema, "w"),
                "mean" => (DeriveOpKind.Mean, "N"),
                "min" => (DeriveOpKind.Min, "N"),
                "max" => (DeriveOpKind.Max, "N"),
                "rate" => (DeriveOpKind.Rate, null),
                "abs" => (DeriveOpKind.Abs, null),
                _ => throw Fault(at, $"unknown function {name}: use ema, mean, min, max, rate or abs"),
            };
            Sum();
            Space();
            double parameter = 0;
            if (takes is not null)
            {
                if (!Take(',')) throw Fault(_at, $"{name} takes a second argument, {takes}: {name}(series, {(kind == DeriveOpKind.Ema ? "0.9" : "10")})");
                Space();
                int numberAt = _at;
                parameter = Number() ?? throw Fault(numberAt, $"{name}'s {takes} must be a number");
                if (kind == DeriveOpKind.Ema && parameter is not (>= 0 and <= MaxEmaWeight))
                    throw Fault(numberAt, $"ema's weight {Shown(parameter)} must be from 0 to {Shown(MaxEmaWeight)}");
                if (kind != DeriveOpKind.Ema && (parameter < 1 || parameter > MaxWindow || parameter != Math.Floor(parameter)))
                    throw Fault(numberAt, $"{name}'s window {Shown(parameter)} must be a whole number of points from 1 to {MaxWindow}");
                Space();
            }
            if (!Take(')')) throw Fault(_at, _at < text.Length ? $"expected ) to close {name}( but found {Shown(_at)}" : $"expected ) to close {name}( but the expression ends");
            _ops.Add(new DeriveOp(kind, parameter));
        }

        private static string Shown(double value) => value.ToString(CultureInfo.InvariantCulture);

        // A bare name (letters, digits, _ and ., not starting with a digit) or one in single quotes, which may hold anything else.
        private string? Name()
        {
            if (_at < text.Length && text[_at] == '\'')
            {
                int end = text.IndexOf('\'', _at + 1);
                if (end < 0) throw Fault(_at, "a quoted name has no closing '");
                if (end == _at + 1) throw Fault(_at, "a quoted name is empty");
                var quoted = text[(_at + 1)..end];
                _at = end + 1;
                return quoted;
            }
            int start = _at;
            if (_at >= text.Length || !(char.IsLetter(text[_at]) || text[_at] == '_')) return null;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '.')) _at++;
            return text[start.._at];
        }

        private double? Number()
        {
            int start = _at;
            while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '.')) _at++;
            if (_at < text.Length && text[_at] is 'e' or 'E' && _at > start)
            {
                int mark = _at++;
                if (_at < text.Length && text[_at] is '+' or '-') _at++;
                if (_at >= text.Length || !char.IsAsciiDigit(text[_at])) _at = mark;
                while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
            }
            if (_at == start) return null;
            if (double.TryParse(text.AsSpan(start, _at - start), NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value)) return value;
            throw Fault(start, $"{text[start.._at]} is not a number");
        }

        private bool Take(char c)
        {
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }
            return false;
        }

        private void Space()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }

        private string Shown(int at) => $"'{text[at]}'";

        private static FormatException Fault(int at, string what) => new($"at position {at + 1}: {what}");
    }
}
