using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PlotPipe.Protocol;

namespace PlotPipe.Tests.Connect.Support;

/// <summary>
/// A producer's peer on 127.0.0.1 that reads each connection with the viewer's own <see cref="FrameDecoder"/> and
/// records what arrived, in order. As a listening viewer does, it answers each Hello it takes with the acceptance line
/// (unless told to be older than that). It can drop every connection, refuse the next one with a line (as a listening
/// viewer refuses a wrong token), stop and start listening on the same port.
/// </summary>
public sealed class LoopbackViewer : IAsyncDisposable
{
    private readonly List<Connection> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private string? _refuseWith;
    private FrameType _refuseAt = FrameType.Hello;

    private LoopbackViewer(int port) => Port = port;

    /// <summary>The port it listens on (or will, once started).</summary>
    public int Port { get; }

    /// <summary>tcp://127.0.0.1:PORT.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>Whether it answers a Hello with the acceptance line, as viewers do since it was added (false: as an older viewer).</summary>
    public bool SaysAcceptance { get; set; } = true;

    /// <summary>Every connection so far, oldest first.</summary>
    public Connection[] Connections
    {
        get
        {
            lock (_connections) return _connections.ToArray();
        }
    }

    /// <summary>Listens on a free port.</summary>
    public static LoopbackViewer Start()
    {
        var viewer = new LoopbackViewer(FreePort());
        viewer.Listen();
        return viewer;
    }

    /// <summary>A peer for a port nobody listens on yet; <see cref="Listen"/> starts it.</summary>
    public static LoopbackViewer NotListening() => new(FreePort());

    /// <summary>Starts (again) accepting connections on <see cref="Port"/>.</summary>
    public void Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    /// <summary>Stops accepting: connecting is refused by the system until <see cref="Listen"/>.</summary>
    public async Task StopListeningAsync()
    {
        _listener?.Stop();
        _listener = null;
        await _accepting;
    }

    /// <summary>
    /// The next connection gets this line once its Hello arrived (as a listening viewer refuses a wrong token), or
    /// with <paramref name="atFirstPoints"/> once its first points arrived, or with <paramref name="atFinish"/> once
    /// its Finish arrived (a refusal still on its way when a short stream was written whole), and is closed.
    /// </summary>
    public void RefuseNext(string line, bool atFirstPoints = false, bool atFinish = false)
    {
        _refuseAt = atFinish ? FrameType.Finish : atFirstPoints ? FrameType.Points : FrameType.Hello;
        Volatile.Write(ref _refuseWith, line);
    }

    /// <summary>Closes every open connection at once.</summary>
    public void DropAll()
    {
        foreach (var c in Connections) c.Drop();
    }

    /// <summary>Every open connection stops reading, so its window fills and the producer's sends wait, until it is dropped.</summary>
    public void StopReading()
    {
        foreach (var c in Connections) c.StopReading();
    }

    /// <summary>Every open connection shuts its sending side (the producer reads the end of the stream) and stays open.</summary>
    public void ShutSending()
    {
        foreach (var c in Connections) c.ShutSending();
    }

    /// <summary>Waits (polling, up to <paramref name="timeout"/>) until <paramref name="condition"/> holds; fails the test otherwise.</summary>
    public async Task WaitUntilAsync(Func<LoopbackViewer, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}; connections: {Describe()}");
            await Task.Delay(10);
        }
    }

    /// <summary>Every connection's record on one line, for failure messages.</summary>
    public string Describe() => string.Join("; ", Connections.Select((c, i) => $"#{i}: {c}"));

    /// <summary>Points for the series named <paramref name="name"/> over every connection, in arrival order.</summary>
    public List<double> AllXs(string name) => Connections.SelectMany(c => c.Xs(name)).ToList();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await StopListeningAsync();
        DropAll();
        foreach (var c in Connections) await c.Reading;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stop.Token);
            }
            // Stopped: the listener says so in one of these ways, depending on when.
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }
            var connection = new Connection(socket, Interlocked.Exchange(ref _refuseWith, null), _refuseAt, SaysAcceptance);
            lock (_connections) _connections.Add(connection);
        }
    }

    /// <summary>One producer connection: its frames in order, decoded as they arrive.</summary>
    public sealed class Connection
    {
        private readonly Socket _socket;
        private readonly string? _refusal;
        private readonly FrameType _refuseAt;
        private readonly bool _saysAcceptance;
        private readonly List<FrameType> _types = new();
        private readonly Dictionary<int, SeriesDefinition> _definitions = new();
        private readonly Dictionary<int, List<double>> _xs = new();
        private readonly Dictionary<int, long> _dropped = new();
        // Set while reading is stopped; completed by Drop, so a stopped connection still ends.
        private volatile TaskCompletionSource? _stopped;

        internal Connection(Socket socket, string? refusal, FrameType refuseAt, bool saysAcceptance)
        {
            _socket = socket;
            _refusal = refusal;
            _refuseAt = refuseAt;
            _saysAcceptance = saysAcceptance;
            Reading = ReadAsync();
        }

        /// <summary>The Hello, once it arrived.</summary>
        public ProducerHello? Hello { get; private set; }

        /// <summary>The stream's version from its handshake.</summary>
        public int Version { get; private set; }

        /// <summary>Whether the Finish frame arrived.</summary>
        public bool Finished { get; private set; }

        /// <summary>Whether the producer closed its side (or we dropped it).</summary>
        public bool Closed { get; private set; }

        /// <summary>What the decoder refused, if anything.</summary>
        public string? Error { get; private set; }

        /// <summary>Completes when reading ends.</summary>
        public Task Reading { get; }

        /// <summary>Frame types in order of arrival.</summary>
        public FrameType[] Types
        {
            get
            {
                lock (_types) return _types.ToArray();
            }
        }

        /// <summary>Series defined on this connection, by id.</summary>
        public Dictionary<int, SeriesDefinition> Definitions
        {
            get
            {
                lock (_types) return new(_definitions);
            }
        }

        /// <summary>The x of every point of the series named <paramref name="name"/>, in order.</summary>
        public List<double> Xs(string name)
        {
            lock (_types)
            {
                foreach (var (id, d) in _definitions)
                {
                    if (d.Name == name) return new(_xs[id]);
                }
                return [];
            }
        }

        /// <summary>The last dropped total for the series named <paramref name="name"/>, 0 when none came.</summary>
        public long Dropped(string name)
        {
            lock (_types)
            {
                foreach (var (id, d) in _definitions)
                {
                    if (d.Name == name) return _dropped.GetValueOrDefault(id);
                }
                return 0;
            }
        }

        /// <summary>Reads nothing more until dropped (what the producer sends waits in the sockets).</summary>
        public void StopReading() => _stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Shuts the sending side only: the producer reads the end, while the connection stays open.</summary>
        public void ShutSending()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }

        /// <summary>Closes the connection from this side.</summary>
        public void Drop()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
            _socket.Dispose();
            _stopped?.TrySetResult();
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            lock (_types)
            {
                return $"hello {Hello}, {_types.Count} frames, points {string.Join(",", _xs.Select(p => $"{p.Key}:{p.Value.Count}"))}, finished {Finished}, closed {Closed}, error {Error}";
            }
        }

        private async Task ReadAsync()
        {
            await Task.Yield();
            var decoder = new FrameDecoder();
            try
            {
                // Inside the try: a connection dropped before its reading starts makes the stream throw here.
                var reader = PipeReader.Create(new NetworkStream(_socket, ownsSocket: false));
                while (true)
                {
                    if (_stopped is { } stopped) await stopped.Task;
                    var result = await reader.ReadAsync();
                    var buffer = result.Buffer;
                    bool refuse = false;
                    bool accept = false;
                    try
                    {
                        while (decoder.TryReadFrame(ref buffer, out var frame))
                        {
                            Record(frame, decoder.Version);
                            // A viewer takes the producer at its Hello, unless it refuses it (a refusal here stands
                            // for one of the Hello, heard late).
                            accept |= frame.Type == FrameType.Hello && _saysAcceptance && _refusal is null;
                            if (frame.Type == _refuseAt && _refusal is not null)
                            {
                                refuse = true;
                                break;
                            }
                        }
                    }
                    catch (ProtocolException e)
                    {
                        lock (_types) Error = e.Message;
                        Drop();
                        break;
                    }
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (accept) await _socket.SendAsync(new[] { ProducerAcceptance.Line });
                    if (refuse)
                    {
                        await _socket.SendAsync(Encoding.UTF8.GetBytes(_refusal + "\n"));
                        Drop();
                        break;
                    }
                    if (result.IsCompleted) break;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // Dropped by either side.
            }
            finally
            {
                lock (_types) Closed = true;
            }
        }

        private void Record(in Frame frame, int version)
        {
            lock (_types)
            {
                Version = version;
                _types.Add(frame.Type);
                switch (frame.Type)
                {
                    case FrameType.Hello:
                        Hello = frame.ReadHello();
                        break;
                    case FrameType.DefineSeries:
                        var d = frame.ReadDefinition();
                        _definitions[d.Id] = d;
                        if (!_xs.ContainsKey(d.Id)) _xs[d.Id] = new();
                        break;
                    case FrameType.Points:
                        var xs = new double[frame.PointCount];
                        var ys = new double[frame.PointCount];
                        frame.CopyPoints(xs, ys);
                        _xs[frame.SeriesId].AddRange(xs);
                        break;
                    case FrameType.Dropped:
                        _dropped[frame.SeriesId] = frame.DroppedTotal;
                        break;
                    case FrameType.Finish:
                        Finished = true;
                        break;
                }
            }
        }
    }
}
