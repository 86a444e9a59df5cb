using System.Text.Json;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Games.Forza;
using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using SharpFuzz;

// Every input is an untrusted datagram: given to the game decoder that recognises it (F1 or Forza) and mapped into
// spec frames, and (when valid) written as the decode command's spec JSON. Any exception is a finding. State (F1's
// active cars, Forza's sessions) is kept across inputs, as in ingest.
// Instrumented code may only run inside Run (it writes to the coverage map Run sets up): create the decoders there.
GameDecoders? games = null;
var frames = new List<TelemetryFrame>();
var receivedAt = Timestamp.FromDateTime(DateTime.UnixEpoch);

Fuzzer.LibFuzzer.Run(datagram =>
{
    games ??= new GameDecoders([new F1Game(new F1FrameMapper(new F1ActiveCars())), new ForzaGame(new ForzaFrameMapper(new ForzaSessions()))]);
    frames.Clear();
    games.Map(datagram, "fuzz", receivedAt, frames);
    if (ForzaDatagram.Recognises(datagram))
    {
        using var json = new MemoryStream();
        using var writer = new Utf8JsonWriter(json);
        ForzaSpecJson.Write(writer, datagram);
    }
    else if (F1Decoder.Validate(datagram, out _) == DatagramDropReason.None)
    {
        using var json = new MemoryStream();
        using var writer = new Utf8JsonWriter(json);
        F1SpecJson.Write(writer, datagram);
    }
});
