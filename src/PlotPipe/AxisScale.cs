namespace PlotPipe;

/// <summary>How an axis maps values to positions, as matplotlib's <c>set_yscale</c>.</summary>
public enum AxisScale
{
    /// <summary>Even steps of value (the default).</summary>
    Linear,
    /// <summary>Even steps of powers of ten; values at or below zero cannot be drawn and are counted instead.</summary>
    Log,
}
