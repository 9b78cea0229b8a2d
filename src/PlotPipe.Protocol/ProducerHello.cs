namespace PlotPipe.Protocol;

/// <summary>What a Hello frame says: who the producer is and the token it offers.</summary>
/// <param name="Name">The producer's name; empty lets the viewer name it.</param>
/// <param name="Token">The access token; empty when none is offered.</param>
public sealed record ProducerHello(string Name, string Token);
