namespace FormulaTel.History;

/// <summary>History's settings (section History).</summary>
public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Where history keeps its SQLite file (in Kubernetes a volume claim is mounted here).</summary>
    public string DataDirectory { get; set; } = System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "FormulaTel");

    /// <summary>The SQLite file; by default history.db in <see cref="DataDirectory"/>. Relative paths resolve against the working directory.</summary>
    public string? DatabasePath { get; set; }

    public string ResolvedDatabasePath => System.IO.Path.GetFullPath(DatabasePath ?? System.IO.Path.Combine(DataDirectory, "history.db"));

    /// <summary>rpc's gRPC address (service discovery finds the AppHost's rpc).</summary>
    public string RpcAddress { get; set; } = "http://_grpc.rpc";

    /// <summary>
    /// At most this many frames a second per car of each periodic payload from rpc's watch stream (0: every frame).
    /// 30 keeps a trace point's neighbours under 3.5 m apart at 370 km/h (the trace has a point every 5 m), and the
    /// lap and sector times come from the game's own figures, not from the frame rate.
    /// </summary>
    public uint FramesPerSecond { get; set; } = 30;

    /// <summary>Sessions last seen longer ago than this are deleted.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Past this the oldest sessions are deleted until the history fits.</summary>
    public double MaxSizeMB { get; set; } = 2048;

    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long what was built waits before it is written (a lap is in the API within about this).</summary>
    public TimeSpan WriteInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Writes waiting for the database; past it they are dropped and counted (a database that stopped).</summary>
    public int WriteQueueCapacity { get; set; } = 100_000;

    /// <summary>The consumer group history reads the telemetry topic in (full stack): instances in one group share the partitions.</summary>
    public string KafkaGroupId { get; set; } = "formulatel-history";

    /// <summary>Cars whose commit point is tracked (Kafka); past it a car's frames may be committed before its lap is stored, counted.</summary>
    public int MaxTrackedCars { get; set; } = 10_000;

    /// <summary>
    /// Where ingest keeps its recordings (Ingest:Recording:Directory), for a session's raw download. Empty: ingest's
    /// default, "FormulaTel/recordings" under the user's local data folder; a directory that is not there lists none.
    /// </summary>
    public string? RecordingDirectory { get; set; }

    public string ResolvedRecordingDirectory => string.IsNullOrWhiteSpace(RecordingDirectory)
        ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "FormulaTel", "recordings")
        : System.IO.Path.GetFullPath(RecordingDirectory);
}
