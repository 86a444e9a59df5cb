namespace FormulaTel.Games;

/// <summary>Reads a <see cref="DatagramLabel"/> from the datagrams of the games it knows.</summary>
public interface IDatagramLabeler
{
    /// <summary>False when the datagram is not one of this labeler's games (or too broken to say).</summary>
    bool TryLabel(ReadOnlySpan<byte> datagram, out DatagramLabel label);
}
