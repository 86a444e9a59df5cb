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

    public async Task<StoredSessionDetail?> SessionAsync(long id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/sessions/{id.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<StoredSessionDetail>(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredLap>> LapsAsync(long sessionId, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<List<StoredLap>>($"/api/sessions/{sessionId.ToString(CultureInfo.InvariantCulture)}/laps", cancellationToken) ?? [];

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

    private static string Query(string name, string? value) => string.IsNullOrWhiteSpace(value) ? "" : $"&{name}={Uri.EscapeDataString(value)}";
}
