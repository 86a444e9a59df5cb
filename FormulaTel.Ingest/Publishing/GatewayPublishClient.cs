using FormulaTel.Protos.V1;
using Google.Protobuf;
using Grpc.Core;

namespace FormulaTel.Ingest.Publishing;

/// <summary>
/// formulatel.v1.TelemetryGateway's Publish (gateway.proto) as ingest calls it: the same method and wire format as
/// the generated client, but each FrameBatch is written from frames already encoded (<see cref="OutgoingBatch"/>).
/// </summary>
public sealed class GatewayPublishClient : ClientBase<GatewayPublishClient>
{
    private static readonly Method<OutgoingBatch, PublishAck> PublishMethod = new(
        MethodType.DuplexStreaming,
        TelemetryGateway.Descriptor.FullName,
        "Publish",
        Marshallers.Create<OutgoingBatch>(OutgoingBatch.Write, static _ => throw new NotSupportedException("ingest only writes publish batches")),
        Marshallers.Create<PublishAck>(
            static (ack, context) =>
            {
                context.SetPayloadLength(ack.CalculateSize());
                ack.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            static context => PublishAck.Parser.ParseFrom(context.PayloadAsReadOnlySequence())));

    public GatewayPublishClient(CallInvoker callInvoker) : base(callInvoker)
    {
    }

    private GatewayPublishClient(ClientBaseConfiguration configuration) : base(configuration)
    {
    }

    public AsyncDuplexStreamingCall<OutgoingBatch, PublishAck> Publish(CancellationToken cancellationToken = default) =>
        CallInvoker.AsyncDuplexStreamingCall(PublishMethod, null, new CallOptions(cancellationToken: cancellationToken));

    protected override GatewayPublishClient NewInstance(ClientBaseConfiguration configuration) => new(configuration);
}
