namespace FormulaTel.Simulation;

/// <summary>A field of cars lapping a <see cref="SimulatedTrack"/>; advanced one tick at a time.</summary>
public sealed class SimulatedField
{
    private static readonly (string Name, int Team, int Number)[] Drivers =
    [
        ("VERSTAPPEN", 2, 1), ("PEREZ", 2, 11), ("HAMILTON", 0, 44), ("RUSSELL", 0, 63), ("LECLERC", 1, 16),
        ("SAINZ", 1, 55), ("NORRIS", 8, 4), ("PIASTRI", 8, 81), ("ALONSO", 4, 14), ("STROLL", 4, 18),
        ("GASLY", 5, 10), ("OCON", 5, 31), ("ALBON", 3, 23), ("SARGEANT", 3, 2), ("BOTTAS", 9, 77),
        ("ZHOU", 9, 24), ("TSUNODA", 6, 22), ("DE VRIES", 6, 21), ("HULKENBERG", 7, 27), ("MAGNUSSEN", 7, 20),
        ("DRIVER 21", 104, 98), ("DRIVER 22", 104, 99),
    ];

    private readonly SimulatedCar[] _cars;

    public SimulatedField(int cars, int playerCarIndex, double trackLength = 5_891)
    {
        if (cars is < 1 or > 22)
        {
            throw new ArgumentOutOfRangeException(nameof(cars), cars, "An F1 session has 1 to 22 cars.");
        }

        if (playerCarIndex < 0 || playerCarIndex >= cars)
        {
            throw new ArgumentOutOfRangeException(nameof(playerCarIndex), playerCarIndex, "The player's car must be one of the cars.");
        }

        Track = new SimulatedTrack(trackLength);
        PlayerCarIndex = playerCarIndex;
        _cars = new SimulatedCar[cars];
        for (var i = 0; i < cars; i++)
        {
            var (name, team, number) = Drivers[i];
            _cars[i] = new SimulatedCar
            {
                Index = i,
                Name = name,
                TeamId = team,
                RaceNumber = number,
                AiControlled = i != playerCarIndex,
                // A spread of about 1.5 % from the fastest to the slowest, as in a real field.
                Pace = 0.985 + 0.015 * (cars - i) / cars,
                // Grid: 8 m apart, behind the line.
                LapDistance = -8.0 * (i + 1),
                GridPosition = i + 1,
                Position = i + 1,
            };
        }
    }

    public SimulatedTrack Track { get; }
    public int PlayerCarIndex { get; }
    public IReadOnlyList<SimulatedCar> Cars => _cars;
    public double SessionTime { get; private set; }
    public uint FrameId { get; private set; }

    private readonly List<SimulatedEvent> _events = [new SimulatedEvent("SSTA", 0, 0, 0)];
    private double _sessionBestLap;

    /// <summary>What happened since the last call (session start, fastest laps, overtakes), for the Event packet.</summary>
    public IReadOnlyList<SimulatedEvent> TakeEvents()
    {
        var taken = _events.ToArray();
        _events.Clear();
        return taken;
    }

    /// <summary>Advances every car by <paramref name="dt"/> seconds.</summary>
    public void Step(double dt)
    {
        SessionTime += dt;
        FrameId++;
        foreach (var car in _cars)
        {
            var lap = car.LapNumber;
            StepCar(car, dt);
            if (car.LapNumber != lap && car.LastLapTime > 0 && (_sessionBestLap == 0 || car.LastLapTime < _sessionBestLap))
            {
                _sessionBestLap = car.LastLapTime;
                _events.Add(new SimulatedEvent("FTLP", car.Index, 0, car.LastLapTime));
            }
        }

        var order = _cars.OrderByDescending(c => c.TotalDistance).ToArray();
        for (var p = 0; p < order.Length; p++)
        {
            if (order[p].Position > p + 1 && p + 1 < order.Length && FrameId > 1)
            {
                // Gained a place: the car now behind it was overtaken.
                _events.Add(new SimulatedEvent("OVTK", order[p].Index, order[p + 1].Index, 0));
            }

            order[p].Position = p + 1;
        }
    }

    private void StepCar(SimulatedCar car, double dt)
    {
        var target = Track.SpeedAt(car.LapDistance) * car.Pace;
        var previous = car.SpeedMps;
        // Follow the limit profile with a little lag, as a driver does.
        var speed = previous + Math.Clamp(target - previous, -5.0 * 9.81 * dt, 1.4 * 9.81 * dt);
        car.SpeedMps = Math.Max(0, speed);
        car.AccelerationMps2 = (car.SpeedMps - previous) / dt;
        // Flat out when accelerating hard or at the car's top speed; part throttle holding a corner's speed.
        var flatOut = car.AccelerationMps2 > 0.5 * 9.81 || car.SpeedMps >= 0.97 * Track.SpeedAt(car.LapDistance) * car.Pace && Track.CurvatureAt(car.LapDistance) is > -0.002 and < 0.002;
        car.Throttle = car.AccelerationMps2 < -0.5 ? 0 : flatOut ? 1 : Math.Clamp(0.45 + car.AccelerationMps2 / 9.81, 0.45, 1);
        car.Brake = car.AccelerationMps2 < -0.5 ? Math.Clamp(-car.AccelerationMps2 / (5.0 * 9.81), 0, 1) : 0;
        var curvature = Track.CurvatureAt(car.LapDistance);
        car.Steer = Math.Clamp(curvature * 60, -1, 1);
        car.LateralG = car.SpeedMps * car.SpeedMps * curvature / 9.81;
        car.Gear = SimulatedCar.GearFor(car.SpeedKph);
        car.EngineRpm = SimulatedCar.RpmFor(car.SpeedKph, car.Gear);

        var step = car.SpeedMps * dt;
        car.TotalDistance += step;
        car.CurrentLapTime += dt;
        var before = car.LapDistance;
        car.LapDistance += step;

        if (before < 0 && car.LapDistance >= 0)
        {
            // Crossing the line from the grid starts lap 1's clock.
            car.CurrentLapTime = 0;
        }

        var sectorLength = Track.Length / 3;
        if (car.Sector == 0 && car.LapDistance >= sectorLength)
        {
            car.Sector1Time = car.CurrentLapTime;
            car.Sector = 1;
        }
        else if (car.Sector == 1 && car.LapDistance >= 2 * sectorLength)
        {
            car.Sector2Time = car.CurrentLapTime - car.Sector1Time;
            car.Sector = 2;
        }

        if (car.LapDistance >= Track.Length)
        {
            car.LapDistance -= Track.Length;
            car.LastLapTime = car.CurrentLapTime;
            car.BestLapTime = car.BestLapTime == 0 ? car.LastLapTime : Math.Min(car.BestLapTime, car.LastLapTime);
            car.CurrentLapTime = 0;
            car.Sector1Time = 0;
            car.Sector2Time = 0;
            car.Sector = 0;
            car.LapNumber++;
            car.TyreAgeLaps++;
        }

        car.FuelKg = Math.Max(0, car.FuelKg - car.Throttle * 0.0009 * car.SpeedMps * dt);
        car.ErsJoules = Math.Clamp(car.ErsJoules + (car.Brake * 120_000 - car.Throttle * 40_000) * dt, 0, 4_000_000);
        for (var w = 0; w < 4; w++)
        {
            // Tyres warm with cornering and braking load and cool towards 88 °C, staying mostly in the 80–110 °C window;
            // brakes heat under braking.
            var load = Math.Abs(car.LateralG) * (w % 2 == (car.LateralG > 0 ? 1 : 0) ? 1.2 : 0.8) + car.Brake * 2;
            car.TyreSurfaceC[w] += ((88 + 6 * load) - car.TyreSurfaceC[w]) * 0.25 * dt;
            car.BrakeC[w] += ((300 + 700 * car.Brake) - car.BrakeC[w]) * (car.Brake > 0 ? 2.0 : 0.3) * dt;
        }
    }
}

/// <summary>An event for the Event packet: code, the car it concerns, another car, a lap time (seconds).</summary>
public readonly record struct SimulatedEvent(string Code, int Car, int OtherCar, double LapTimeS);
