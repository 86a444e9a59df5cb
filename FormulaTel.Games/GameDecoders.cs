using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games;

/// <summary>
/// Every game family ingest reads, as one: a datagram goes to the decoder that recognises it; one that no decoder
/// claims is dropped as too short or of an unknown format.
/// </summary>
public sealed class GameDecoders : IDatagramLabeler
{
    private readonly IGameDecoder[] _decoders;
    private readonly int _shortest;

    public GameDecoders(IEnumerable<IGameDecoder> decoders)
    {
        _decoders = [.. decoders];
        if (_decoders.Length == 0)
        {
            throw new ArgumentException("At least one game decoder is needed.", nameof(decoders));
        }

        _shortest = _decoders.Min(d => d.ShortestDatagram);
    }

    /// <summary>The decoders, in the order they are asked.</summary>
    public IReadOnlyList<IGameDecoder> Decoders => _decoders;

    /// <summary>The decoder that recognises the datagram, or null.</summary>
    public IGameDecoder? Find(ReadOnlySpan<byte> datagram)
    {
        foreach (var decoder in _decoders)
        {
            if (decoder.Recognises(datagram))
            {
                return decoder;
            }
        }

        return null;
    }

    /// <summary>Maps the datagram with the decoder that recognises it; see <see cref="IGameDecoder.Map"/>.</summary>
    public DatagramDropReason Map(ReadOnlySpan<byte> datagram, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output) =>
        Find(datagram) is { } decoder ? decoder.Map(datagram, sourceId, receivedAt, output) : Unclaimed(datagram);

    /// <summary>Why nobody took a datagram: too short for any game, else a format none of them reads.</summary>
    public DatagramDropReason Unclaimed(ReadOnlySpan<byte> datagram) =>
        datagram.Length < _shortest ? DatagramDropReason.TooShort : DatagramDropReason.UnknownFormat;

    public bool TryLabel(ReadOnlySpan<byte> datagram, out DatagramLabel label)
    {
        if (Find(datagram) is { } decoder)
        {
            return decoder.TryLabel(datagram, out label);
        }

        label = default;
        return false;
    }
}
