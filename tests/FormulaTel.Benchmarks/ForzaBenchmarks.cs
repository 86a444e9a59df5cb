using BenchmarkDotNet.Attributes;
using FormulaTel.Games.Forza;
using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Benchmarks;

/// <summary>
/// Per Forza datagram, from the real captures (FH5 Horizon, FM7 Sled) and an FM 2023 Dash datagram: recognising and
/// viewing it in place (the decode), then decode + conversion into the player's car's spec frames.
/// </summary>
[MemoryDiagnoser]
public class ForzaBenchmarks
{
    private readonly List<TelemetryFrame> _frames = new(16);
    private readonly Timestamp _receivedAt = Timestamp.FromDateTime(DateTime.UtcNow);
    private ForzaFrameMapper _mapper = null!;
    private byte[] _datagram = [];
    private uint _timestamp;

    [Params(ForzaFormat.Sled, ForzaFormat.Horizon, ForzaFormat.Fm2023Dash)]
    public ForzaFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _datagram = Format switch
        {
            ForzaFormat.Sled => File.ReadAllBytes(Path.Combine(Fixtures.Folder, "..", "forza", "packets", "fm7-sled-232-000.bin")),
            ForzaFormat.Horizon => File.ReadAllBytes(Path.Combine(Fixtures.Folder, "..", "forza", "packets", "fh5-324-010.bin")),
            _ => Fm2023(File.ReadAllBytes(Path.Combine(Fixtures.Folder, "..", "forza", "packets", "fh5-324-010.bin"))),
        };
        _mapper = new ForzaFrameMapper(new ForzaSessions(gap: TimeSpan.FromDays(1)));
        _timestamp = BitConverter.ToUInt32(_datagram, 4);
    }

    /// <summary>No FM 2023 capture can be shared: the FH5 one's Sled and Dash blocks laid out as FM 2023 sends them.</summary>
    private static byte[] Fm2023(byte[] horizon)
    {
        var bytes = new byte[(int)ForzaFormat.Fm2023Dash];
        horizon.AsSpan(0, ForzaDatagram.SledSize).CopyTo(bytes);
        horizon.AsSpan(ForzaDatagram.SledSize + ForzaDatagram.HorizonBlockSize, ForzaDatagram.DashSize).CopyTo(bytes.AsSpan(ForzaDatagram.SledSize));
        return bytes;
    }

    [Benchmark]
    public float Decode()
    {
        if (!ForzaDatagram.Recognises(_datagram) || !ForzaDatagram.TryFormat(_datagram.Length, out var format))
        {
            return 0;
        }

        var rpm = ForzaDatagram.Sled(_datagram).CurrentEngineRpm;
        return ForzaDatagram.HasDash(format) ? rpm + ForzaDatagram.Dash(_datagram, format).Speed : rpm;
    }

    [Benchmark]
    public int DecodeAndConvert()
    {
        // The game's clock moves on, as it does 60 times a second, so every datagram continues one session.
        _timestamp += 16;
        BitConverter.TryWriteBytes(_datagram.AsSpan(4), _timestamp);
        _frames.Clear();
        _mapper.Map(_datagram, "bench", _receivedAt, _frames);
        return _frames.Count;
    }
}
