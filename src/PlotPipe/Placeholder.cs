namespace PlotPipe; /// <summary>x</summary>
public static class Placeholder {}
