using System.Runtime.InteropServices;

namespace FormulaTel.Testing;

/// <summary>
/// librdkafka's own mock cluster: real brokers speaking the Kafka protocol on loopback TCP sockets, inside this
/// process, with fault injection. No broker can be installed here; this is the real protocol all the same.
/// </summary>
/// <remarks>
/// Loads the same native library Confluent.Kafka uses, resolved the same way: the package's plain librdkafka.so
/// needs libsasl2.so.3, which Debian lacks, so the centos8 build is the fallback. The topic admin API is not
/// supported by the mock: topics are created here. Never call ListConsumerGroups against it (it crashes the process).
/// </remarks>
public sealed class MockKafkaCluster : IDisposable
{
    private static readonly Lazy<IntPtr> Library = new(LoadLibrary);
    private IntPtr _handle;
    private IntPtr _cluster;

    public MockKafkaCluster(int brokers = 3)
    {
        var conf = Native<ConfNew>("rd_kafka_conf_new")();
        var error = new byte[512];
        _handle = Native<KafkaNew>("rd_kafka_new")(0 /* a producer handle that only hosts the cluster */, conf, error, (UIntPtr)error.Length);
        if (_handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + System.Text.Encoding.UTF8.GetString(error).TrimEnd('\0'));
        }

        _cluster = Native<ClusterNew>("rd_kafka_mock_cluster_new")(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        Native<SetInt>("rd_kafka_mock_set_controller_id")(_cluster, 1);
        Native<SetInt>("rd_kafka_mock_group_initial_rebalance_delay_ms")(_cluster, 0);
        BootstrapServers = Marshal.PtrToStringUTF8(Native<Bootstraps>("rd_kafka_mock_cluster_bootstraps")(_cluster))!;
    }

    /// <summary>host:port,host:port,… of the brokers.</summary>
    public string BootstrapServers { get; }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1) =>
        Check(Native<TopicCreate>("rd_kafka_mock_topic_create")(_cluster, topic, partitions, replicationFactor), $"creating {topic}");

    public void SetBrokerDown(int brokerId) => Check(Native<SetInt>("rd_kafka_mock_broker_set_down")(_cluster, brokerId), "broker down");

    public void SetBrokerUp(int brokerId) => Check(Native<SetInt>("rd_kafka_mock_broker_set_up")(_cluster, brokerId), "broker up");

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(Native<PartitionSetLeader>("rd_kafka_mock_partition_set_leader")(_cluster, topic, partition, brokerId), "leader change");

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            Native<Destroy>("rd_kafka_mock_cluster_destroy")(_cluster);
            _cluster = IntPtr.Zero;
        }

        if (_handle != IntPtr.Zero)
        {
            Native<Destroy>("rd_kafka_destroy")(_handle);
            _handle = IntPtr.Zero;
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"librdkafka mock: {what} failed with error {error}");
        }
    }

    private static IntPtr LoadLibrary()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64", "native");
        foreach (var name in new[] { "librdkafka.so", "centos8-librdkafka.so" })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
            {
                // Confluent.Kafka probes the same names in the same order, and the loader shares one instance per
                // file, so its clients and this mock use one librdkafka. (Its explicit Library.Load needs libdl.so,
                // which Debian ships only as libdl.so.2.)
                return handle;
            }
        }

        throw new DllNotFoundException($"librdkafka could not be loaded from {folder} (librdkafka.redist)");
    }

    private static T Native<T>(string name) where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(Library.Value, name));

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ConfNew();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr KafkaNew(int type, IntPtr conf, byte[] error, UIntPtr errorSize);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ClusterNew(IntPtr handle, int brokers);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr Bootstraps(IntPtr cluster);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetInt(IntPtr cluster, int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int TopicCreate(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitions, int replicationFactor);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int PartitionSetLeader(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partition, int brokerId);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void Destroy(IntPtr handle);
}
