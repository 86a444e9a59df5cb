using System.Text.Json;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using SharpFuzz;

// Every input is an untrusted datagram: validate, map into spec frames, and (when valid) write the spec JSON of the
// decode command. Any exception is a finding. State (the active-car tracker) is kept across inputs, as in ingest.
// Instrumented code may only run inside Run (it writes to the coverage map Run sets up): create the mapper there.
F1FrameMapper? mapper = null;
var frames = new List<TelemetryFrame>();
var receivedAt = Timestamp.FromDateTime(DateTime.UnixEpoch);

Fuzzer.LibFuzzer.Run(datagram =>
{
    mapper ??= new F1FrameMapper(new F1ActiveCars());
    frames.Clear();
    mapper.Map(datagram, "fuzz", receivedAt, frames);
    if (F1Decoder.Validate(datagram, out _) == DatagramDropReason.None)
    {
        using var json = new MemoryStream();
        using var writer = new Utf8JsonWriter(json);
        F1SpecJson.Write(writer, datagram);
    }
});
