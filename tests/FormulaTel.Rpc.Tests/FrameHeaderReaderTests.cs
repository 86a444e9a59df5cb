using FormulaTel.Protos.V1;
using FormulaTel.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Rpc.Tests;

public class FrameHeaderReaderTests
{
    [Fact]
    public void The_header_read_from_the_bytes_is_the_parsed_frames_for_every_payload()
    {
        var frames = SpecFrames.EveryPayload("192.168.1.20:50000", 0xFEDCBA9876543210, 19).ToList();
        Assert.True(frames.Count >= 16);
        foreach (var frame in frames)
        {
            frame.Envelope.Game = Game.F125;
            frame.Envelope.SessionTimeS = 1234.5678;
            frame.Envelope.IsPlayerCar = true;
            frame.Envelope.FrameId = 99;
            frame.Envelope.ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddDays(20_000));
            Assert.True(FrameHeaderReader.TryRead(frame.ToByteArray(), out var header));
            Assert.Equal(FrameHeader.From(frame), header);
        }
    }

    [Fact]
    public void Source_ids_are_shared_strings_not_one_per_frame()
    {
        var bytes = Frames.Telemetry("10.0.0.7:40001", 1, 0, 100).ToByteArray();
        Assert.True(FrameHeaderReader.TryRead(bytes, out var first));
        Assert.True(FrameHeaderReader.TryRead(bytes, out var second));
        Assert.Same(first.SourceId, second.SourceId);
    }

    [Fact]
    public void The_source_id_cache_is_bounded_and_counts_each_time_it_starts_again()
    {
        var before = FrameHeaderReader.SourceIdsCleared;
        for (var i = 0; i <= FrameHeaderReader.MaxSourceIds; i++)
        {
            Assert.True(FrameHeaderReader.TryRead(Frames.Telemetry($"10.1.{i / 250}.{i % 250}:5000", 1, 0, 100).ToByteArray(), out var header));
            Assert.Equal($"10.1.{i / 250}.{i % 250}:5000", header.SourceId);
        }

        Assert.True(FrameHeaderReader.SourceIdsCleared > before);
    }

    [Fact]
    public void Frames_without_an_envelope_or_a_payload_read_as_such()
    {
        Assert.True(FrameHeaderReader.TryRead(new TelemetryFrame { CarTelemetry = new CarTelemetry { SpeedKph = 1 } }.ToByteArray(), out var noEnvelope));
        Assert.False(noEnvelope.HasEnvelope);
        Assert.True(FrameHeaderReader.TryRead(new TelemetryFrame { Envelope = new Envelope { SourceId = "a" } }.ToByteArray(), out var noPayload));
        Assert.Equal(TelemetryFrame.PayloadOneofCase.None, noPayload.Payload);
        Assert.True(FrameHeaderReader.TryRead([], out var empty));
        Assert.Equal((false, TelemetryFrame.PayloadOneofCase.None, ""), (empty.HasEnvelope, empty.Payload, empty.SourceId));
    }

    [Fact]
    public void Bytes_that_break_the_wire_format_are_malformed_not_a_crash()
    {
        var bytes = Frames.Telemetry("a", 1, 0, 100).ToByteArray();
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            // Any cut either still reads (it fell between fields) or is refused; it never throws.
            _ = FrameHeaderReader.TryRead(bytes[..cut], out _);
        }

        Assert.False(FrameHeaderReader.TryRead(bytes[..^1], out _)); // the payload's length runs past the end
        Assert.False(FrameHeaderReader.TryRead([0x0A, 0x05, 0x12], out _)); // an envelope longer than the frame
        Assert.False(FrameHeaderReader.TryRead([0x00], out _)); // field number 0
        Assert.False(FrameHeaderReader.TryRead([0x0B, 0x01], out _)); // a group (wire type 3)
        Assert.False(FrameHeaderReader.TryRead([0x52, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], out _)); // a varint past 64 bits
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var noise = new byte[random.Next(0, 64)];
            random.NextBytes(noise);
            _ = FrameHeaderReader.TryRead(noise, out _);
        }
    }

    [Fact]
    public void A_malformed_frame_in_a_publish_batch_is_marked_and_the_rest_read()
    {
        var good = Frames.Telemetry("a", 1, 0, 100).ToByteArray();
        byte[] bad = [0x0A, 0x05, 0x12];
        byte[] batch = [0x12, (byte)good.Length, .. good, 0x12, (byte)bad.Length, .. bad, 0x08, 0x07]; // frames, frames, sequence 7

        var read = Gateway.GatewayWire.ReadBatch(batch);

        Assert.Equal(7ul, read.Sequence);
        Assert.Equal([true, false], read.Frames.Select(f => f.WellFormed));
        Assert.Equal(100f, read.Frames[0].Frame.CarTelemetry.SpeedKph);
    }
}
