using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FormulaTel.Simulation;

/// <summary>
/// N rigs, each its own UDP socket (so its own source) and session, sending the simulator's mix at 60 Hz from one
/// thread: participants every 5 s, session and damage twice a second, motion, lap data, telemetry and status every tick.
/// </summary>
internal sealed class RigLoad : IDisposable
{
    private readonly SimulatedField[] _fields;
    private readonly Socket[] _sockets;
    private readonly Action<int, uint>? _telemetrySending;
    private long _sent;

    /// <param name="telemetrySending">Called with the rig and frame id just before each car telemetry datagram goes.</param>
    public RigLoad(SimulatedField[] fields, int port, Action<int, uint>? telemetrySending = null)
    {
        _fields = fields;
        _telemetrySending = telemetrySending;
        var target = new IPEndPoint(IPAddress.Loopback, port);
        _sockets = fields.Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToArray();
        foreach (var socket in _sockets)
        {
            socket.Connect(target);
        }
    }

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The session uid rig <paramref name="rig"/> sends.</summary>
    public static ulong SessionUid(int rig) => 0xA000ul + (ulong)rig;

    /// <summary>The source (address:port) ingest labels rig <paramref name="rig"/>'s frames with.</summary>
    public string SourceId(int rig) => ((IPEndPoint)_sockets[rig].LocalEndPoint!).ToString();

    public Task RunAsync(CancellationToken cancellationToken) => Task.Factory.StartNew(() =>
    {
        var rigs = _fields.Length;
        var writers = _fields.Select((f, i) => new F1PacketWriter(f, SessionUid(i))).ToArray();
        var buffer = new byte[1500];
        var clock = Stopwatch.StartNew();
        long tick = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Checked per tick too: a generator that cannot keep up (a saturated box) would otherwise never leave this loop.
            for (; tick < clock.Elapsed.TotalSeconds * 60 && !cancellationToken.IsCancellationRequested; tick++)
            {
                for (var rig = 0; rig < rigs; rig++)
                {
                    var (field, writer, socket) = (_fields[rig], writers[rig], _sockets[rig]);
                    field.Step(1.0 / 60);
                    void Send(int length)
                    {
                        socket.Send(buffer.AsSpan(0, length), SocketFlags.None, out _);
                        Interlocked.Increment(ref _sent);
                    }

                    if (tick % 300 == 0)
                    {
                        Send(writer.WriteParticipants(buffer));
                    }

                    if (tick % 30 == 0)
                    {
                        Send(writer.WriteSession(buffer));
                        Send(writer.WriteCarDamage(buffer));
                    }

                    Send(writer.WriteMotion(buffer));
                    Send(writer.WriteLapData(buffer));
                    var telemetry = writer.WriteCarTelemetry(buffer);
                    _telemetrySending?.Invoke(rig, field.FrameId);
                    Send(telemetry);
                    Send(writer.WriteCarStatus(buffer));
                    foreach (var simulated in field.TakeEvents())
                    {
                        Send(writer.WriteEvent(simulated, buffer));
                    }
                }
            }

            Thread.Sleep(2);
        }
    }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ContinueWith(_ => { }, TaskScheduler.Default);

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}
