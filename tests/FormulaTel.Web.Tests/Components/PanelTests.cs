using Bunit;
using FormulaTel.Web.Components.Live;
using FormulaTel.Web.Live;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace FormulaTel.Web.Tests.Components;

/// <summary>Each live panel's rendering rules, rendered by bUnit: formatting, colours (and the marks beside them), missing data.</summary>
public sealed class PanelTests : IDisposable
{
    private readonly BunitContext _context = new();

    public PanelTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddRadzenComponents();
    }

    public void Dispose() => _context.Dispose();

    private static CarState Car(int index = 0) => new() { SessionKey = "rig/1", CarIndex = index };

    private static readonly TyreState[] Tyres =
    [
        new(70, 80, 21.5f, 400, 0.10f),  // RL: cold
        new(95, 100, 21.6f, 410, 0.11f), // RR: in the window
        new(115, 110, 23.1f, 700, 0.20f), // FL: hot
        new(100, 101, 23.2f, 690, 0.21f), // FR
    ];

    [Fact]
    public void The_car_panel_says_so_when_there_is_no_car()
    {
        var panel = _context.Render<CarPanel>();
        Assert.Contains("No car data yet", panel.Find("[data-testid=car] .missing").TextContent);
        Assert.Empty(panel.FindAll("[data-testid=speed]"));
    }

    [Theory]
    [InlineData(-1, "R")]
    [InlineData(0, "N")]
    [InlineData(7, "7")]
    public void The_gear_reads_R_N_or_the_number(int gear, string shown)
    {
        var panel = _context.Render<CarPanel>(p => p.Add(c => c.State, Car() with { Gear = gear }));
        Assert.Equal(shown, panel.Find("[data-testid=gear]").TextContent);
    }

    [Fact]
    public void The_car_panel_rounds_readouts_and_shows_drs_ers_fuel_and_steering()
    {
        var panel = _context.Render<CarPanel>(p => p.Add(c => c.State, Car() with
        {
            SpeedKph = 301.6f, EngineRpm = 11_842, Throttle = 0.874f, Brake = 0.004f, DrsOpen = true,
            ErsStoreEnergyJ = 2_000_000, ErsDeployMode = "Overtake", FuelInTankKg = 12.34f, FuelRemainingLaps = -0.4f, Steer = -0.5f,
        }));
        Assert.Equal("302", panel.Find("[data-testid=speed]").TextContent);
        Assert.Equal("11842", panel.Find("[data-testid=rpm]").TextContent);
        Assert.Equal("87", panel.Find("[data-testid=throttle]").TextContent);
        Assert.Equal("0", panel.Find("[data-testid=brake]").TextContent);
        var drs = panel.Find("[data-testid=drs]");
        Assert.Contains("drs-open", drs.ClassList);
        Assert.Contains("OPEN", drs.TextContent); // not colour alone
        Assert.Contains("50 %", panel.Find("[data-testid=ers]").TextContent);
        Assert.Contains("Overtake", panel.Find("[data-testid=ers]").TextContent);
        Assert.Contains("12.3 kg", panel.Find("[data-testid=fuel]").TextContent);
        Assert.Contains("-0.4 laps", panel.Find("[data-testid=fuel]").TextContent);
        Assert.Contains("50 % left", panel.Find("[data-testid=steer]").TextContent);
    }

    [Fact]
    public void Rev_lights_follow_the_games_bits_else_the_ratio()
    {
        var byBits = _context.Render<CarPanel>(p => p.Add(c => c.State, Car() with { RevLightsBits = 0b1011, RevLightsRatio = 0.9f }));
        Assert.Equal([true, true, false, true, false], byBits.FindAll(".led").Take(5).Select(l => l.ClassList.Contains("on")));
        Assert.Equal(3, byBits.FindAll(".led.on").Count);

        var byRatio = _context.Render<CarPanel>(p => p.Add(c => c.State, Car() with { RevLightsRatio = 0.5f }));
        Assert.Equal(8, byRatio.FindAll(".led.on").Count); // 7.5 of 15, rounded
        Assert.Equal(CarPanel.RevLightCount, byRatio.FindAll(".led").Count);
    }

    [Fact]
    public void Tyres_are_laid_out_as_on_the_car_and_judged_against_the_compounds_window()
    {
        var panel = _context.Render<TyresPanel>(p => p.Add(c => c.State, Car() with { Tyres = Tyres, TyreCompound = "Soft", TyreCompoundActual = "C4", TyreAgeLaps = 7 }));
        Assert.Equal(["FL", "FR", "RL", "RR"], panel.FindAll(".tyre-name").Select(n => n.TextContent.Trim()[..2]));
        var fl = panel.Find("[data-testid=tyre-fl]");
        Assert.Equal("hot", fl.GetAttribute("data-status"));
        Assert.Contains("HOT", fl.TextContent); // the word as well as the colour
        Assert.Contains("115", fl.TextContent);
        Assert.Contains("23.1 psi", fl.TextContent);
        Assert.Contains("wear 20 %", fl.TextContent);
        Assert.Contains("brake 700", fl.TextContent);
        Assert.Equal("cold", panel.Find("[data-testid=tyre-rl]").GetAttribute("data-status"));
        Assert.Contains("COLD", panel.Find("[data-testid=tyre-rl]").TextContent);
        Assert.Equal("ok", panel.Find("[data-testid=tyre-rr]").GetAttribute("data-status"));
        Assert.Equal("Soft (C4) · 7 laps", panel.Find("[data-testid=compound]").TextContent.Trim());
    }

    [Theory]
    [InlineData("Soft", 75, "cold")]
    [InlineData("Medium", 100, "ok")]
    [InlineData("Hard", 111, "hot")]
    [InlineData("Intermediate", 75, "ok")]
    [InlineData("Wet", 75, "hot")]
    public void Each_compound_has_its_window(string compound, float surfaceC, string status) =>
        Assert.Equal(status, TyresPanel.Window(compound, surfaceC));

    [Fact]
    public void Without_tyre_data_the_tyres_panel_says_so()
    {
        var panel = _context.Render<TyresPanel>(p => p.Add(c => c.State, Car()));
        Assert.Contains("No tyre data yet", panel.Find("[data-testid=tyres] .missing").TextContent);
    }

    [Fact]
    public void The_timing_tower_shows_each_car_and_colours_and_marks_best_sectors()
    {
        CarState[] cars =
        [
            Car(3) with { Position = 1, LastLapTimeMs = 87_345, BestLapTimeMs = 87_345, LastSector1Ms = 28_100, BestSector1Ms = 28_100, LastSector2Ms = 30_000, BestSector2Ms = 29_900, LastSector3Ms = 29_245, BestSector3Ms = 29_245, TyreCompound = "Soft", TyreAgeLaps = 4 },
            Car(7) with { Position = 2, GapToLeaderMs = 1_234, IntervalMs = 1_234, LastLapTimeMs = 88_000, BestLapTimeMs = 87_900, LastSector1Ms = 28_300, BestSector1Ms = 28_300, LastSector2Ms = 29_800, BestSector2Ms = 29_800, PitStatus = "PIT", PenaltiesS = 5, TyreCompound = "Hard", TyreAgeLaps = 20 },
        ];
        var selected = -1;
        var panel = _context.Render<TimingTower>(p => p
            .Add(c => c.Cars, cars)
            .Add(c => c.Participants, [new CarSummary(3, "NORRIS", "McLaren", 4, true), new CarSummary(7, "LECLERC", "Ferrari", 16, false)])
            .Add(c => c.SelectedCar, 7)
            .Add(c => c.OnSelect, car => selected = car));

        var rows = panel.FindAll("[data-testid=timing-row]");
        Assert.Equal(2, rows.Count);
        var leader = rows[0].Children.Select(c => c.TextContent.Trim()).ToArray();
        Assert.Equal(("1", "NORRIS ★", "Leader"), (leader[0], leader[2], leader[3]));
        Assert.Equal("1:27.345 ◆", leader[5]); // overall best lap: purple and marked
        Assert.Contains("overall-best", rows[0].Children[5].ClassList);
        Assert.Equal("28.100 ◆", leader[7]); // overall best S1
        Assert.Equal("30.000", leader[8]); // neither best: no colour, no mark
        Assert.Equal("S 4", leader[10]);

        var second = rows[1].Children.Select(c => c.TextContent.Trim()).ToArray();
        Assert.Equal(("+1.234", "+1.234", "1:28.000"), (second[3], second[4], second[5]));
        Assert.Equal("29.800 ◆", second[8]); // overall best S2 (better than the leader's)
        Assert.Equal("28.300 ●", second[7]); // personal best S1, not overall: green, marked
        Assert.Contains("personal-best", rows[1].Children[7].ClassList);
        Assert.Equal(("H 20", "PIT", "+5s"), (second[10], second[11], second[12]));
        Assert.Contains("selected", rows[1].ClassList);
        Assert.Equal("#e8002d", rows[1].QuerySelector(".team-colour span")!.GetAttribute("style")!.Split(':')[1]);

        rows[0].Click();
        Assert.Equal(3, selected);
    }

    [Fact]
    public void The_track_map_draws_the_outline_with_gaps_and_highlights_the_selected_car()
    {
        MapPoint[] outline = [new(0, 0), new(100, 0), new(float.NaN, float.NaN), new(100, 100), new(0, 100)];
        var panel = _context.Render<TrackMap>(p => p
            .Add(c => c.Outline, outline)
            .Add(c => c.Cars, [Car(0) with { WorldX = 10, WorldZ = 5 }, Car(1) with { WorldX = 90, WorldZ = 95 }])
            .Add(c => c.Participants, [new CarSummary(1, "PIASTRI", "McLaren", 81, false)])
            .Add(c => c.SelectedCar, 1));
        Assert.Equal("M0,0 L100,0 M100,-100 L0,-100", panel.Find("[data-testid=outline]").GetAttribute("d"));
        var selected = panel.Find("[data-testid=map-selected]");
        Assert.Equal(("90", "-95"), (selected.GetAttribute("cx"), selected.GetAttribute("cy")));
        Assert.Single(panel.FindAll("[data-testid=map-car]"));
        Assert.Contains("PIASTRI", panel.Find("text.car-label").TextContent);
        Assert.True(double.Parse(selected.GetAttribute("r")!, System.Globalization.CultureInfo.InvariantCulture) > double.Parse(panel.Find("[data-testid=map-car]").GetAttribute("r")!, System.Globalization.CultureInfo.InvariantCulture));

        var empty = _context.Render<TrackMap>();
        Assert.Contains("No positions yet", empty.Find(".missing").TextContent);
    }

    [Fact]
    public void The_lap_trace_plots_this_lap_over_the_best_and_words_the_delta()
    {
        var current = new LapTrace(5, 0, [new(0, 100, 1, 0, 0), new(500, 300, 1, 0, 7000), new(1000, 120, 0, 1, 14000)]);
        var best = new LapTrace(3, 87_000, [new(0, 110, 1, 0, 0), new(1000, 130, 0, 1, 13900)]);
        var panel = _context.Render<LapTracePanel>(p => p.Add(c => c.Current, current).Add(c => c.Best, best).Add(c => c.DeltaMs, -123).Add(c => c.TrackLengthM, 1000));
        Assert.Equal("0,75.8 500,31.3 1000,71.3", panel.Find("[data-testid=trace-speed]").GetAttribute("points")); // speed / 360 of the row's 80 px
        Assert.Equal(3, panel.FindAll("polyline.trace-best").Count);
        var delta = panel.Find("[data-testid=delta]");
        Assert.Contains("−0.123 ahead", delta.TextContent);
        Assert.Contains("faster", delta.ClassList);
        Assert.Contains("best, lap 3: 1:27.000", panel.Find(".trace-legend").TextContent);

        var slower = _context.Render<LapTracePanel>(p => p.Add(c => c.Current, current).Add(c => c.DeltaMs, 456));
        Assert.Contains("+0.456 behind", slower.Find("[data-testid=delta]").TextContent);
        Assert.Contains("no best lap yet", slower.Find(".trace-legend").TextContent);

        var none = _context.Render<LapTracePanel>();
        Assert.Contains("crosses the line", none.Find(".missing").TextContent);
        Assert.Contains("Δ best –", none.Find("[data-testid=delta]").TextContent);
    }

    [Fact]
    public void The_session_header_shows_conditions_laps_safety_car_and_events()
    {
        var info = new SessionInfo
        {
            Track = "Monza", SessionType = "R", Weather = "Light rain", AirTemperatureC = 18.6f, TrackTemperatureC = 24.2f,
            TotalLaps = 53, TimeLeftS = 3725, SafetyCar = "VSC", Forecast = [new ForecastSample(10, "Heavy rain", 22, 17, 0.8f)],
        };
        var panel = _context.Render<SessionHeader>(p => p.Add(c => c.Info, info).Add(c => c.LapNumber, 12u).Add(c => c.Position, 3u)
            .Add(c => c.Events, [new LiveEvent(100, "overtake", "NORRIS overtakes PIASTRI"), new LiveEvent(90, "fastest lap", "Fastest lap: NORRIS 1:21.046")]));
        Assert.Equal("Lap 12/53", panel.Find("[data-testid=lap]").TextContent);
        Assert.Equal("P3", panel.Find("[data-testid=position]").TextContent);
        Assert.Equal("VSC", panel.Find("[data-testid=safety-car]").TextContent);
        Assert.Contains("air 19°C", panel.Find("[data-testid=conditions]").TextContent);
        Assert.Contains("1:02:05 left", panel.Find("[data-testid=time-left]").TextContent);
        Assert.Contains("+10 min Heavy rain 80 % rain", panel.Find("[data-testid=forecast]").TextContent);
        Assert.Equal(["NORRIS overtakes PIASTRI", "Fastest lap: NORRIS 1:21.046"], panel.FindAll(".event").Select(e => e.TextContent));

        var waiting = _context.Render<SessionHeader>();
        Assert.Equal("Waiting for telemetry…", waiting.Find("[data-testid=track]").TextContent);
        Assert.Contains("No race events yet", waiting.Find("[data-testid=events]").TextContent);
        Assert.Empty(waiting.FindAll("[data-testid=safety-car]"));
    }

    [Fact]
    public void What_a_game_does_not_send_is_said_so_not_shown_as_zeros()
    {
        var notSent = GameFeatures.NotSent(Protos.V1.Game.ForzaHorizon);
        var car = _context.Render<CarPanel>(p => p.Add(c => c.State, Car() with { FuelRatio = 0.42f }).Add(c => c.NotSent, notSent).Add(c => c.Game, "Forza Horizon"));
        Assert.Equal("not sent by this game", car.Find("[data-testid=not-sent-drs]").TextContent);
        Assert.Equal("not sent by this game", car.Find("[data-testid=not-sent-ers]").TextContent);
        Assert.Contains("42 %", car.Find("[data-testid=fuel]").TextContent);
        Assert.Empty(car.FindAll("[data-testid=rev-lights]"));

        var tyres = _context.Render<TyresPanel>(p => p.Add(c => c.State, Car() with { Tyres = Tyres }).Add(c => c.NotSent, notSent));
        Assert.DoesNotContain("psi", tyres.Markup);
        Assert.DoesNotContain("wear", tyres.Find(".tyre-grid").TextContent); // Horizon sends no wear
        Assert.Contains("pressures", tyres.Find("[data-testid=tyres]").TextContent);

        var header = _context.Render<SessionHeader>(p => p.Add(c => c.Info, new SessionInfo()).Add(c => c.NotSent, notSent).Add(c => c.Game, "Forza Horizon"));
        Assert.Equal("Forza Horizon", header.Find("[data-testid=game]").TextContent);
        Assert.Equal("Track not sent by this game", header.Find("[data-testid=track]").TextContent);
        Assert.NotNull(header.Find("[data-testid=not-sent-weather]"));

        // F1 sends them all: nothing is said missing.
        var f1 = _context.Render<CarPanel>(p => p.Add(c => c.State, Car()).Add(c => c.NotSent, GameFeatures.NotSent(Protos.V1.Game.F125)));
        Assert.Empty(f1.FindAll(".not-sent"));
        Assert.NotEmpty(f1.FindAll("[data-testid=rev-lights]"));
    }

    [Fact]
    public void Whole_session_panels_render_again_only_when_what_they_show_changed()
    {
        IReadOnlyList<CarState> cars = [Car(0) with { Position = 1 }];
        IReadOnlyList<CarSummary> participants = [new CarSummary(0, "NORRIS", "McLaren", 4, true)];
        var tower = _context.Render<TimingTower>(p => p.Add(c => c.Cars, cars).Add(c => c.Participants, participants).Add(c => c.SelectedCar, 0));
        Assert.Equal(1, tower.RenderCount);

        tower.Render(p => p.Add(c => c.Cars, cars).Add(c => c.Participants, participants).Add(c => c.SelectedCar, 0)); // the page's 60 Hz re-render
        Assert.Equal(1, tower.RenderCount);

        tower.Render(p => p.Add(c => c.Cars, [Car(0) with { Position = 1, LastLapTimeMs = 90_000 }]).Add(c => c.Participants, participants).Add(c => c.SelectedCar, 0));
        Assert.Equal(2, tower.RenderCount);
        Assert.Contains("1:30.000", tower.Find("[data-testid=timing-row]").TextContent);
    }
}
