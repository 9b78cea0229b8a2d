namespace PlotPipe;

/// <summary>
/// An <see cref="ArgumentException"/> whose message reads as written: the base class appends "(Parameter 'x')",
/// which repeats what the message already says. <see cref="ArgumentException.ParamName"/> is still set.
/// </summary>
internal sealed class PlotArgumentException : ArgumentException
{
    private readonly string _message;

    public PlotArgumentException(string message, string paramName, Exception? inner = null)
        : base(message, paramName, inner) => _message = message;

    public override string Message => _message;

    /// <summary>The message of <paramref name="e"/> without the parameter suffix the base class adds.</summary>
    public static string PlainMessage(ArgumentException e)
    {
        if (e is PlotArgumentException p) return p._message;
        string text = e.Message;
        if (e.ParamName is { Length: > 0 } name)
        {
            // The suffix alone, in whatever language the runtime speaks.
            string suffix = new ArgumentException(string.Empty, name).Message;
            if (suffix.Length > 0 && text.EndsWith(suffix, StringComparison.Ordinal)) text = text[..^suffix.Length].TrimEnd();
        }
        return text;
    }

    /// <summary>A name short enough to quote in a message: at most 40 characters, with an ellipsis when cut.</summary>
    public static string Quote(string text)
    {
        const int Longest = 40;
        if (text.Length <= Longest) return text;
        int cut = Longest - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
