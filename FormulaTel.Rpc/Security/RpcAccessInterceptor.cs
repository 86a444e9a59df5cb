using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace FormulaTel.Rpc.Security;

/// <summary>
/// rpc's door: every call shows a key of the role its method needs (Publish: a publish key, Watch: a watch key) or
/// is refused with <see cref="StatusCode.Unauthenticated"/> (no key, an unknown one) or
/// <see cref="StatusCode.PermissionDenied"/> (the other role's key), and one caller holds at most
/// <see cref="RpcAccessOptions.MaxStreamsPerCaller"/> open streams (<see cref="StatusCode.ResourceExhausted"/>).
/// Every refusal is counted by reason and logged once per caller and reason, not per call.
/// </summary>
public sealed partial class RpcAccessInterceptor : Interceptor
{
    public const string MetadataKey = "authorization";
    public const string Scheme = "Bearer ";

    /// <summary>Callers remembered for the logged-once rule and the stream counts; beyond it the oldest are forgotten.</summary>
    private const int MaxTrackedCallers = 4096;

    private readonly RpcAccessOptions _options;
    private readonly RpcMetrics _metrics;
    private readonly ILogger<RpcAccessInterceptor> _logger;
    private readonly byte[][] _publishKeys;
    private readonly byte[][] _watchKeys;
    private readonly ConcurrentDictionary<string, int> _openStreams = new();
    private readonly ConcurrentDictionary<(string Caller, string Reason), byte> _logged = new();

    public RpcAccessInterceptor(IOptions<RpcAccessOptions> options, RpcMetrics metrics, ILogger<RpcAccessInterceptor> logger)
    {
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _publishKeys = [.. _options.PublishKeys.Where(k => k.Length > 0).Select(Hash)];
        _watchKeys = [.. _options.WatchKeys.Where(k => k.Length > 0).Select(Hash)];
    }

    /// <summary>Open streams per caller, for tests and /stats.</summary>
    public int OpenStreams => _openStreams.Values.Sum();

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var admitted = await AdmitAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var admitted = await AdmitAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var admitted = await AdmitAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var admitted = await AdmitAsync(context);
        return await continuation(requestStream, context);
    }

    /// <summary>Admits the call, or answers its refusal after <see cref="RpcAccessOptions.RefusalDelay"/>.</summary>
    private async Task<Admission> AdmitAsync(ServerCallContext context)
    {
        try
        {
            return Admit(context);
        }
        catch (RpcException)
        {
            await Task.Delay(_options.RefusalDelay, context.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    private Admission Admit(ServerCallContext context)
    {
        var publishing = context.Method.EndsWith("/Publish", StringComparison.Ordinal);
        var presented = context.RequestHeaders.GetValue(MetadataKey) is { } value && value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? value[Scheme.Length..].Trim()
            : null;
        var address = PeerAddress(context.Peer);
        string caller;
        if (presented is { Length: > 0 })
        {
            var hash = Hash(presented);
            var mine = publishing ? _publishKeys : _watchKeys;
            var theirs = publishing ? _watchKeys : _publishKeys;
            if (!Contains(mine, hash))
            {
                throw Contains(theirs, hash)
                    ? Refuse(address, "permission_denied", StatusCode.PermissionDenied, $"this key may not call {(publishing ? "Publish" : "Watch")}; it is a {(publishing ? "watch" : "publish")} key")
                    : Refuse(address, "unauthenticated", StatusCode.Unauthenticated, "unknown key");
            }

            // A key is known by its hash's first bytes, never by its text (it ends up in logs and metrics).
            caller = $"{Convert.ToHexStringLower(hash, 0, 4)}@{address}";
        }
        else if (_options.AllowAnonymous)
        {
            caller = $"anonymous@{address}";
        }
        else
        {
            throw Refuse(address, "unauthenticated", StatusCode.Unauthenticated,
                $"no key: send \"{MetadataKey}: Bearer KEY\" with a {(publishing ? "publish" : "watch")} key (Rpc:Access in docs/security.md)");
        }

        if (_openStreams.Count >= MaxTrackedCallers && !_openStreams.ContainsKey(caller))
        {
            _openStreams.TryRemove(_openStreams.FirstOrDefault(c => c.Value == 0).Key ?? "", out _);
        }

        if (_openStreams.AddOrUpdate(caller, 1, (_, open) => open + 1) > _options.MaxStreamsPerCaller)
        {
            _openStreams.AddOrUpdate(caller, 0, (_, open) => open - 1);
            throw Refuse(caller, "stream_cap", StatusCode.ResourceExhausted, $"this caller already holds {_options.MaxStreamsPerCaller} open streams (Rpc:Access:MaxStreamsPerCaller)");
        }

        return new Admission(this, caller);
    }

    private RpcException Refuse(string caller, string reason, StatusCode status, string detail)
    {
        _metrics.CallRefused(reason);
        if (_logged.Count < MaxTrackedCallers && _logged.TryAdd((caller, reason), 0))
        {
            LogRefused(_logger, caller, reason, detail);
        }

        return new RpcException(new Status(status, detail));
    }

    private void Release(string caller) => _openStreams.AddOrUpdate(caller, 0, (_, open) => Math.Max(0, open - 1));

    private static bool Contains(byte[][] keys, byte[] hash)
    {
        var found = false;
        foreach (var key in keys)
        {
            // Every key compared in full, in constant time: how long a refusal takes says nothing about the keys.
            found |= CryptographicOperations.FixedTimeEquals(key, hash);
        }

        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    // gRPC peers look like "ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000": the address without the port.
    private static string PeerAddress(string peer)
    {
        var colon = peer.LastIndexOf(':');
        return colon > 0 ? peer[..colon] : peer;
    }

    private sealed class Admission(RpcAccessInterceptor owner, string caller) : IDisposable
    {
        public void Dispose() => owner.Release(caller);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call from {Caller}: {Reason} ({Detail}); further refusals of this caller for this reason are counted, not logged")]
    private static partial void LogRefused(ILogger logger, string caller, string reason, string detail);
}
