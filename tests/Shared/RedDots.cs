using SkiaSharp;

namespace PlotPipe.TestSupport;

/// <summary>Counts what a saved picture shows in red, the colour the tests draw their points in.</summary>
public static class RedDots
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

    /// <summary>Separate red blobs (4-connected) in a saved picture: one per marker of an "ro" series that touches no other, and its legend entry.</summary>
    public static int Count(string pngPath)
    {
        using var bitmap = SKBitmap.Decode(pngPath) ?? throw new InvalidDataException($"{pngPath} is not a picture");
        return Count(bitmap);
    }

    /// <summary>Separate red blobs (4-connected): one per marker that touches no other.</summary>
    public static int Count(SKBitmap bitmap)
    {
        var seen = new bool[bitmap.Width, bitmap.Height];
        int blobs = 0;
        var stack = new Stack<(int X, int Y)>();
        for (int y = 0; y < bitmap.Height; y++)
        for (int x = 0; x < bitmap.Width; x++)
        {
            if (seen[x, y] || !IsRed(bitmap.GetPixel(x, y))) continue;
            blobs++;
            stack.Push((x, y));
            seen[x, y] = true;
            while (stack.Count > 0)
            {
                var (px, py) = stack.Pop();
                foreach (var (nx, ny) in new[] { (px + 1, py), (px - 1, py), (px, py + 1), (px, py - 1) })
                {
                    if (nx < 0 || ny < 0 || nx >= bitmap.Width || ny >= bitmap.Height || seen[nx, ny] || !IsRed(bitmap.GetPixel(nx, ny))) continue;
                    seen[nx, ny] = true;
                    stack.Push((nx, ny));
                }
            }
        }
        return blobs;
    }

    private static bool IsRed(SKColor c) => c.Red > 200 && c.Green < 80 && c.Blue < 80;
}
