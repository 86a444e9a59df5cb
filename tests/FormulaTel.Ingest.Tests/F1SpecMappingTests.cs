using System.Buffers.Binary;
using FormulaTel.Games;
using FormulaTel.Games.F1;
using FormulaTel.Protos.V1;
using FormulaTel.Testing;

namespace FormulaTel.Ingest.Tests;

/// <summary>The payloads beyond the live essentials, mapped from the real captures; values from the spec's offsets.</summary>
public class F1SpecMappingTests
{
    private const int Header = 29;

    private static List<TelemetryFrame> Map(byte[] bytes, F1ActiveCars? cars = null)
    {
        var frames = new List<TelemetryFrame>();
        Assert.Equal(DatagramDropReason.None, new F1FrameMapper(cars ?? new F1ActiveCars()).Map(bytes, "rig", new(), frames));
        return frames;
    }

    [Fact]
    public void Events_name_the_car_they_concern()
    {
        var fastest = Fixtures.PacketBytes("2023-03-FTLP.bin");
        var frame = Assert.Single(Map(fastest));
        Assert.Equal((RaceEventKind.RaceEventFastestLap, "FTLP"), (frame.Event.Kind, frame.Event.Code));
        Assert.Equal(fastest[33], (int)frame.Envelope.CarIndex);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(fastest.AsSpan(34)), frame.Event.LapTimeS);

        var penalty = Fixtures.PacketBytes("2023-03-PENA.bin");
        frame = Assert.Single(Map(penalty));
        Assert.Equal(RaceEventKind.RaceEventPenalty, frame.Event.Kind);
        Assert.Equal((penalty[33], penalty[34], penalty[35], penalty[36], penalty[37], penalty[38]),
            ((byte)frame.Event.PenaltyType, (byte)frame.Event.InfringementType, (byte)frame.Envelope.CarIndex, (byte)frame.Event.OtherCar, (byte)frame.Event.TimeS, (byte)frame.Event.Lap));

        var overtake = Fixtures.PacketBytes("2024-03-OVTK.bin");
        frame = Assert.Single(Map(overtake));
        Assert.Equal((overtake[33], overtake[34]), ((byte)frame.Envelope.CarIndex, (byte)frame.Event.OtherCar));
        Assert.Equal(Game.F124, frame.Envelope.Game);

        var safetyCar = Fixtures.PacketBytes("2024-03-SCAR.bin");
        frame = Assert.Single(Map(safetyCar));
        Assert.Equal((RaceEventKind.RaceEventSafetyCar, (uint)safetyCar[33], (uint)safetyCar[34]), (frame.Event.Kind, frame.Event.SafetyCarType, frame.Event.SafetyCarEvent));

        var redFlag = Fixtures.PacketBytes("2024-03-RDFL.bin"); // 44 bytes
        Assert.Equal(RaceEventKind.RaceEventRedFlag, Assert.Single(Map(redFlag)).Event.Kind);
    }

    [Fact]
    public void Session_carries_forecast_marshal_zones_and_F1_details()
    {
        var bytes = Fixtures.PacketBytes("2023-01.bin");
        var session = Assert.Single(Map(bytes)).Session;
        Assert.Equal(bytes[Header + 18], session.MarshalZones.Count);
        if (session.MarshalZones.Count > 0)
        {
            Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(Header + 19)), session.MarshalZones[0].StartFraction);
        }

        const int forecast = Header + 19 + 105 + 3;
        Assert.Equal(bytes[Header + 126], session.WeatherForecast.Count);
        if (session.WeatherForecast.Count > 0)
        {
            Assert.Equal(bytes[forecast + 1], session.WeatherForecast[0].TimeOffsetMin);
            Assert.Equal(bytes[forecast + 7] / 100f, session.WeatherForecast[0].RainProbability);
        }

        Assert.Equal(bytes[forecast + 448 + 1], session.F1.AiDifficulty);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(forecast + 448 + 2)), session.F1.SeasonLinkId);

        var bytes24 = Fixtures.PacketBytes("2024-01.bin");
        var session24 = Assert.Single(Map(bytes24)).Session;
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(bytes24.AsSpan(745)), session24.Sector2StartM);
        Assert.Equal(bytes24[732], session24.F1.WeekendSessionTypes.Count);
    }

    [Fact]
    public void Damage_setups_history_and_tyre_sets()
    {
        var damage = Fixtures.PacketBytes("2023-10.bin");
        var player = damage[27];
        var d = Assert.Single(Map(damage)).CarDamage;
        var car = damage.AsSpan(Header + player * 42);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(car) / 100f, d.TyreWear.RearLeft);
        Assert.Equal(car[16] / 100f, d.TyreDamage.RearLeft);
        Assert.Equal(car[24] / 100f, d.FrontLeftWing);
        Assert.Equal(car[40] != 0, d.EngineBlown);

        var setups = Fixtures.PacketBytes("2024-05.bin");
        var s = Assert.Single(Map(setups)).CarSetup;
        var setup = setups.AsSpan(Header + setups[27] * 50);
        Assert.Equal((setup[0], setup[1]), ((byte)s.FrontWing, (byte)s.RearWing));
        Assert.Equal(setup[28] / 100f, s.EngineBraking);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(setup[46..]), s.FuelLoadKg);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(setups.AsSpan(1129)), s.NextFrontWing);

        var history = Fixtures.PacketBytes("2023-11.bin");
        var h = Assert.Single(Map(history));
        Assert.Equal(history[Header], (int)h.Envelope.CarIndex);
        Assert.Equal(history[Header + 1], h.SessionHistory.Laps.Count);
        if (h.SessionHistory.Laps.Count > 0)
        {
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(history.AsSpan(Header + 7)), h.SessionHistory.Laps[0].LapTimeMs);
        }

        Assert.Equal(history[Header + 2], h.SessionHistory.TyreStints.Count);

        var sets = Fixtures.PacketBytes("2023-12.bin");
        var t = Assert.Single(Map(sets));
        Assert.Equal(20, t.TyreSets.Sets.Count);
        Assert.Equal(sets[230], t.TyreSets.FittedIndex);
        Assert.Equal(sets[Header + 1 + 2] / 100f, t.TyreSets.Sets[0].Wear);
    }

    [Fact]
    public void Classification_lobby_motion_ex_and_time_trial()
    {
        var classification = Fixtures.PacketBytes("2023-08.bin");
        var results = Map(classification);
        Assert.Equal(classification[Header], results.Count);
        var c = classification.AsSpan(Header + 1);
        Assert.Equal((c[0], c[1], c[3]), ((byte)results[0].FinalClassification.Position, (byte)results[0].FinalClassification.Laps, (byte)results[0].FinalClassification.Points));
        Assert.Equal(BinaryPrimitives.ReadDoubleLittleEndian(c[10..]), results[0].FinalClassification.TotalRaceTimeS);

        var lobby = Fixtures.PacketBytes("2024-09.bin");
        var players = Map(lobby);
        Assert.Equal(lobby[Header], players.Count);
        if (players.Count > 0)
        {
            Assert.Equal(lobby[Header + 1 + 57], players[0].LobbyPlayer.ReadyStatus);
        }

        var motionEx = Fixtures.PacketBytes("2024-13.bin");
        var m = Assert.Single(Map(motionEx)).MotionEx;
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(motionEx.AsSpan(Header)), m.SuspensionPosition.RearLeft);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(motionEx.AsSpan(Header + 128)), m.CogHeightM);
        Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(motionEx.AsSpan(233)), m.ChassisYawRad);

        var trial = Fixtures.PacketBytes("2024-14.bin");
        var tt = Assert.Single(Map(trial)).TimeTrial;
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(trial.AsSpan(Header + 2)), tt.PlayerSessionBest.LapTimeMs);
        Assert.Equal(trial[Header + 48], tt.Rival.CarIndex);
        Assert.Equal(trial[100] != 0, tt.Rival.Valid);
    }

    [Fact]
    public void Lap_positions_per_active_car()
    {
        var bytes = new byte[1131];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, 2025);
        bytes[6] = 15;
        bytes[27] = 0;
        bytes[29] = 3;   // laps
        bytes[30] = 4;   // starting at lap index 4 → lap 5
        for (var lap = 0; lap < 3; lap++)
        {
            bytes[31 + lap * 22] = (byte)(lap + 1);
        }

        var frame = Assert.Single(Map(bytes)); // before lap data: the player's car only
        Assert.Equal(5u, frame.LapPositions.FirstLap);
        Assert.Equal([1u, 2u, 3u], frame.LapPositions.Positions);
    }
}
