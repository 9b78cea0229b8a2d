namespace PlotPipe.Viewer.Ingest;

/// <summary>What one step of a derived series' program does.</summary>
internal enum DeriveOpKind
{
    /// <summary>Pushes a source series' value (<see cref="DeriveOp.Slot"/>).</summary>
    Series,
    /// <summary>Pushes <see cref="DeriveOp.Value"/>.</summary>
    Constant,
    /// <summary>Adds the top two.</summary>
    Add,
    /// <summary>Subtracts the top from the one below.</summary>
    Subtract,
    /// <summary>Multiplies the top two.</summary>
    Multiply,
    /// <summary>Divides the one below by the top.</summary>
    Divide,
    /// <summary>Negates the top.</summary>
    Negate,
    /// <summary>The top's absolute value.</summary>
    Abs,
    /// <summary>Exponential moving average of the top, weight <see cref="DeriveOp.Value"/>, debiased as TensorBoard does.</summary>
    Ema,
    /// <summary>Mean of the top's last <see cref="DeriveOp.Value"/> values.</summary>
    Mean,
    /// <summary>Least of the top's last <see cref="DeriveOp.Value"/> values.</summary>
    Min,
    /// <summary>Greatest of the top's last <see cref="DeriveOp.Value"/> values.</summary>
    Max,
    /// <summary>The top's change over x's change since its previous value.</summary>
    Rate,
}

/// <summary>One step of a derived series' postfix program.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Value">A constant, ema's weight, or a window's length in points.</param>
/// <param name="Slot">For <see cref="DeriveOpKind.Series"/>: which source (0: the leading one).</param>
internal readonly record struct DeriveOp(DeriveOpKind Kind, double Value = 0, int Slot = 0);
