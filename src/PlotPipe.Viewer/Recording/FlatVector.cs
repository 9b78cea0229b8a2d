namespace PlotPipe.Viewer.Recording;

/// <summary>Where a vector's elements start in the metadata, how many there are and their size.</summary>
/// <param name="Start">The first element's byte.</param>
/// <param name="Count">Elements in it.</param>
/// <param name="ElementBytes">Bytes of one element.</param>
internal readonly record struct FlatVector(int Start, int Count, int ElementBytes);
