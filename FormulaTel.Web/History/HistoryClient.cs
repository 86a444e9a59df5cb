using System.Globalization;
using System.Net;

namespace FormulaTel.Web.History;

/// <summary>The history service's API (resource "history"), for the session pages.</summary>
public sealed class HistoryClient(HttpClient http)
{
    /// <summary>The API's address as a browser can use it for downloads (the same the client calls).</summary>
    public Uri? BaseAddress => http.BaseAddress;

    public Task<SessionPage?> SessionsAsync(string? track, string? game, string? type, int page, CancellationToken cancellationToken) =>
        http.GetFromJsonAsync<SessionPage>($"/api/sessions?page={page.ToString(CultureInfo.InvariantCulture)}&pageSize=25"
            + Query("track", track) + Query("game", game) + Query("type", type), cancellationToken);

    public Task<StoredSessionDetail?> SessionAsync(long id, CancellationToken cancellationToken) =>
        OrNullAsync<StoredSessionDetail>($"/api/sessions/{id.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    public async Task<IReadOnlyList<StoredLap>> LapsAsync(long sessionId, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<List<StoredLap>>($"/api/sessions/{sessionId.ToString(CultureInfo.InvariantCulture)}/laps", cancellationToken) ?? [];

    public async Task<IReadOnlyList<StoredRecording>> RecordingsAsync(long sessionId, CancellationToken cancellationToken) =>
        await OrNullAsync<List<StoredRecording>>($"/api/sessions/{sessionId.ToString(CultureInfo.InvariantCulture)}/recordings", cancellationToken) ?? [];

    /// <summary>Deletes a stored session with its laps; false when there was none.</summary>
    public async Task<bool> DeleteSessionAsync(long sessionId, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync($"/api/sessions/{sessionId.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    public Task<StoredLapSummary?> LapAsync(long lapId, CancellationToken cancellationToken) =>
        OrNullAsync<StoredLapSummary>($"/api/laps/{lapId.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    public Task<StoredTrace?> TraceAsync(long lapId, CancellationToken cancellationToken) =>
        OrNullAsync<StoredTrace>($"/api/laps/{lapId.ToString(CultureInfo.InvariantCulture)}/trace", cancellationToken);

    public async Task<IReadOnlyList<StoredBest>> BestsAsync(string? track, string? game, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<List<StoredBest>>("/api/bests?" + Query("track", track).TrimStart('&') + Query("game", game), cancellationToken) ?? [];

    /// <summary>The live car's latest stored lap and its driver's best here; null while its session has no stored lap.</summary>
    public Task<StoredCompareLaps?> CompareWithBestAsync(string sourceId, string sessionUid, int carIndex, CancellationToken cancellationToken) =>
        OrNullAsync<StoredCompareLaps>($"/api/compare-with-best?source={Uri.EscapeDataString(sourceId)}&sessionUid={Uri.EscapeDataString(sessionUid)}"
            + $"&car={carIndex.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    /// <summary>Passes a GET of the API through (the pages' download links: the browser cannot reach history itself).</summary>
    public async Task ForwardAsync(string pathAndQuery, HttpContext context)
    {
        using var response = await http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        if (response.Content.Headers.ContentDisposition is { } disposition)
        {
            context.Response.Headers.ContentDisposition = disposition.ToString();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task<T?> OrNullAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        using var response = await http.GetAsync(path, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
    }

    private static string Query(string name, string? value) => string.IsNullOrWhiteSpace(value) ? "" : $"&{name}={Uri.EscapeDataString(value)}";
}
