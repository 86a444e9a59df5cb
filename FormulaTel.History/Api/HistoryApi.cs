using System.Globalization;
using FormulaTel.History.Feed;
using FormulaTel.History.Laps;
using FormulaTel.History.Storage;
using Microsoft.Extensions.Options;

namespace FormulaTel.History.Api;

/// <summary>
/// The HTTP API under /api (docs/history.md; the OpenAPI document at /openapi/v1.json). Unknown ids answer 404 and
/// malformed parameters 400, each with a problem document that says which.
/// </summary>
public static class HistoryApi
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("history");

        api.MapGet("/sessions", async (IHistoryStore store, string? track, string? game, string? type, string? page, string? pageSize, CancellationToken ct) =>
        {
            if (!TryPositive(page, 1, int.MaxValue, out var pageNumber) || !TryPositive(pageSize, 50, MaxPageSize, out var size))
            {
                return BadRequest($"page must be a whole number from 1, pageSize from 1 to {MaxPageSize}.");
            }

            return Results.Ok(await store.ListSessionsAsync(new SessionFilter(track, game, type), pageNumber, size, ct));
        }).WithSummary("Stored sessions, newest first, filtered by track, game and session type, a page at a time.");

        api.MapGet("/sessions/{id}", async (IHistoryStore store, string id, CancellationToken ct) =>
            !TryId(id, out var sessionId) ? BadId("session", id)
            : await store.GetSessionAsync(sessionId, ct) is { } session ? Results.Ok(session) : NoSession(sessionId))
            .WithSummary("A session with its cars and results.");

        api.MapDelete("/sessions/{id}", async (IHistoryStore store, IHistoryFeed feed, string id, CancellationToken ct) =>
        {
            if (!TryId(id, out var sessionId))
            {
                return BadId("session", id);
            }

            if (await store.GetSessionAsync(sessionId, ct) is not { } detail)
            {
                return NoSession(sessionId);
            }

            // Not built on either: its laps in progress would otherwise store it again when it goes idle. (A session
            // still sending is stored again from its next lap on.)
            if (ulong.TryParse(detail.Session.SessionUid, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                feed.Forget(new SessionKey(detail.Session.Source, uid));
            }

            return await store.DeleteSessionAsync(sessionId, ct) ? Results.NoContent() : NoSession(sessionId);
        })
            .WithSummary("Deletes a session with its laps (a session still sending is stored again from its next lap).");

        api.MapGet("/sessions/{id}/recordings", async (IHistoryStore store, IOptions<HistoryOptions> options, string id, CancellationToken ct) =>
            !TryId(id, out var sessionId) ? BadId("session", id)
            : await store.GetSessionAsync(sessionId, ct) is { } session
                ? Results.Ok(SessionRecordings.Find(options.Value.ResolvedRecordingDirectory, session.Session.Source, session.Session.SessionUid))
                : NoSession(sessionId))
            .WithSummary("The session's raw recordings (pcapng files ingest wrote; none when recording was off or they were deleted).");

        api.MapGet("/sessions/{id}/recordings/{name}", async (IHistoryStore store, IOptions<HistoryOptions> options, string id, string name, CancellationToken ct) =>
        {
            if (!TryId(id, out var sessionId))
            {
                return BadId("session", id);
            }

            if (await store.GetSessionAsync(sessionId, ct) is not { } session)
            {
                return NoSession(sessionId);
            }

            // Only a name the listing gives: nothing else in (or outside) the directory can be asked for.
            var directory = options.Value.ResolvedRecordingDirectory;
            return SessionRecordings.Find(directory, session.Session.Source, session.Session.SessionUid).Any(r => r.Name == name)
                // Shared for writing: ingest may still be recording it; what is on disk now is sent, to its end.
                ? Results.Stream(new FileStream(Path.Combine(directory, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete),
                    SessionRecordings.ContentType(name), name)
                : Results.Problem($"Session {sessionId} has no recording named \"{name}\".", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        })
            .WithSummary("Downloads one of the session's recordings as it is on disk (Wireshark and tshark open it as is).");

        api.MapGet("/sessions/{id}/laps", (IHistoryStore store, string id, string? car, CancellationToken ct) => LapsAsync(store, id, car, null, ct))
            .WithSummary("A session's laps (optionally one car's), bests marked.");
        api.MapGet("/sessions/{id}/laps.csv", (IHistoryStore store, string id, string? car, CancellationToken ct) => LapsAsync(store, id, car, "csv", ct))
            .WithSummary("A session's laps as CSV.");
        api.MapGet("/sessions/{id}/laps.parquet", (IHistoryStore store, string id, string? car, CancellationToken ct) => LapsAsync(store, id, car, "parquet", ct))
            .WithSummary("A session's laps as Parquet.");

        api.MapGet("/laps/{id}", async (IHistoryStore store, string id, CancellationToken ct) =>
            !TryId(id, out var lapId) ? BadId("lap", id)
            : await store.GetLapAsync(lapId, ct) is { } lap ? Results.Ok(lap) : NoLap(lapId))
            .WithSummary("A lap and what names it: session, track, car, driver.");

        api.MapGet("/laps/{id}/trace", (IHistoryStore store, string id, CancellationToken ct) => TraceAsync(store, id, null, ct))
            .WithSummary("A lap's trace: points every 5 m of lap distance (time, speed, throttle, brake, steer, gear, position).");
        api.MapGet("/laps/{id}/trace.csv", (IHistoryStore store, string id, CancellationToken ct) => TraceAsync(store, id, "csv", ct))
            .WithSummary("A lap's trace as CSV.");
        api.MapGet("/laps/{id}/trace.parquet", (IHistoryStore store, string id, CancellationToken ct) => TraceAsync(store, id, "parquet", ct))
            .WithSummary("A lap's trace as Parquet.");

        api.MapGet("/compare-with-best", async (IHistoryStore store, string? source, string? sessionUid, string? car, CancellationToken ct) =>
        {
            if (string.IsNullOrEmpty(source) || !ulong.TryParse(sessionUid, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                || !uint.TryParse(car, NumberStyles.None, CultureInfo.InvariantCulture, out var carIndex))
            {
                return BadRequest("source (the stream's source id), sessionUid (the game's session uid) and car (a car index) are all needed.");
            }

            return await store.FindCompareLapsAsync(new SessionKey(source, uid), carIndex, ct) is { } laps
                ? Results.Ok(laps)
                : Results.Problem($"Session {uid} from {source} is not stored (yet: its first lap is stored when the car crosses the line).",
                    statusCode: StatusCodes.Status404NotFound, title: "Not found");
        })
            .WithSummary("For a live car: its latest stored lap and its driver's best valid lap on this track and game (the live view's \"compare with my best here\").");

        api.MapGet("/bests", async (IHistoryStore store, string? track, string? game, CancellationToken ct) =>
            Results.Ok(await store.GetBestsAsync(new SessionFilter(track, game), ct)))
            .WithSummary("Personal bests per track, game and driver/team, with the theoretical best from best sectors.");

        return app;
    }

    private static async Task<IResult> LapsAsync(IHistoryStore store, string id, string? car, string? format, CancellationToken ct)
    {
        if (!TryId(id, out var sessionId))
        {
            return BadId("session", id);
        }

        uint? carIndex = null;
        if (car is not null)
        {
            if (!uint.TryParse(car, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return BadRequest($"car must be a car index (0, 1, …), not \"{car}\".");
            }

            carIndex = parsed;
        }

        if (await store.GetLapsAsync(sessionId, carIndex, ct) is not { } laps)
        {
            return NoSession(sessionId);
        }

        var name = $"session-{sessionId}-laps";
        return format switch
        {
            "csv" => WithName(Results.Text(Exports.Csv(Exports.LapRows(laps)), "text/csv; charset=utf-8"), name + ".csv"),
            "parquet" => Results.File(await Exports.ParquetAsync(Exports.LapRows(laps), ct), "application/vnd.apache.parquet", name + ".parquet"),
            _ => Results.Ok(laps),
        };
    }

    private static async Task<IResult> TraceAsync(IHistoryStore store, string id, string? format, CancellationToken ct)
    {
        if (!TryId(id, out var lapId))
        {
            return BadId("lap", id);
        }

        if (await store.GetTraceAsync(lapId, ct) is not { } trace)
        {
            return NoLap(lapId);
        }

        var rows = Exports.TraceRows(trace);
        var name = $"lap-{lapId}-trace";
        return format switch
        {
            "csv" => WithName(Results.Text(Exports.Csv(rows), "text/csv; charset=utf-8"), name + ".csv"),
            "parquet" => Results.File(await Exports.ParquetAsync(rows, ct), "application/vnd.apache.parquet", name + ".parquet"),
            _ => Results.Ok(new { lapId, stepM = trace.Step, points = rows }),
        };
    }

    private static IResult WithName(IResult result, string fileName) => new Download(result, fileName);

    private static bool TryId(string text, out long id) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    private static bool TryPositive(string? text, int fallback, int max, out int value)
    {
        value = fallback;
        return text is null || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max);
    }

    private static IResult BadId(string what, string id) => BadRequest($"A {what} id is a positive whole number, not \"{id}\".");

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    private static IResult NoSession(long id) => Results.Problem($"There is no stored session {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static IResult NoLap(long id) => Results.Problem($"There is no stored lap {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>A result served as a download of the given name.</summary>
    private sealed class Download(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
