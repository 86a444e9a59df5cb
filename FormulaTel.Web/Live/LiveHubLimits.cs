using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;

namespace FormulaTel.Web.Live;

/// <summary>
/// What one hub client may ask of web (Web:Hub:*), and the count of what was refused, by reason. Anyone on the LAN
/// can reach the hub, so every call that could make web hold something is checked against a limit here.
/// </summary>
public sealed class LiveHubLimits
{
    /// <summary>A full grid and a few more: enough for a race engineer's tool watching every car.</summary>
    public const int DefaultMaxSubscriptionsPerConnection = 24;

    /// <summary>Calls a second per connection, sustained; the page makes a handful a minute.</summary>
    public const int DefaultInvocationsPerSecond = 20;

    public const int DefaultInvocationBurst = 40;

    /// <summary>Open connections from one address: a room of tablets and a race engineer's tools, many times over.</summary>
    public const int DefaultMaxConnectionsPerAddress = 100;

    /// <summary>New connections a minute from one address (negotiate and connect requests).</summary>
    public const int DefaultConnectsPerMinute = 300;

    /// <summary>The largest message a client may send; a Subscribe call is well under 1 KB.</summary>
    public const int DefaultMaxMessageBytes = 4 * 1024;

    /// <summary>Session keys are "source/uid" (an IPv6 address and port, a 20-digit uid at most); longer is not one.</summary>
    public const int MaxSessionKeyLength = 128;

    /// <summary>Why a call or connection was refused: the tag values of formulatel.web.hub.refused.</summary>
    private static readonly string[] ReasonNames = ["bad_request", "unknown_session", "unknown_car", "connection_cap", "watch_cap", "rate_limited", "connect_rate", "address_cap"];

    public static IReadOnlyList<string> Reasons => ReasonNames;

    private readonly Counter<long>? _refusedCounter;
    private readonly long[] _refused = new long[ReasonNames.Length];

    public LiveHubLimits(IConfiguration? configuration = null, IMeterFactory? meters = null)
    {
        var hub = configuration?.GetSection("Web:Hub");
        MaxSubscriptionsPerConnection = Positive(hub, nameof(MaxSubscriptionsPerConnection), DefaultMaxSubscriptionsPerConnection);
        InvocationsPerSecond = Positive(hub, nameof(InvocationsPerSecond), DefaultInvocationsPerSecond);
        InvocationBurst = Math.Max(InvocationsPerSecond, Positive(hub, nameof(InvocationBurst), DefaultInvocationBurst));
        ConnectsPerMinute = Positive(hub, nameof(ConnectsPerMinute), DefaultConnectsPerMinute);
        MaxConnectionsPerAddress = Positive(hub, nameof(MaxConnectionsPerAddress), DefaultMaxConnectionsPerAddress);
        MaxMessageBytes = Positive(hub, nameof(MaxMessageBytes), DefaultMaxMessageBytes);
        _refusedCounter = meters?.Create(CarStateStore.MeterName).CreateCounter<long>("formulatel.web.hub.refused", "{call}",
            "Hub calls and connections refused, by reason: " + string.Join(", ", Reasons) + ".");
    }

    public int MaxSubscriptionsPerConnection { get; }

    public int InvocationsPerSecond { get; }

    public int InvocationBurst { get; }

    public int ConnectsPerMinute { get; }

    public int MaxConnectionsPerAddress { get; }

    public int MaxMessageBytes { get; }

    /// <summary>Everything refused so far, all reasons.</summary>
    public long Refused => Enumerable.Range(0, _refused.Length).Sum(i => Interlocked.Read(ref _refused[i]));

    public long RefusedFor(string reason) => Interlocked.Read(ref _refused[Index(reason)]);

    public void Count(string reason)
    {
        Interlocked.Increment(ref _refused[Index(reason)]);
        _refusedCounter?.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    private static int Index(string reason)
    {
        var index = Array.IndexOf(ReasonNames, reason);
        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(reason), reason, "not a hub refusal reason");
    }

    /// <summary>Counts the refusal and returns the error the client sees.</summary>
    public HubException Refuse(string reason, string message)
    {
        Count(reason);
        return new HubException(message);
    }

    private static int Positive(IConfiguration? section, string key, int fallback) =>
        Math.Max(1, section?.GetValue<int?>(key) ?? fallback);
}
