using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DuckDB.NET.Data;
using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using FormulaTel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.VisualBasic.FileIO;

namespace FormulaTel.History.Tests.Api;

/// <summary>The HTTP API over a real SQLite file (the service as it runs, rpc away): answers, errors, exports read back by other readers.</summary>
public sealed class HistoryApiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private WebApplicationFactory<HistoryOptions> _factory = null!;
    private HttpClient _http = null!;
    private long _sessionId;
    private long _lapId;

    private WebApplicationFactory<HistoryOptions> Factory(string databasePath) => new WebApplicationFactory<HistoryOptions>().WithWebHostBuilder(web =>
    {
        web.UseSetting("History:DatabasePath", databasePath);
        web.UseSetting("History:RecordingDirectory", Path.Combine(Path.GetDirectoryName(databasePath)!, "recordings"));
        web.UseSetting("History:RpcAddress", $"http://127.0.0.1:{FreePort.Tcp()}");
    });

    public async Task InitializeAsync()
    {
        _factory = Factory(_directory.File("history.db"));
        _http = _factory.CreateClient();
        await Eventually.Until(() => _factory.Services.GetRequiredService<StoreReadiness>().IsReady, "the store ready");
        var key = new SessionKey("192.168.1.20:50000", 99);
        var batch = new HistoryBatch();
        batch.Sessions.Add(new SessionInfo(key, "F1 24", "Spa-Francorchamps", 10, 7004, "race", "R", 44, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow));
        batch.Cars.Add(new CarInfo(key, 0, "O'NEILL, \"Quick\"", "Williams", 23, false, true));
        for (uint lap = 1; lap <= 3; lap++)
        {
            var points = Enumerable.Range(0, 1400).Select(i => new TraceSample(i * 5, (uint)(i * 75 + lap), 150 + i % 150 + lap / 10f, (i % 10) / 9f, i % 20 == 0 ? 1 : 0, MathF.Sin(i / 30f), 1 + i % 8, i * 0.5f, -i * 0.25f)).ToArray();
            batch.Laps.Add(new LapWrite
            {
                Session = key, CarIndex = 0, LapNumber = lap, Status = LapStatus.Complete, TimeSource = TimeSource.LapData, LapTimeMs = 105_000 - lap * 100,
                Sector1Ms = 30_000, Sector2Ms = 40_000, Sector3Ms = 35_000 - lap * 100, Valid = true, HasDetail = true, Position = 2, TyreCompound = "C4",
                WearEnd = [0.01f * lap, 0.02f * lap, 0.03f * lap, 0.04f * lap], FuelStartKg = 30 - lap, FuelEndKg = 29 - lap, EndedAt = DateTimeOffset.UtcNow,
                Trace = new LapTrace(0, 5, points), TraceCoverage = 1,
            });
        }

        await _factory.Services.GetRequiredService<IHistoryStore>().WriteAsync(batch, CancellationToken.None);
        _sessionId = (await _http.GetFromJsonAsync<JsonElement>("/api/sessions")).GetProperty("items")[0].GetProperty("id").GetInt64();
        _lapId = (await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{_sessionId}/laps")).EnumerateArray().Single(l => l.GetProperty("lapNumber").GetInt32() == 3).GetProperty("id").GetInt64();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Sessions_laps_trace_and_bests_answer_as_json()
    {
        var sessions = await _http.GetFromJsonAsync<JsonElement>("/api/sessions?track=Spa-Francorchamps&page=1&pageSize=10");
        Assert.Equal(1, sessions.GetProperty("total").GetInt32());
        var session = sessions.GetProperty("items")[0];
        Assert.Equal((104_700, 3), (session.GetProperty("bestLapMs").GetInt32(), session.GetProperty("laps").GetInt32()));
        var detail = await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{_sessionId}");
        Assert.Equal("Williams", detail.GetProperty("cars")[0].GetProperty("team").GetString());
        var trace = await _http.GetFromJsonAsync<JsonElement>($"/api/laps/{_lapId}/trace");
        Assert.Equal(1400, trace.GetProperty("points").GetArrayLength());
        var bests = await _http.GetFromJsonAsync<JsonElement>("/api/bests?game=F1%2024");
        Assert.Equal(104_700, bests[0].GetProperty("bestLapMs").GetInt32());
        Assert.Equal(105_000 - 300, bests[0].GetProperty("theoreticalBestMs").GetInt32());
        var compare = await _http.GetFromJsonAsync<JsonElement>("/api/compare-with-best?source=192.168.1.20%3A50000&sessionUid=99&car=0");
        Assert.Equal(_sessionId, compare.GetProperty("sessionId").GetInt64());
        Assert.Equal(bests[0].GetProperty("lapId").GetInt64(), compare.GetProperty("bestLapId").GetInt64());
        var openApi = await _http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        foreach (var path in new[] { "/api/compare-with-best", "/api/sessions", "/api/sessions/{id}", "/api/sessions/{id}/laps", "/api/laps/{id}/trace", "/api/bests", "/api/sessions/{id}/laps.parquet", "/api/laps/{id}/trace.csv" })
        {
            Assert.True(openApi.GetProperty("paths").TryGetProperty(path, out _), $"{path} in the OpenAPI document");
        }
    }

    [Theory]
    [InlineData("/api/sessions/12345", HttpStatusCode.NotFound, "no stored session 12345")]
    [InlineData("/api/sessions/12345/laps.csv", HttpStatusCode.NotFound, "no stored session 12345")]
    [InlineData("/api/laps/777777/trace", HttpStatusCode.NotFound, "no stored lap 777777")]
    [InlineData("/api/laps/777777", HttpStatusCode.NotFound, "no stored lap 777777")]
    [InlineData("/api/sessions/abc", HttpStatusCode.BadRequest, "not \"abc\"")]
    [InlineData("/api/laps/-3/trace.parquet", HttpStatusCode.BadRequest, "positive whole number")]
    [InlineData("/api/sessions?page=0", HttpStatusCode.BadRequest, "page must be")]
    [InlineData("/api/sessions?pageSize=100000", HttpStatusCode.BadRequest, "pageSize from 1 to 500")]
    [InlineData("/api/sessions/1/laps?car=front", HttpStatusCode.BadRequest, "car must be a car index")]
    [InlineData("/api/compare-with-best?source=x&sessionUid=-1&car=0", HttpStatusCode.BadRequest, "sessionUid (the game's session uid)")]
    [InlineData("/api/compare-with-best?source=10.0.0.9%3A1&sessionUid=5&car=0", HttpStatusCode.NotFound, "Session 5 from 10.0.0.9:1 is not stored")]
    public async Task Unknown_ids_and_malformed_parameters_say_what_is_wrong(string path, HttpStatusCode status, string message)
    {
        var response = await _http.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sessions_recordings_are_listed_by_name_and_download_as_they_are_and_nothing_else_can_be_asked_for()
    {
        var directory = Directory.CreateDirectory(_directory.File("recordings")).FullName;
        const string mine = "20261201-190000_f1-24_spa-francorchamps_99_192.168.1.20-50000.pcapng.zst";
        byte[] bytes = [0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3, 4];
        await File.WriteAllBytesAsync(Path.Combine(directory, mine), bytes);
        await File.WriteAllBytesAsync(Path.Combine(directory, "20261201-190000_f1-24_spa-francorchamps_98_192.168.1.20-50000.pcapng.zst"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(directory, "notes_99_192.168.1.20-50000.txt"), [1]);
        await File.WriteAllTextAsync(_directory.File("secret.pcapng"), "not for download");

        var listed = await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{_sessionId}/recordings");
        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal((mine, 8L), (only.GetProperty("name").GetString(), only.GetProperty("bytes").GetInt64()));

        using var download = await _http.GetAsync($"/api/sessions/{_sessionId}/recordings/{mine}");
        Assert.Equal("application/zstd", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(mine, download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());

        foreach (var name in new[] { "..%2Fsecret.pcapng", "20261201-190000_f1-24_spa-francorchamps_98_192.168.1.20-50000.pcapng.zst" })
        {
            using var refused = await _http.GetAsync($"/api/sessions/{_sessionId}/recordings/{name}");
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
    }

    [Fact]
    public async Task A_laps_csv_reads_back_with_a_csv_parser_as_the_same_rows()
    {
        var response = await _http.GetAsync($"/api/sessions/{_sessionId}/laps.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("laps.csv", response.Content.Headers.ContentDisposition!.FileName, StringComparison.Ordinal);
        var rows = Parse(await response.Content.ReadAsStringAsync());
        var json = await _http.GetFromJsonAsync<JsonElement>($"/api/sessions/{_sessionId}/laps");
        Assert.Equal(json.GetArrayLength(), rows.Count - 1);
        var header = rows[0];
        for (var i = 0; i < json.GetArrayLength(); i++)
        {
            var row = header.Zip(rows[i + 1]).ToDictionary(p => p.First, p => p.Second);
            var lap = json[i];
            Assert.Equal(lap.GetProperty("driver").GetString(), row["driver"]); // quotes and a comma survive
            Assert.Equal(lap.GetProperty("lapTimeMs").GetInt64().ToString(CultureInfo.InvariantCulture), row["lap_time_ms"]);
            Assert.Equal(lap.GetProperty("wearFrontRight").GetSingle(), float.Parse(row["wear_fr"], CultureInfo.InvariantCulture));
            Assert.Equal(lap.GetProperty("personalBest").GetBoolean(), bool.Parse(row["personal_best"]));
        }
    }

    [Fact]
    public async Task A_trace_csv_and_parquet_read_back_with_a_csv_parser_and_duckdb_as_the_same_points()
    {
        var json = (await _http.GetFromJsonAsync<JsonElement>($"/api/laps/{_lapId}/trace")).GetProperty("points");
        var csv = Parse(await _http.GetStringAsync($"/api/laps/{_lapId}/trace.csv"));
        Assert.Equal(["distance_m", "time_ms", "speed_kph", "throttle", "brake", "steer", "gear", "x_m", "z_m"], csv[0]);
        Assert.Equal(json.GetArrayLength(), csv.Count - 1);

        var parquet = _directory.File("trace.parquet");
        await File.WriteAllBytesAsync(parquet, await _http.GetByteArrayAsync($"/api/laps/{_lapId}/trace.parquet"));
        await using var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync();
        await using var command = duck.CreateCommand();
        command.CommandText = $"SELECT distance_m, time_ms, speed_kph, throttle, steer, gear, x_m, z_m FROM read_parquet('{parquet}') ORDER BY distance_m";
        await using var reader = await command.ExecuteReaderAsync();
        var i = 0;
        while (await reader.ReadAsync())
        {
            var point = json[i];
            Assert.Equal(point.GetProperty("distance_m").GetSingle(), reader.GetFloat(0));
            Assert.Equal(point.GetProperty("time_ms").GetInt64(), reader.GetInt64(1));
            Assert.Equal(point.GetProperty("speed_kph").GetSingle(), reader.GetFloat(2));
            Assert.Equal(point.GetProperty("throttle").GetSingle(), reader.GetFloat(3));
            Assert.Equal(point.GetProperty("steer").GetSingle(), reader.GetFloat(4));
            Assert.Equal(point.GetProperty("gear").GetInt32(), reader.GetInt32(5));
            Assert.Equal(point.GetProperty("x_m").GetSingle(), reader.GetFloat(6));
            Assert.Equal(float.Parse(csv[i + 1][8], CultureInfo.InvariantCulture), reader.GetFloat(7));
            i++;
        }

        Assert.Equal(json.GetArrayLength(), i);
    }

    [Fact]
    public async Task Laps_parquet_reads_back_in_duckdb()
    {
        var parquet = _directory.File("laps.parquet");
        await File.WriteAllBytesAsync(parquet, await _http.GetByteArrayAsync($"/api/sessions/{_sessionId}/laps.parquet"));
        await using var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync();
        await using var command = duck.CreateCommand();
        command.CommandText = $"SELECT lap, lap_time_ms, driver, tyre_compound, valid FROM read_parquet('{parquet}') ORDER BY lap";
        await using var reader = await command.ExecuteReaderAsync();
        var laps = new List<(int, long, string, string, bool)>();
        while (await reader.ReadAsync())
        {
            laps.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4)));
        }

        Assert.Equal([(1, 104_900L, "O'NEILL, \"Quick\"", "C4", true), (2, 104_800L, "O'NEILL, \"Quick\"", "C4", true), (3, 104_700L, "O'NEILL, \"Quick\"", "C4", true)], laps);
    }

    [Fact]
    public async Task Deleting_a_session_removes_it()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/sessions/{_sessionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/sessions/{_sessionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync($"/api/sessions/{_sessionId}")).StatusCode);
    }

    [Fact]
    public async Task A_corrupt_database_file_fails_the_health_check_with_the_reason()
    {
        var path = _directory.File("corrupt.db");
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 + 1)).ToArray());
        await using var factory = Factory(path);
        using var http = factory.CreateClient();
        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var stats = await http.GetFromJsonAsync<JsonElement>("/stats");
        Assert.False(stats.GetProperty("ready").GetBoolean());
        Assert.Contains(path, stats.GetProperty("failure").GetString(), StringComparison.Ordinal);
        Assert.Equal(8192, new FileInfo(path).Length); // not written into
    }

    private static List<string[]> Parse(string csv)
    {
        using var parser = new TextFieldParser(new StringReader(csv)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData)
        {
            rows.Add(parser.ReadFields()!);
        }

        return rows;
    }
}
