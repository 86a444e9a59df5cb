using FormulaTel.Protos.V1;

namespace FormulaTel.Web.Live;

/// <summary>
/// Recognises frames the live view has seen already. Upstream is at-least-once: when rpc fails a batch, ingest
/// sends it again, so frames Kafka had accepted reappear — after newer ones of the same car. Within one key
/// (source/session/car) Kafka keeps order, and ingest stamps every frame with the time it received the datagram,
/// so per car and payload kind a frame is new only if it was received later than the last one applied. The
/// game's frame id cannot serve: it goes back after a flashback.
/// </summary>
public sealed class RedeliveryFilter
{
    /// <summary>Further back than this is not a redelivery but ingest's clock stepping back (or a new ingest).</summary>
    public static readonly TimeSpan MaxRedeliveryAge = TimeSpan.FromMinutes(2);

    private readonly Dictionary<(string Key, TelemetryFrame.PayloadOneofCase Payload), (long ReceivedTicks, uint FrameId)> _last = [];

    public bool IsNew(string key, TelemetryFrame frame)
    {
        var envelope = frame.Envelope;
        var current = (ReceivedTicks: envelope.ReceivedAt is { } at ? at.Seconds * TimeSpan.TicksPerSecond + at.Nanos / 100 : 0L, envelope.FrameId);
        var slot = (key, frame.PayloadCase);
        if (_last.TryGetValue(slot, out var last))
        {
            var redelivered = current.ReceivedTicks == 0
                // No receive time (not from ingest): only an exact repeat is recognisable.
                ? last.ReceivedTicks == 0 && last.FrameId == current.FrameId
                : current.ReceivedTicks <= last.ReceivedTicks && last.ReceivedTicks - current.ReceivedTicks < MaxRedeliveryAge.Ticks;
            if (redelivered)
            {
                return false;
            }
        }

        _last[slot] = current;
        return true;
    }
}
