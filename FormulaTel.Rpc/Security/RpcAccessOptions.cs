namespace FormulaTel.Rpc.Security;

/// <summary>
/// Who may call rpc and how much (Rpc:Access:*). Publishers (ingest) and watchers (web, history) each present an
/// API key of their role in the call's metadata (<c>authorization: Bearer KEY</c>). Each role takes a list, so a key
/// can be rotated: add the new one, move the clients, remove the old one (docs/security.md).
/// </summary>
public sealed class RpcAccessOptions
{
    public const string SectionName = "Rpc:Access";

    /// <summary>Keys that may call Publish.</summary>
    public List<string> PublishKeys { get; set; } = [];

    /// <summary>Keys that may call Watch.</summary>
    public List<string> WatchKeys { get; set; } = [];

    /// <summary>Lets any caller in without a key: only for a network where everything that can reach rpc is trusted.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// How long a refused call waits for its answer: a caller that retries at once, or floods, is held to a few calls
    /// a second per stream it opens, and costs rpc next to nothing.
    /// </summary>
    public TimeSpan RefusalDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Open streams (Publish and Watch together) one caller (a key from one address) may hold.</summary>
    public int MaxStreamsPerCaller { get; set; } = 128;

    /// <summary>Frames in one publish batch; ingest sends 512 at most.</summary>
    public int MaxBatchFrames { get; set; } = 2048;

    /// <summary>One frame's encoded size; the largest spec frame (a session with its forecast) is under 2 KB.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024;
}
