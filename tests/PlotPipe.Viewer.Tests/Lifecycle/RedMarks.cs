using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Lifecycle;

/// <summary>Counts what a saved picture shows in red, the colour the tests draw their points in.</summary>
internal static class RedMarks
{
    /// <summary>Red pixels in the picture.</summary>
    public static int Pixels(SKBitmap bitmap)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        for (int x = 0; x < bitmap.Width; x++)
            if (IsRed(bitmap.GetPixel(x, y))) count++;
        return count;
    }

    /// <summary>Separate red blobs (4-connected): one per marker that does not touch another.</summary>
    public static int Blobs(SKBitmap bitmap)
    {
        var seen = new bool[bitmap.Width, bitmap.Height];
        var todo = new Stack<(int X, int Y)>();
        int blobs = 0;
        for (int y = 0; y < bitmap.Height; y++)
        for (int x = 0; x < bitmap.Width; x++)
        {
            if (seen[x, y] || !IsRed(bitmap.GetPixel(x, y))) continue;
            blobs++;
            seen[x, y] = true;
            todo.Push((x, y));
            while (todo.Count > 0)
            {
                var (px, py) = todo.Pop();
                foreach (var (nx, ny) in new[] { (px + 1, py), (px - 1, py), (px, py + 1), (px, py - 1) })
                {
                    if (nx < 0 || ny < 0 || nx >= bitmap.Width || ny >= bitmap.Height || seen[nx, ny] || !IsRed(bitmap.GetPixel(nx, ny))) continue;
                    seen[nx, ny] = true;
                    todo.Push((nx, ny));
                }
            }
        }
        return blobs;
    }

    private static bool IsRed(SKColor c) => c.Red > 200 && c.Green < 80 && c.Blue < 80;
}
